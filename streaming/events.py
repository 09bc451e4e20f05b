"""Game events as typed values (SPEC section 3): envelope, per-type validation, subjects and Msg-Ids.

Pure: no Django, no NATS. The validator names the first bad field, so an operator reading a poison
record knows what to fix in the game server that published it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

from streaming import vocabulary

ROOM_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
INT32_MAX = 2**31 - 1
TICK_MAX = 2**63 - 1
PLAYER_ID_MAX_LENGTH = 128

# The contract's words, as sets for the validator (streaming.vocabulary has them in order).
PIECES = frozenset(vocabulary.PIECES)
ROTATIONS = frozenset(vocabulary.ROTATIONS)
INPUT_ACTIONS = frozenset(vocabulary.INPUT_ACTIONS)
MODES = frozenset({"multiplayer", "solo"})
EVENT_TYPES = frozenset(
    {
        "game_start",
        "piece_spawn",
        "input",
        "piece_lock",
        "line_clear",
        "garbage_sent",
        "garbage_received",
        "elimination",
        "game_end",
    }
)
ROOM_WIDE_TYPES = frozenset({"game_start", "game_end"})
BOARD_WIDTH = vocabulary.BOARD_WIDTH


class InvalidRoomId(ValueError):
    """A room id that is not exactly one subject token."""


class InvalidEvent(ValueError):
    """An event that can never be processed; ``field`` names the first bad field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


# --- typed shapes of `data` (SPEC section 3) ------------------------------------------------------


class PlayerRef(TypedDict):
    player_id: str


class GameStartData(TypedDict, total=False):
    started_at: str
    mode: str
    players: list[PlayerRef]
    config: dict[str, Any]
    tournament_id: str | None


class InputData(TypedDict, total=False):
    action: str
    ok: bool
    kick: int
    distance: int


class PieceLockData(TypedDict):
    piece: str
    rotation: str
    cells: list[list[int]]
    board: list[str]
    score: int


class LineClearData(TypedDict):
    rows: list[int]
    count: int


@dataclass(frozen=True, slots=True)
class GameEvent:
    """One game event: the envelope of SPEC section 3 with its (validated) data."""

    tick: int
    type: str
    player_id: str | None
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"tick": self.tick, "type": self.type, "player_id": self.player_id, "data": self.data}

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), separators=(",", ":")).encode()


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


def moment_msg_id(room_id: str, moment_type: str, player_id: str | None, event_seq: int) -> str:
    """`Nats-Msg-Id` of a key moment: one per (moment type, player, triggering event)."""
    return f"{room_id}:{moment_type}:{player_id or ''}:{event_seq}"


# --- field checks ------------------------------------------------------------------------------


def _int(data: dict[str, Any], key: str, path: str, *, low: int = 0, high: int = INT32_MAX) -> int:
    value = data.get(key)
    if type(value) is not int:
        raise InvalidEvent(f"{path}{key}", f"must be an integer, got {_describe(value)}")
    if not low <= value <= high:
        raise InvalidEvent(f"{path}{key}", f"must be between {low} and {high}, got {value}")
    return value


def _str(data: dict[str, Any], key: str, path: str, *, choices: frozenset[str] | None = None) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidEvent(f"{path}{key}", f"must be a non-empty string, got {_describe(value)}")
    if choices is not None and value not in choices:
        raise InvalidEvent(f"{path}{key}", f"must be one of {sorted(choices)}, got {value!r}")
    return value


def _player_id(data: dict[str, Any], key: str, path: str) -> str:
    value = _str(data, key, path)
    if len(value) > PLAYER_ID_MAX_LENGTH:
        raise InvalidEvent(f"{path}{key}", f"must be at most {PLAYER_ID_MAX_LENGTH} characters")
    return value


