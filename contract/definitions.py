"""What each game event and key moment holds (docs/contract.md), as data.

One definition, two readers: the validator in `contract.events` walks these tables to check a
message and name its first bad field, and `contract.schema` turns them into the JSON
Schema other publishers check their output against (GET /api/events/schema), so the two cannot
differ. Pure: no Django, no NATS.
"""

from __future__ import annotations

from typing import Any

from contract import vocabulary
from contract.specs import (
    INT32_MAX,
    NULLABLE,
    OPTIONAL,
    PLAYER_ID_MAX_LENGTH,
    TICK_MAX,
    AnyObject,
    BoardRow,
    Bool,
    Cell,
    Field,
    Int,
    InvalidEvent,
    List,
    NullableText,
    Object,
    Rule,
    Str,
    Timestamp,
    parse_timestamp,
)

# The contract's words, as sets for the validator (contract.vocabulary has them in order).
PIECES = frozenset(vocabulary.PIECES)
ROTATIONS = frozenset(vocabulary.ROTATIONS)
INPUT_ACTIONS = frozenset(vocabulary.INPUT_ACTIONS)
MODES = frozenset({"multiplayer", "solo"})
ROOM_WIDE_TYPES = frozenset({"game_start", "game_end"})
MAX_PLAYERS = 1000

PLAYER_ID = Str(max_length=PLAYER_ID_MAX_LENGTH)

# The envelope of events and moments alike. `player_id` may be left out (it reads as null).
ENVELOPE: tuple[Field | Rule, ...] = (
    Field("tick", Int(0, TICK_MAX), description="the room's tick counter, non-decreasing within a match"),
    Field("type", Str(), description="the event's type; consumers ignore types they do not know"),
    Field(
        "player_id",
        NullableText(PLAYER_ID_MAX_LENGTH),
        NULLABLE,
        "the acting player (a registered player's user id, any other string a guest); null for room-wide events",
    ),
    Field("data", AnyObject(), description="by type"),
)


def _rows_match_count(data: dict[str, Any], path: str) -> None:
    if len(data["rows"]) != data["count"]:
        raise InvalidEvent(f"{path}rows", f"must list {data['count']} row(s) to match count, got {len(data['rows'])}")


def _garbage_within_count(data: dict[str, Any], path: str) -> None:
    garbage = data.get("garbage_rows")
    if garbage is not None and garbage > data["count"]:
        raise InvalidEvent(f"{path}garbage_rows", f"must be at most count ({data['count']}), got {garbage}")


def _ends_after_start(data: dict[str, Any], path: str) -> None:
    started = parse_timestamp(data["started_at"], f"{path}started_at")
    if parse_timestamp(data["ended_at"], f"{path}ended_at") < started:
        raise InvalidEvent(f"{path}ended_at", "must not be before started_at")


def _placements_within_player_count(data: dict[str, Any], path: str) -> None:
    players = data["players"]
    for index, player in enumerate(players):
        if player["placement"] > len(players):
            raise InvalidEvent(
                f"{path}players[{index}].placement",
                f"must be between 1 and {len(players)}, got {player['placement']}",
            )


_LINE_CLEAR_LENGTHS = {
    "allOf": [
        {
            "if": {"properties": {"count": {"const": count}}, "required": ["count"]},
            "then": {"properties": {"rows": {"minItems": count, "maxItems": count}}},
        }
        for count in range(1, 5)
    ]
}

_GARBAGE_WITHIN_COUNT = {
    "allOf": [
        {
            "if": {"properties": {"count": {"const": count}}, "required": ["count"]},
            "then": {"properties": {"garbage_rows": {"maximum": count}}},
        }
        for count in range(1, 5)
    ]
}

_START_PLAYER = Object((Field("player_id", PLAYER_ID),))
_END_PLAYER = Object(
    (
        Field("player_id", PLAYER_ID),
        Field("placement", Int(1, MAX_PLAYERS), description="1 is the winner; at most the number of players"),
        Field("score", Int()),
        Field("lines_cleared", Int()),
        Field("garbage_sent", Int()),
        Field("garbage_received", Int()),
        Field("pieces_placed", Int()),
        Field("duration_ms", Int()),
    )
)
_TOURNAMENT_ID = Field("tournament_id", NullableText(128), NULLABLE)

