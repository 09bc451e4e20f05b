"""A player's history for the browser tests, made in seconds rather than by bots playing for minutes.

The matches are docs/contract.md events published straight to GAME_EVENTS; the real match projector
and key moment detector then turn them into rows and moments, as they would a game server's. One
match is built piece by piece (pieces dropped onto real boards, full rows cleared) so that its replay
has boards worth looking at, a tetris and an elimination; the rest are the streaming tests' small
synthetic matches, spread over days and placements for the history's filters and pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from contract.events import event_msg_id
from tests.streaming.factories import iso, match_events

REPLAY_ROOM = "arena-7"
# A reused room: its tick counter did not start at 0 for this match (the viewer's t is the room's tick).
FIRST_TICK = 5000
TICK_RATE = 60
TICKS_PER_PIECE = 20
# The small matches start here, HOURS_APART hours after one another: several a day in any time zone.
HISTORY_START = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)
HOURS_APART = 7

SHAPES = {  # cells of each piece as placed here, (dx, dy) from its lowest-left cell
    "O": ((0, 0), (1, 0), (0, 1), (1, 1)),
    "I_vertical": ((0, 0), (0, 1), (0, 2), (0, 3)),
}


@dataclass(frozen=True)
class Drop:
    shape: str
    column: int


def _drop(board: list[str], drop: Drop) -> list[tuple[int, int]]:
    """The cells where the piece comes to rest when dropped straight down at its column."""
    cells = [(drop.column + dx, dy) for dx, dy in SHAPES[drop.shape]]

    def free(y: int) -> bool:
        return all(y + dy >= 0 and (y + dy >= len(board) or board[y + dy][x] == ".") for x, dy in cells)

    y = len(board)
    while free(y - 1):
        y -= 1
    return [(x, y + dy) for x, dy in cells]


def _place(board: list[str], cells: list[tuple[int, int]], letter: str) -> list[str]:
    rows = [list(row) for row in board]
    while len(rows) <= max(y for _, y in cells):
        rows.append(["."] * 10)
    for x, y in cells:
        rows[y][x] = letter
    return ["".join(row) for row in rows]


# The winner fills four rows but for column 9, keeps a 2x2 on top, then drops an I into the well: a
# tetris that leaves the 2x2 behind; two more pieces after it.
WINNER_DROPS = [Drop("O", c) for c in (0, 2, 4, 6, 0, 2, 4, 6)] + [
    Drop("I_vertical", 8),
    Drop("O", 0),
    Drop("I_vertical", 9),
    Drop("O", 2),
    Drop("O", 6),
]
# The loser stacks pieces that never clear a row, then is eliminated.
LOSER_DROPS = [Drop("O", c) for c in (0, 4, 0, 8, 2, 4)]


def _player_events(player_id: str, drops: list[Drop], first_tick: int, points_a_piece: int) -> list[dict]:
    events: list[dict] = []
    board: list[str] = []
    score = 0
    for number, drop in enumerate(drops):
        tick = first_tick + number * TICKS_PER_PIECE
        piece = "I" if drop.shape.startswith("I") else drop.shape
        rotation = "R" if drop.shape == "I_vertical" else "0"
        cells = _drop(board, drop)
        board = _place(board, cells, piece)
        full = [y for y, row in enumerate(board) if "." not in row]
        score += points_a_piece + (800 if len(full) == 4 else 100 * len(full))
        spawn = {"piece": piece, "x": 4, "y": 20, "rotation": "0"}
        lock = {"piece": piece, "rotation": rotation, "cells": [list(c) for c in cells], "board": board, "score": score}
        events += [
            {"tick": tick - 5, "type": "piece_spawn", "player_id": player_id, "data": spawn},
            {"tick": tick, "type": "input", "player_id": player_id, "data": {"action": "hard_drop", "distance": 10}},
            {"tick": tick, "type": "piece_lock", "player_id": player_id, "data": lock},
        ]
        if full:
            clear = {"rows": full, "count": len(full)}
            events.append({"tick": tick, "type": "line_clear", "player_id": player_id, "data": clear})
            board = [row for row in board if "." in row]
    return events


def replay_match_events(winner: str, loser: str, *, started_at: datetime) -> list[tuple[dict, str]]:
    """A two-player match in REPLAY_ROOM: the winner's tetris, the loser's elimination; (event, msg_id)."""
    started = iso(started_at)
    play = _player_events(winner, WINNER_DROPS, FIRST_TICK + TICKS_PER_PIECE, 20) + _player_events(
        loser, LOSER_DROPS, FIRST_TICK + TICKS_PER_PIECE + 10, 10
    )
    play.sort(key=lambda event: event["tick"])  # stable: each player's own order is kept
    last_tick = play[-1]["tick"]
    locks = [event for event in play if event["type"] == "piece_lock"]
    scores = {pid: max(e["data"]["score"] for e in locks if e["player_id"] == pid) for pid in (winner, loser)}
    duration_ms = (last_tick + 10 - FIRST_TICK) * 1000 // TICK_RATE
    figures = {
        winner: {"placement": 1, "lines_cleared": 4, "pieces_placed": len(WINNER_DROPS)},
        loser: {"placement": 2, "lines_cleared": 0, "pieces_placed": len(LOSER_DROPS)},
    }
    events = [
        {
            "tick": FIRST_TICK,
            "type": "game_start",
            "player_id": None,
            "data": {
                "started_at": started,
                "mode": "multiplayer",
                "players": [{"player_id": winner}, {"player_id": loser}],
                "config": {"tick_rate": TICK_RATE},
            },
        },
        *play,
        {"tick": last_tick + 5, "type": "elimination", "player_id": loser, "data": {"placement": 2}},
        {
            "tick": last_tick + 10,
            "type": "game_end",
            "player_id": None,
            "data": {
                "started_at": started,
                "ended_at": iso(started_at + timedelta(milliseconds=duration_ms)),
                "mode": "multiplayer",
                "players": [
                    {
                        "player_id": pid,
                        **figures[pid],
                        "score": scores[pid],
                        "garbage_sent": 0,
                        "garbage_received": 0,
                        "duration_ms": duration_ms,
                    }
                    for pid in (winner, loser)
                ],
            },
        },
    ]
    return [(event, event_msg_id(REPLAY_ROOM, started, n)) for n, event in enumerate(events)]


def history_matches(player: str, others: list[str], count: int) -> list[tuple[str, list[tuple[dict, str]]]]:
    """`count` small matches of `player` with `others`, HOURS_APART apart, the player's placement
    going round 1, 2, 3…; (room_id, events) each."""
    matches = []
    for number in range(count):
        seats = [player, *others]
        turn = number % len(seats)
        if turn:
            seats = [*seats[1 : turn + 1], player, *seats[turn + 1 :]]
        room = f"room-{number % 4}"
        started = HISTORY_START + timedelta(hours=HOURS_APART * number)
        matches.append((room, match_events(room, players=seats, started_at=started)))
    return matches
