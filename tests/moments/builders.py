"""Small builders of realistic game events for the key-moment rules (docs/contract.md shapes)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from contract.events import GameEvent
from moments import MatchState, Moment, detect_moments

STARTED_AT = "2026-03-01T18:00:00+00:00"
ENDED_AT = "2026-03-01T18:05:00+00:00"
FULL = "XXXXXXXXXX"
GARBAGE = "XXXXXXXXX."  # one hole in the right column: never a full row
EMPTY = ".........."

# The T's cells around its centre, by the side it points to (docs/contract.md: the side of the arm opposite the
# missing one), with the rotation state that shape has in SRS.
_T_ARMS = {
    "up": ("0", ((-1, 0), (1, 0), (0, 1))),
    "right": ("R", ((0, 1), (0, -1), (1, 0))),
    "down": ("2", ((-1, 0), (1, 0), (0, -1))),
    "left": ("L", ((0, 1), (0, -1), (-1, 0))),
}


def board(*rows_top_down: str) -> list[str]:
    """A board drawn as it looks (top row first); returned bottom row first, as in piece_lock."""
    for row in rows_top_down:
        assert len(row) == 10, row
    return list(reversed(rows_top_down))


def t_cells(cx: int, cy: int, points: str) -> tuple[str, list[list[int]]]:
    """(rotation, cells) of a T whose centre is (cx, cy), pointing up, right, down or left."""
    rotation, arms = _T_ARMS[points]
    return rotation, [[cx, cy]] + [[cx + dx, cy + dy] for dx, dy in arms]


def event(event_type: str, player_id: str | None = None, tick: int = 1, **data: Any) -> GameEvent:
    return GameEvent(tick=tick, type=event_type, player_id=player_id, data=data)


def game_start(*players: str, tick: int = 0, started_at: str = STARTED_AT) -> GameEvent:
    return event(
        "game_start",
        None,
        tick,
        started_at=started_at,
        mode="multiplayer",
        players=[{"player_id": player} for player in players],
        config={"gravity": 1},
    )


def game_end(results: dict[str, tuple[int, int]], tick: int = 9000, started_at: str = STARTED_AT) -> GameEvent:
    """``results`` maps player -> (placement, score)."""
    players = [
        {
            "player_id": player,
            "placement": placement,
            "score": score,
            "lines_cleared": 0,
            "garbage_sent": 0,
            "garbage_received": 0,
            "pieces_placed": 1,
            "duration_ms": 300_000,
        }
        for player, (placement, score) in results.items()
    ]
    return event("game_end", None, tick, started_at=started_at, ended_at=ENDED_AT, mode="multiplayer", players=players)


def spawn(player: str, piece: str = "T", tick: int = 1) -> GameEvent:
    return event("piece_spawn", player, tick, piece=piece, x=4, y=20, rotation="0")


def press(player: str, action: str, tick: int = 1, **extra: Any) -> GameEvent:
    """An `input`; extra carries ok, kick or distance."""
    return event("input", player, tick, action=action, **extra)


def lock(
    player: str,
    cells: list[list[int]],
    rows: list[str],
    *,
    piece: str = "T",
    rotation: str = "0",
    score: int = 0,
    tick: int = 1,
) -> GameEvent:
    return event("piece_lock", player, tick, piece=piece, rotation=rotation, cells=cells, board=rows, score=score)


def full_rows(rows: list[str]) -> list[int]:
    return [index for index, row in enumerate(rows) if "." not in row]


def place(
    player: str,
    cells: list[list[int]],
    rows: list[str],
    *,
    piece: str = "T",
    rotation: str = "0",
    inputs: Iterable[GameEvent] = (),
    score: int = 0,
    tick: int = 1,
) -> list[GameEvent]:
    """One whole placement: piece_spawn, the inputs, piece_lock, and line_clear when rows are full."""
    events = [
        spawn(player, piece, tick),
        *inputs,
        lock(player, cells, rows, piece=piece, rotation=rotation, score=score, tick=tick),
    ]
    cleared = full_rows(rows)
    if cleared:
        events.append(event("line_clear", player, tick, rows=cleared, count=len(cleared)))
    return events


def filler(player: str, height: int, *, full: int = 0, score: int = 0, tick: int = 1) -> list[GameEvent]:
    """A vertical I placement leaving ``height`` garbage rows on top of ``full`` full rows (``full`` <= 4)."""
    rows = [FULL] * full + [GARBAGE] * height
    return place(player, [[9, 0], [9, 1], [9, 2], [9, 3]], rows, piece="I", rotation="R", score=score, tick=tick)


def feed(events: Iterable[GameEvent], state: MatchState | None = None) -> tuple[MatchState, list[Moment]]:
    """Run the detector over ``events``; return the final state and every moment, in order."""
    moments: list[Moment] = []
    for item in events:
        state, found = detect_moments(state, item)
        moments.extend(found)
    assert state is not None
    return state, moments


def kinds(moments: Iterable[Moment]) -> list[str]:
    return [moment.type for moment in moments]
