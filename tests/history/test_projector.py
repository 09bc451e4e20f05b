import json
import logging

import pytest
from django.core.management import call_command

from history.models import Match, MatchPlayer
from history.projector import MatchProjector
from streaming.consumer import RetryLater, Verdict
from streaming.delivery import Delivery
from streaming.models import PoisonEvent
from tests.streaming.factories import match_events
from tests.support import BackgroundConsumer, consumer_info, publish_match, publish_raw, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def game_end_of(events):
    return events[-1]


def test_game_end_becomes_one_match_with_its_players(stream):
    publish_match("room-1", match_events("room-1", players=["p1", "p2", "p3"], tournament_id="cup-7"))
    with BackgroundConsumer(MatchProjector()):
        wait_until(lambda: Match.objects.count() == 1)
    match = Match.objects.get()
    assert (match.room_id, match.mode, match.player_count, match.tournament_id) == ("room-1", "multiplayer", 3, "cup-7")
    players = list(MatchPlayer.objects.filter(match=match).order_by("placement"))
    assert [(p.player_id, p.placement, p.score) for p in players] == [("p1", 1, 1000), ("p2", 2, 900), ("p3", 3, 800)]
    assert all(p.user_id is None for p in players)  # guests


def test_registered_players_are_linked_to_their_user(stream, django_user_model):
    user = django_user_model.objects.create_user(username="carol", password="x-long-password-1")
    publish_match("room-1", match_events("room-1", players=[str(user.id), "guest-7"]))
    with BackgroundConsumer(MatchProjector()):
        wait_until(lambda: MatchPlayer.objects.count() == 2)
    assert MatchPlayer.objects.get(player_id=str(user.id)).user_id == user.id
    assert MatchPlayer.objects.get(player_id="guest-7").user_id is None


def test_republished_game_end_writes_one_match_and_logs_it_once(stream, caplog):
    caplog.set_level(logging.INFO, logger="streaming.projector")
    events = match_events("room-1")
    publish_match("room-1", events)
    with BackgroundConsumer(MatchProjector()):
        wait_until(lambda: Match.objects.count() == 1)
        # The same game_end again, stored as a new message (no Msg-Id, past the duplicate window).
        end_event, _ = game_end_of(events)
        publish_raw([("game.room-1.events", json.dumps(end_event).encode(), None)])
        wait_until(lambda: _pending("match-projector") == 0)
    assert Match.objects.count() == 1
    assert MatchPlayer.objects.count() == 2
    assert_one_projected_line_per_match(caplog, Match.objects.all())


class AcksLostOnce(MatchProjector):
    """Commits the batch holding the game_end, then fails as if NATS went away before its acks were sent.

    The runner naks the batch (a world error), so JetStream redelivers the very same messages.
    """

    def __init__(self, game_end_seq: int) -> None:
        super().__init__()
        self.game_end_seq = game_end_seq
        self.failed = False
        self.game_end_deliveries: list[int] = []  # num_delivered of each delivery of the game_end

    def process_with_database(self, batch: list[Delivery]) -> list[Verdict]:
        verdicts = super().process_with_database(batch)
        for delivery in batch:
            if delivery.stream_seq == self.game_end_seq:
                self.game_end_deliveries.append(delivery.num_delivered)
                if not self.failed:
                    self.failed = True
                    raise RetryLater("acks lost after the commit")
        return verdicts


def test_redelivered_game_end_writes_one_match(stream, caplog):
    caplog.set_level(logging.INFO, logger="streaming.projector")
    *_, game_end_seq = publish_match("room-1", match_events("room-1"))
    projector = AcksLostOnce(game_end_seq)
    with BackgroundConsumer(projector):
        wait_until(lambda: len(projector.game_end_deliveries) == 2)
        wait_until(lambda: _pending("match-projector") == 0)
    assert projector.game_end_deliveries == [1, 2]  # the same stream message, delivered again
    assert Match.objects.count() == 1
    assert MatchPlayer.objects.count() == 2
    assert_one_projected_line_per_match(caplog, Match.objects.all())


MATCH_COLUMNS = ("game_type", "room_id", "mode", "player_count", "started_at", "ended_at", "tournament_id")
PLAYER_COLUMNS = (
    "player_id",
    "user_id",
    "placement",
    "score",
    "lines_cleared",
    "garbage_sent",
    "garbage_received",
    "pieces_placed",
    "duration_ms",
    "level",
    "started_at",
    "mode",
)


def stored_contents() -> dict[tuple, tuple]:
    """Every match and its players as stored, without the generated ids and insertion times."""
    players: dict = {}
    for row in MatchPlayer.objects.values("match_id", *PLAYER_COLUMNS):
        players.setdefault(row.pop("match_id"), []).append(tuple(row.values()))
    return {
        (row["room_id"], row["started_at"]): (tuple(row[c] for c in MATCH_COLUMNS), sorted(players.get(row["id"], [])))
        for row in Match.objects.values("id", *MATCH_COLUMNS)
    }


def projected_lines(caplog) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "streaming.projector"
        and record.levelno == logging.INFO
        and record.getMessage().startswith("match projected ")
    ]


