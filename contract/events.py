"""Game events as typed values (docs/contract.md, game events): envelope, per-type validation, subjects and Msg-Ids.

Pure: no Django, no NATS. The validator names the first bad field, so an operator reading a poison
record knows what to fix in the game server that published it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# The vocabularies and limits live with the definitions both the validator and the JSON Schema read;
# they are re-exported here for the code that knows them from this module.
from contract.definitions import (
    ENVELOPE,
    EVENT_DATA,
    EVENT_TYPES,
    INPUT_ACTIONS,
    MODES,
    MOMENT_COMMON,
    MOMENT_DATA,
    PIECES,
    ROOM_WIDE_TYPES,
    ROTATIONS,
)
from contract.specs import (
    BOARD_WIDTH,
    INT32_MAX,
    PLAYER_ID_MAX_LENGTH,
    TICK_MAX,
    InvalidEvent,
    check_fields,
    compile_fields,
    describe,
    parse_timestamp,
)

__all__ = [
    "BOARD_WIDTH",
    "EVENT_TYPES",
    "INPUT_ACTIONS",
    "INT32_MAX",
    "MODES",
    "PIECES",
    "PLAYER_ID_MAX_LENGTH",
    "ROOM_WIDE_TYPES",
    "ROTATIONS",
    "TICK_MAX",
    "GameEvent",
    "InvalidEvent",
    "InvalidRoomId",
    "parse_timestamp",
]

ROOM_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


class InvalidRoomId(ValueError):
    """A room id that is not exactly one subject token."""


@dataclass(frozen=True, slots=True)
class GameEvent:
    """One game event: the envelope of docs/contract.md with its (validated) data."""

    tick: int
    type: str
    player_id: str | None
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"tick": self.tick, "type": self.type, "player_id": self.player_id, "data": self.data}


@dataclass(frozen=True, slots=True)
class GameEndPlayer:
    player_id: str
    placement: int
    score: int
    lines_cleared: int
    garbage_sent: int
    garbage_received: int
    pieces_placed: int
    duration_ms: int


@dataclass(frozen=True, slots=True)
class GameEnd:
    """A validated `game_end`, ready to become one match and its players."""

    room_id: str
    started_at: datetime
    ended_at: datetime
    mode: str
    tournament_id: str | None
    players: tuple[GameEndPlayer, ...]


# --- room ids, subjects, Msg-Ids ---------------------------------------------------------------


def check_room_id(room_id: object) -> str:
    """Return ``room_id`` when it is one subject token, else raise InvalidRoomId."""
    if not isinstance(room_id, str) or not ROOM_ID_PATTERN.fullmatch(room_id):
        raise InvalidRoomId(f"room id {room_id!r} is not one subject token; use letters, digits, '-' or '_' (1-64)")
    return room_id


def events_subject(room_id: str) -> str:
    return f"game.{check_room_id(room_id)}.events"


def moments_subject(room_id: str) -> str:
    return f"game.{check_room_id(room_id)}.moments"


def room_id_from_subject(subject: str) -> str:
    """The room of a `game.{room_id}.events` or `.moments` subject."""
    parts = subject.split(".")
    if len(parts) != 3 or parts[0] != "game" or parts[2] not in ("events", "moments"):
        raise InvalidEvent("subject", f"{subject!r} is not game.{{room_id}}.events or .moments")
    return check_room_id(parts[1])


def event_msg_id(room_id: str, started_at: str, index: int) -> str:
    """`Nats-Msg-Id` of the event at ``index`` of a match (0 is its game_start)."""
    return f"{room_id}:{started_at}:{index}"


def event_msg_id_started_at(msg_id: str | None, *, room_id: str | None = None) -> datetime | None:
    """When the match of an event's `Nats-Msg-Id` (`event_msg_id`) started; None when it is not one.

    ``room_id``: only a Msg-Id of that room counts. A moment's Msg-Id, another writer's or a
    timestamp that does not parse give None, and the caller looks elsewhere (the event's data).
    """
    room, _, rest = (msg_id or "").partition(":")
    started_text, _, index = rest.rpartition(":")
    if not started_text or not index.isdigit() or (room_id is not None and room != room_id):
        return None
    try:
        return parse_timestamp(started_text, "Nats-Msg-Id")
    except InvalidEvent:
        return None


def event_msg_id_position(msg_id: str | None) -> tuple[str, int] | None:
    """An event Msg-Id's match (its `{room}:{started_at}` prefix, unparsed) and number n; None when it has none.

    Cheap enough for every delivery: a consumer compares it with the last event it fed to know, without a
    read, whether a delivery is the one that follows.
    """
    prefix, _, index = (msg_id or "").rpartition(":")
    return (prefix, int(index)) if prefix and index.isdigit() else None


def moment_msg_id(room_id: str, moment_type: str, player_id: str | None, event_seq: int) -> str:
    """`Nats-Msg-Id` of a key moment: one per (moment type, player, triggering event)."""
    return f"{room_id}:{moment_type}:{player_id or ''}:{event_seq}"


# --- the validator -------------------------------------------------------------------------------


_check_envelope = compile_fields(ENVELOPE)
_DATA_CHECKS = {event_type: compile_fields(fields) for event_type, fields in EVENT_DATA.items()}


def validate_envelope(obj: object) -> GameEvent:
    """Check the envelope only (cheap); data is checked by `validate_data` when a consumer needs it."""
    if not isinstance(obj, dict):
        raise InvalidEvent("event", f"must be a JSON object, got {describe(obj)}")
    _check_envelope(obj, "")
    return GameEvent(tick=obj["tick"], type=obj["type"], player_id=obj.get("player_id"), data=obj["data"])


def validate_data(event: GameEvent) -> GameEvent:
    """Check ``event.data`` for its type (docs/contract.md, game events); unknown types pass untouched."""
    check = _DATA_CHECKS.get(event.type)
    if check is None:
        return event
    if event.type in ROOM_WIDE_TYPES:
        if event.player_id is not None:
            raise InvalidEvent("player_id", f"must be null for {event.type}")
    elif event.player_id is None:
        raise InvalidEvent("player_id", f"must name the acting player for {event.type}")
    check(event.data, "data.")
    return event


def validate_moment(obj: object) -> dict[str, Any]:
    """Check a key moment (docs/contract.md, key moments): the envelope, a known type, its player and its data."""
    event = validate_envelope(obj)
    fields = MOMENT_DATA.get(event.type)
    if fields is None:
        raise InvalidEvent("type", f"must be one of {sorted(MOMENT_DATA)}, got {event.type!r}")
    if event.player_id is None:
        raise InvalidEvent("player_id", f"must name the player of the {event.type}")
    check_fields(fields, event.data, "data.")
    check_fields(MOMENT_COMMON, event.data, "data.")
    return obj  # type: ignore[return-value]


def validate_event(obj: object) -> GameEvent:
    """The whole event: envelope, then data for its type. Raises InvalidEvent naming the first bad field."""
    return validate_data(validate_envelope(obj))


def decode_payload(payload: bytes) -> object:
    """JSON-decode a message payload; InvalidEvent when it is not UTF-8 JSON."""
    try:
        return json.loads(payload)
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidEvent("payload", f"is not UTF-8 JSON ({error.__class__.__name__})") from None


def parse_event(payload: bytes) -> GameEvent:
    """Decode and fully validate one message payload."""
    return validate_event(decode_payload(payload))


def game_end_from_event(room_id: str, event: GameEvent) -> GameEnd:
    """A validated `game_end` event as a GameEnd value."""
    if event.type != "game_end":
        raise InvalidEvent("type", f"must be game_end, got {event.type!r}")
    validate_data(event)
    data = event.data
    players = tuple(
        GameEndPlayer(
            player_id=player["player_id"],
            placement=player["placement"],
            score=player["score"],
            lines_cleared=player["lines_cleared"],
            garbage_sent=player["garbage_sent"],
            garbage_received=player["garbage_received"],
            pieces_placed=player["pieces_placed"],
            duration_ms=player["duration_ms"],
        )
        for player in data["players"]
    )
    return GameEnd(
        room_id=room_id,
        started_at=parse_timestamp(data["started_at"], "data.started_at"),
        ended_at=parse_timestamp(data["ended_at"], "data.ended_at"),
        mode=data["mode"],
        tournament_id=data.get("tournament_id"),
        players=players,
    )