def _optional_str(data: dict[str, Any], key: str, path: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > 128:
        raise InvalidEvent(f"{path}{key}", f"must be a string of 1-128 characters or null, got {_describe(value)}")
    return value


def parse_timestamp(value: object, field: str) -> datetime:
    """An ISO-8601 timestamp with a time zone (SPEC: UTC), as an aware datetime."""
    if not isinstance(value, str):
        raise InvalidEvent(field, f"must be an ISO-8601 UTC timestamp, got {_describe(value)}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidEvent(field, f"must be an ISO-8601 UTC timestamp, got {value!r}") from None
    if parsed.tzinfo is None:
        raise InvalidEvent(field, f"must carry a time zone (UTC), got {value!r}")
    return parsed


def _list(data: dict[str, Any], key: str, path: str, *, min_length: int = 0) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        raise InvalidEvent(f"{path}{key}", f"must be a list, got {_describe(value)}")
    if len(value) < min_length:
        raise InvalidEvent(f"{path}{key}", f"must hold at least {min_length} item(s)")
    return value


def _describe(value: object) -> str:
    if value is None:
        return "null or nothing"
    text = repr(value)
    return f"{type(value).__name__} {text[:40]}"


# --- per-type data checks ------------------------------------------------------------------------


def _check_game_start(data: dict[str, Any]) -> None:
    parse_timestamp(data.get("started_at"), "data.started_at")
    _str(data, "mode", "data.", choices=MODES)
    players = _list(data, "players", "data.", min_length=1)
    seen: set[str] = set()
    for index, player in enumerate(players):
        path = f"data.players[{index}]."
        if not isinstance(player, dict):
            raise InvalidEvent(path[:-1], "must be an object with player_id")
        player_id = _player_id(player, "player_id", path)
        if player_id in seen:
            raise InvalidEvent(f"{path}player_id", f"{player_id!r} appears twice")
        seen.add(player_id)
    if "config" in data and not isinstance(data["config"], dict):
        raise InvalidEvent("data.config", "must be an object")
    _optional_str(data, "tournament_id", "data.")


def _check_piece_spawn(data: dict[str, Any]) -> None:
    _str(data, "piece", "data.", choices=PIECES)
    _int(data, "x", "data.", low=-10, high=20)
    _int(data, "y", "data.", low=-10, high=100)
    if "rotation" in data:
        _str(data, "rotation", "data.", choices=ROTATIONS)


def _check_input(data: dict[str, Any]) -> None:
    _str(data, "action", "data.", choices=INPUT_ACTIONS)
    if "ok" in data and type(data["ok"]) is not bool:
        raise InvalidEvent("data.ok", f"must be true or false, got {_describe(data['ok'])}")
    if data.get("kick") is not None:
        _int(data, "kick", "data.", high=4)
    if data.get("distance") is not None:
        _int(data, "distance", "data.", high=100)


def _check_piece_lock(data: dict[str, Any]) -> None:
    _str(data, "piece", "data.", choices=PIECES)
    _str(data, "rotation", "data.", choices=ROTATIONS)
    cells = _list(data, "cells", "data.", min_length=4)
    if len(cells) != 4:
        raise InvalidEvent("data.cells", f"must hold exactly 4 cells, got {len(cells)}")
    for index, cell in enumerate(cells):
        if (
            not isinstance(cell, list)
            or len(cell) != 2
            or type(cell[0]) is not int
            or type(cell[1]) is not int
            or not 0 <= cell[0] < BOARD_WIDTH
            or not 0 <= cell[1] < 100
        ):
            raise InvalidEvent(f"data.cells[{index}]", f"must be [x, y] with 0 <= x < 10, 0 <= y, got {cell!r}")
    board = _list(data, "board", "data.")
    if len(board) > 100:
        raise InvalidEvent("data.board", f"must hold at most 100 rows, got {len(board)}")
    for index, row in enumerate(board):
        if not isinstance(row, str) or len(row) != BOARD_WIDTH:
            raise InvalidEvent(f"data.board[{index}]", f"must be a string of 10 characters, got {row!r:.40}")
    _int(data, "score", "data.", high=TICK_MAX)


def _check_line_clear(data: dict[str, Any]) -> None:
    count = _int(data, "count", "data.", low=1, high=4)
    rows = _list(data, "rows", "data.")
    if len(rows) != count:
        raise InvalidEvent("data.rows", f"must list {count} row(s) to match count, got {len(rows)}")
    for index, row in enumerate(rows):
        if type(row) is not int or not 0 <= row < 100:
            raise InvalidEvent(f"data.rows[{index}]", f"must be a row index 0-99, got {row!r}")


def _check_garbage_sent(data: dict[str, Any]) -> None:
    _player_id(data, "to", "data.")
    _int(data, "rows", "data.", low=1, high=1000)


def _check_garbage_received(data: dict[str, Any]) -> None:
    _player_id(data, "from", "data.")
    _int(data, "rows", "data.", low=1, high=1000)


def _check_elimination(data: dict[str, Any]) -> None:
    _int(data, "placement", "data.", low=1, high=1000)


def _check_game_end(data: dict[str, Any]) -> None:
    started_at = parse_timestamp(data.get("started_at"), "data.started_at")
    ended_at = parse_timestamp(data.get("ended_at"), "data.ended_at")
    if ended_at < started_at:
        raise InvalidEvent("data.ended_at", "must not be before started_at")
    _str(data, "mode", "data.", choices=MODES)
    _optional_str(data, "tournament_id", "data.")
    players = _list(data, "players", "data.", min_length=1)
    if len(players) > 1000:
        raise InvalidEvent("data.players", "must hold at most 1000 players")
    seen: set[str] = set()
    for index, player in enumerate(players):
        path = f"data.players[{index}]."
        if not isinstance(player, dict):
            raise InvalidEvent(path[:-1], "must be an object")
        player_id = _player_id(player, "player_id", path)
        if player_id in seen:
            raise InvalidEvent(f"{path}player_id", f"{player_id!r} appears twice")
        seen.add(player_id)
        _int(player, "placement", path, low=1, high=len(players))
        for key in ("score", "lines_cleared", "garbage_sent", "garbage_received", "pieces_placed", "duration_ms"):
            _int(player, key, path)


_DATA_CHECKS = {
    "game_start": _check_game_start,
    "piece_spawn": _check_piece_spawn,
    "input": _check_input,
    "piece_lock": _check_piece_lock,
    "line_clear": _check_line_clear,
    "garbage_sent": _check_garbage_sent,
    "garbage_received": _check_garbage_received,
    "elimination": _check_elimination,
    "game_end": _check_game_end,
}


# --- the validator -------------------------------------------------------------------------------


def validate_envelope(obj: object) -> GameEvent:
    """Check the envelope only (cheap); data is checked by `validate_data` when a consumer needs it."""
    if not isinstance(obj, dict):
        raise InvalidEvent("event", f"must be a JSON object, got {_describe(obj)}")
    tick = obj.get("tick")
    if type(tick) is not int or not 0 <= tick <= TICK_MAX:
        raise InvalidEvent("tick", f"must be an integer >= 0, got {_describe(tick)}")
    event_type = obj.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise InvalidEvent("type", f"must be a non-empty string, got {_describe(event_type)}")
    player_id = obj.get("player_id")
    if player_id is not None and (not isinstance(player_id, str) or not 0 < len(player_id) <= PLAYER_ID_MAX_LENGTH):
        raise InvalidEvent("player_id", f"must be a string of 1-128 characters or null, got {_describe(player_id)}")
    data = obj.get("data")
    if not isinstance(data, dict):
        raise InvalidEvent("data", f"must be an object, got {_describe(data)}")
    return GameEvent(tick=tick, type=event_type, player_id=player_id, data=data)


def validate_data(event: GameEvent) -> GameEvent:
    """Check ``event.data`` for its type (SPEC section 3); unknown types pass untouched."""
    check = _DATA_CHECKS.get(event.type)
    if check is None:
        return event
    if event.type in ROOM_WIDE_TYPES:
        if event.player_id is not None:
            raise InvalidEvent("player_id", f"must be null for {event.type}")
    elif event.player_id is None:
        raise InvalidEvent("player_id", f"must name the acting player for {event.type}")
    check(event.data)
    return event


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
