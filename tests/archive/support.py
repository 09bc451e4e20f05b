"""Matches published to the test stream and projected, for the archive's tests."""

from __future__ import annotations

import json

from contract.events import game_end_from_event, validate_envelope
from history.models import Match
from history.services import matches_record_from_game_ends
from tests.streaming.factories import match_events
from tests.support import publish_match, publish_raw


def publish_match_with_moment(room_id: str, index: int, *, players: list[str] | None = None) -> list[tuple[dict, str]]:
    """Publish a whole match and one tetris moment of it; its (event, msg_id) pairs."""
    events = match_events(room_id, index=index, players=players)
    seqs = publish_match(room_id, events)
    started = events[0][0]["data"]["started_at"]
    moment = {
        "tick": 1,
        "type": "tetris",
        "player_id": "alice-guest",
        "data": {"lines": 4, "event_seq": seqs[3], "started_at": started},
    }
    publish_raw([(f"game.{room_id}.moments", json.dumps(moment).encode(), None)])
    return events


def project(room_id: str, events: list[tuple[dict, str]]) -> Match:
    """Write the match of ``events`` as the projector would."""
    end = validate_envelope(events[-1][0])
    [match] = matches_record_from_game_ends(ends=[game_end_from_event(room_id, end)])
    return match


def publish_and_project_many(count: int, rooms: int) -> list[Match]:
    """``count`` matches over ``rooms`` rooms, published in one go and projected in one call (fast to set up).

    They started a second apart up to now, as live traffic would: a match read back from the stream is
    then found from its start time, not by reading its room from the first match on.
    """
    import json as _json
    from datetime import UTC, datetime, timedelta

    first = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=count)
    matches = [
        (f"room-{n % rooms}", match_events(f"room-{n % rooms}", started_at=first + timedelta(seconds=n)))
        for n in range(count)
    ]
    publish_raw(
        (f"game.{room}.events", _json.dumps(event).encode(), {"Nats-Msg-Id": msg_id})
        for room, events in matches
        for event, msg_id in events
    )
    ends = [game_end_from_event(room, validate_envelope(events[-1][0])) for room, events in matches]
    return matches_record_from_game_ends(ends=ends)