def assert_one_projected_line_per_match(caplog, matches) -> None:
    """One INFO line per newly written match, naming it; none for anything else."""
    keys = ("match_id", "room_id", "started_at")  # the line's ids, as its own fields (docs/operations.md)
    logged = sorted(tuple(getattr(record, key, "") for key in keys) for record in projected_lines(caplog))
    assert logged == sorted((str(m.id), m.room_id, m.started_at.isoformat()) for m in matches)


def test_300_matches_published_twice_and_reprojected_give_exact_rows(stream, caplog):
    caplog.set_level(logging.INFO, logger="streaming.projector")
    matches = [match_events(f"room-{n % 7}", index=n, placements_per_player=1) for n in range(300)]
    for n, events in enumerate(matches):
        publish_match(f"room-{n % 7}", events)
    for n, events in enumerate(matches):  # a game server retrying everything without Msg-Ids
        publish_match(f"room-{n % 7}", events, with_headers=False)
    with BackgroundConsumer(MatchProjector()):
        wait_until(lambda: _pending("match-projector") == 0, timeout=60)
    assert Match.objects.count() == 300
    assert MatchPlayer.objects.count() == 600
    assert_one_projected_line_per_match(caplog, Match.objects.all())  # none for the 300 copies
    projected = stored_contents()
    assert len(projected) == 300

    # Lose every tenth match and its players from PostgreSQL; the reprojection must bring them back.
    lost = list(Match.objects.order_by("started_at")[::10])
    kept_ids = set(Match.objects.exclude(id__in=[m.id for m in lost]).values_list("id", flat=True))
    Match.objects.filter(id__in=[m.id for m in lost]).delete()
    assert (Match.objects.count(), MatchPlayer.objects.count()) == (270, 540)
    caplog.clear()

    call_command("run_projector", from_start=True)

    assert Match.objects.count() == 300
    assert MatchPlayer.objects.count() == 600
    assert Match.objects.filter(room_id="room-3").count() == len([n for n in range(300) if n % 7 == 3])
    assert stored_contents() == projected  # the lost ones back, exactly once, with the same content
    assert set(Match.objects.filter(id__in=kept_ids).values_list("id", flat=True)) == kept_ids  # left as they were
    restored = Match.objects.exclude(id__in=kept_ids)
    assert sorted((m.room_id, m.started_at) for m in restored) == sorted((m.room_id, m.started_at) for m in lost)
    assert_one_projected_line_per_match(caplog, restored)


def test_events_published_without_headers_are_projected(stream):
    publish_match("room-9", match_events("room-9"), with_headers=False)
    with BackgroundConsumer(MatchProjector()):
        wait_until(lambda: Match.objects.count() == 1)


def test_unknown_event_types_are_ignored(stream):
    publish_raw(
        [
            (
                "game.room-1.events",
                json.dumps({"tick": 3, "type": "power_up", "player_id": "p", "data": {}}).encode(),
                None,
            )
        ]
    )
    publish_match("room-1", match_events("room-1"))
    with BackgroundConsumer(MatchProjector()):
        wait_until(lambda: Match.objects.count() == 1)
        wait_until(lambda: _pending("match-projector") == 0)
    assert PoisonEvent.objects.count() == 0


def _bad_game_end(**changes):
    event, _ = game_end_of(match_events("room-p"))
    event = json.loads(json.dumps(event))
    for key, value in changes.items():
        if key == "player_score":
            event["data"]["players"][0]["score"] = value
        elif value is None:
            del event["data"][key]
        else:
            event["data"][key] = value
    return json.dumps(event).encode()


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"not json at all", "not a JSON object"),
        (b"[1, 2, 3]", "not a JSON object"),
        (b'{"tick": 1, "type": "game_end"', "not a JSON object"),
        (b'{"tick": -1, "type": "game_end", "player_id": null, "data": {}}', "tick"),
        (_bad_game_end(ended_at=None), "data.ended_at"),
        (_bad_game_end(players=None), "data.players"),
        (_bad_game_end(player_score=2**31), "data.players[0].score"),
        (_bad_game_end(player_score=-5), "data.players[0].score"),
        (_bad_game_end(started_at="yesterday"), "data.started_at"),
        (_bad_game_end(ended_at="2020-01-01T00:00:00Z"), "data.ended_at"),
    ],
)
def test_poison_messages_are_recorded_and_do_not_block_the_next(stream, payload, reason):
    [poison_seq] = publish_raw([("game.room-p.events", payload, None)])
    publish_match("room-ok", match_events("room-ok"))
    with BackgroundConsumer(MatchProjector()):
        wait_until(lambda: Match.objects.filter(room_id="room-ok").count() == 1)
    poison = PoisonEvent.objects.get()
    assert (poison.stream_seq, poison.subject, bytes(poison.payload)) == (poison_seq, "game.room-p.events", payload)
    assert reason in poison.reason
    assert poison.consumer == "match-projector"
    assert Match.objects.count() == 1


def _pending(durable: str) -> int:
    from nats.js.errors import NotFoundError

    try:
        info = consumer_info(durable)
    except NotFoundError:
        return -1  # not created yet
    return info.num_pending + info.num_ack_pending
