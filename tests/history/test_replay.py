import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from contract.events import moment_msg_id
from history.replay import ReplayGone, ReplayNotFound, replay_match
from streaming.connection import connect
from tests.streaming.factories import BASE_TIME, iso, match_events
from tests.support import publish_match, publish_raw


def publish_moment(room_id: str, started_at, moment_type: str, event_seq: int) -> None:
    moment = {
        "tick": 1,
        "type": moment_type,
        "player_id": "alice-guest",
        "data": {"lines": 4, "event_seq": event_seq, "started_at": iso(started_at)},
    }
    publish_raw(
        [
            (
                f"game.{room_id}.moments",
                json.dumps(moment).encode(),
                {"Nats-Msg-Id": moment_msg_id(room_id, moment_type, "alice-guest", event_seq)},
            )
        ]
    )


def test_three_matches_in_one_room_each_replay_only_their_own_events_and_moments(stream):
    starts = [BASE_TIME + timedelta(minutes=n) for n in range(3)]
    matches = [match_events("room-1", started_at=start, placements_per_player=n + 1) for n, start in enumerate(starts)]
    publish_match("room-2", match_events("room-2", started_at=starts[1]))  # another room at the same time
    for events, start in zip(matches, starts, strict=True):
        seqs = publish_match("room-1", events)
        publish_moment("room-1", start, "tetris", seqs[3])
    for events, start in zip(matches, starts, strict=True):
        replay = replay_match("room-1", start)
        assert replay.events == [event for event, _ in events]
        assert [m["data"]["started_at"] for m in replay.moments] == [iso(start)]


def test_unknown_match_is_not_found(stream):
    publish_match("room-1", match_events("room-1"))
    with pytest.raises(ReplayNotFound):
        replay_match("room-1", datetime.now(UTC) + timedelta(hours=1))


def test_a_match_the_stream_no_longer_holds_is_gone(stream):
    events = match_events("room-1")
    publish_match("room-1", events)
    asyncio.run(_purge())
    publish_match("room-2", match_events("room-2", started_at=datetime.now(UTC)))
    with pytest.raises(ReplayGone):
        replay_match("room-1", BASE_TIME)


async def _purge() -> None:
    client = await connect("test-purge", retry_forever=False)
    try:
        await client.jetstream().purge_stream(settings.GAME_EVENTS_STREAM)
    finally:
        await client.close()


def test_replay_command_prints_the_latest_match_as_json_lines(stream, capsys):
    first = match_events("room-1", index=0)
    second = match_events("room-1", index=1)
    publish_match("room-1", first)
    publish_match("room-1", second)
    call_command("replay", "room-1")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == [event for event, _ in second]
    call_command("replay", "room-1", "--started-at", first[0][0]["data"]["started_at"])
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == [event for event, _ in first]


@pytest.mark.parametrize("room_id", ["nobody-here", "a.b"])
def test_replay_command_refuses_unknown_or_bad_rooms(stream, room_id):
    with pytest.raises(CommandError):
        call_command("replay", room_id)
