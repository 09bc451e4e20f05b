"""Poison from both consumers (docs/operations.md): one table, one reason vocabulary, and the projector's retry."""

import json

import pytest

from history.models import Match, MatchPlayer
from history.projector import MatchProjector, NotProjectorPoison, retry_poison
from moments.consumer import MomentDetector
from streaming.models import PoisonEvent
from tests.streaming.factories import match_events, tetris_match_events
from tests.streaming.poison_rows import projector_poison_of_a_valid_game_end
from tests.support import BackgroundConsumer, publish_match, publish_raw, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def bad_game_end(room_id: str) -> bytes:
    event, _ = match_events(room_id)[-1]
    event = json.loads(json.dumps(event))
    event["data"]["players"][0]["score"] = -5
    return json.dumps(event).encode()


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", "bad game_end"])
def test_the_same_bad_message_is_recorded_by_both_consumers_with_the_same_reason(stream, payload):
    payload = bad_game_end("room-p") if payload == "bad game_end" else payload
    [seq] = publish_raw([("game.room-p.events", payload, None)])
    publish_match("room-ok", tetris_match_events("room-ok"))
    with BackgroundConsumer(MatchProjector()), BackgroundConsumer(MomentDetector()) as detector:
        wait_until(lambda: PoisonEvent.objects.count() == 2 and Match.objects.count() == 1, timeout=60)
        wait_until(lambda: detector.runner.processed == len(tetris_match_events("room-ok")) + 1, timeout=60)
    rows = {row.consumer: row for row in PoisonEvent.objects.all()}
    assert set(rows) == {"match-projector", "key-moment-detector"}
    assert rows["match-projector"].reason == rows["key-moment-detector"].reason
    assert {(row.stream_seq, row.subject, bytes(row.payload)) for row in rows.values()} == {
        (seq, "game.room-p.events", payload)
    }


def test_a_retry_after_the_cause_is_fixed_makes_the_match_and_a_bad_payload_keeps_its_new_reason(db):
    fixed = projector_poison_of_a_valid_game_end("room-r", stream_seq=5, players=["p1", "p2"])
    bad = PoisonEvent.objects.create(
        consumer="match-projector",
        stream_seq=6,
        subject="game.room-s.events",
        payload=bad_game_end("room-s"),
        reason="x",
    )
    detectors = PoisonEvent.objects.create(
        consumer="key-moment-detector", stream_seq=6, subject="game.room-s.events", payload=b"x", reason="x"
    )

    match = retry_poison(fixed)
    assert match is not None and sorted(
        MatchPlayer.objects.filter(match=match).values_list("player_id", flat=True)
    ) == [
        "p1",
        "p2",
    ]
    fixed.refresh_from_db()
    assert fixed.match_id == match.id and fixed.resolved_at is not None
    assert retry_poison(fixed) == match and Match.objects.count() == 1  # again: the same match linked

    assert retry_poison(bad) is None
    bad.refresh_from_db()
    assert bad.resolved_at is None and "data.players[0].score" in bad.reason
    with pytest.raises(NotProjectorPoison):
        retry_poison(detectors)