# `data` of each game event type (docs/contract.md, game events), in the order the validator checks them.
EVENT_DATA: dict[str, tuple[Field | Rule, ...]] = {
    "game_start": (
        Field("started_at", Timestamp(), description="ISO-8601 UTC; with room_id, the match's identity"),
        Field("mode", Str(MODES)),
        Field("players", List(_START_PLAYER, min_items=1, unique="player_id")),
        Field("config", AnyObject(), OPTIONAL, "room settings (tick_rate: ticks a second, 60 when absent)"),
        _TOURNAMENT_ID,
    ),
    "piece_spawn": (
        Field("piece", Str(PIECES)),
        Field("x", Int(-10, 20), description="spawn column, 0 at the left"),
        Field("y", Int(-10, 100), description="spawn row, 0 at the bottom"),
        Field("rotation", Str(ROTATIONS), OPTIONAL),
    ),
    "input": (
        Field("action", Str(INPUT_ACTIONS)),
        Field("ok", Bool(), OPTIONAL, "false when the action was blocked and changed nothing; default true"),
        Field("kick", Int(0, 4), NULLABLE, "rotations: index of the SRS kick test that succeeded"),
        Field("distance", Int(0, 100), NULLABLE, "drops: rows moved"),
    ),
    "piece_lock": (
        Field("piece", Str(PIECES)),
        Field("rotation", Str(ROTATIONS)),
        Field("cells", List(Cell(), min_items=4, max_items=4, too_many="cells"), description="[x, y] each"),
        Field(
            "board",
            List(BoardRow(), max_items=100, too_many="rows"),
            description="rows bottom first, '.' empty; after the placement, before clearing full rows",
        ),
        Field("score", Int(0, TICK_MAX), description="the player's total after this placement"),
    ),
    "line_clear": (
        Field("count", Int(1, 4)),
        Field("rows", List(Int(0, 99, problem="must be a row index 0-99, got {value!r}"))),
        Rule("rows lists exactly count row indices", _rows_match_count, _LINE_CLEAR_LENGTHS),
        # docs/contract.md: optional, so publishers that do not know it stay valid.
        Field("garbage_rows", Int(0, 4), OPTIONAL, "how many of the cleared rows were garbage"),
        Rule("garbage_rows is at most count", _garbage_within_count, _GARBAGE_WITHIN_COUNT),
    ),
    "garbage_sent": (Field("to", PLAYER_ID), Field("rows", Int(1, 1000))),
    "garbage_received": (Field("from", PLAYER_ID), Field("rows", Int(1, 1000))),
    "elimination": (Field("placement", Int(1, MAX_PLAYERS)),),
    "game_end": (
        Field("started_at", Timestamp()),
        Field("ended_at", Timestamp()),
        Rule("ended_at is not before started_at", _ends_after_start),
        Field("mode", Str(MODES)),
        _TOURNAMENT_ID,
        Field("players", List(_END_PLAYER, min_items=1, max_items=MAX_PLAYERS, too_many="players", unique="player_id")),
        Rule("each placement is at most the number of players", _placements_within_player_count),
    ),
}
EVENT_TYPES = frozenset(EVENT_DATA)

_LINES = Field("lines", Int(1, 4), description="rows cleared")
_CLEARS = frozenset({"tetris", "t_spin_single", "t_spin_double", "t_spin_triple", "t_spin_mini"})

# `data` of each key moment (docs/contract.md, key moments), besides the `event_seq` and `started_at` all carry.
MOMENT_DATA: dict[str, tuple[Field | Rule, ...]] = {
    "tetris": (_LINES,),
    "t_spin_single": (_LINES,),
    "t_spin_double": (_LINES,),
    "t_spin_triple": (_LINES,),
    "back_to_back": (
        Field("chain", Int(2, INT32_MAX), description="2 for the second difficult clear in a row, ..."),
        Field("clear", Str(_CLEARS), description="the moment type of this clear, or t_spin_mini"),
    ),
    "garbage_surge": (Field("rows", Int(3, INT32_MAX), description="the run's total so far"),),
    "near_death_survival": (Field("peak_height", Int(17, 100)), Field("height", Int(0, 9))),
    "elimination": (Field("placement", Int(1, MAX_PLAYERS)),),
    "comeback": (
        Field("deficit", Int(1000, TICK_MAX), description="the largest gap to the leader while in last place"),
        Field("final_score", Int(0, TICK_MAX)),
    ),
    "perfect_clear": (_LINES,),
}
MOMENT_TYPES = frozenset(MOMENT_DATA)
MOMENT_COMMON: tuple[Field | Rule, ...] = (
    Field("event_seq", Int(1, TICK_MAX), description="the stream sequence of the triggering event"),
    Field("started_at", Timestamp(), description="the match's started_at"),
)
