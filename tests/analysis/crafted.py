"""A crafted three-player match whose figures are worked out by hand in test_figures.py."""

from __future__ import annotations

from typing import Any

from game.engine.pieces import cells_at

RATE = 60  # ticks a second


def _event(tick: int, type_: str, player: str | None, **data: Any) -> dict[str, Any]:
    return {"tick": tick, "type": type_, "player_id": player, "data": data}


def _locks(player: str, count: int, first_tick: int, height: int = 3) -> list[dict[str, Any]]:
    board = ["XXXXXXXXX."] * height
    return [
        _event(first_tick + i, "piece_lock", player, piece="T", rotation="0", cells=[[0, 0]] * 4, board=board, score=0)
        for i in range(count)
    ]


def crafted_match() -> dict[str, Any]:
    """a wins; c is knocked out by a spike at 20 s (b 5 + a 4 rows within 1 s), b by pressure at 40 s
    (a's 2 + 3 + 3 rows over 7 s)."""
    events = [
        _event(
            0,
            "game_start",
            None,
            started_at="2026-01-01T00:00:00.000Z",
            mode="multiplayer",
            players=[{"player_id": p} for p in "abc"],
            config={"tick_rate": RATE},
        ),
        # a: 20 pieces, a tetris with 2 garbage rows and a double with none, 1 effective hold.
        *_locks("a", 20, 60),
        _event(80, "line_clear", "a", rows=[0, 1, 2, 3], count=4, garbage_rows=2),
        _event(90, "line_clear", "a", rows=[0, 1], count=2, garbage_rows=0),
        _event(95, "input", "a", action="hold"),
        _event(96, "input", "a", action="hold", ok=False),
        # b: 16 pieces, 8 lines, 3 of them garbage.
        *_locks("b", 16, 120),
        *[_event(130 + i, "line_clear", "b", rows=[0, 1], count=2, garbage_rows=1 if i < 3 else 0) for i in range(4)],
        # c: 16 pieces, 8 single lines (1 of them garbage), 1 row sent.
        *_locks("c", 16, 200),
        *[_event(220 + i, "line_clear", "c", rows=[0], count=1, garbage_rows=1 if i == 0 else 0) for i in range(8)],
        _event(300, "garbage_sent", "b", to="c", rows=3),
        _event(300, "garbage_received", "c", **{"from": "b", "rows": 3}),  # 15 s before c's end: outside
        _event(600, "garbage_sent", "c", to="a", rows=1),
        _event(600, "garbage_received", "a", **{"from": "c", "rows": 1}),
        _event(1080, "garbage_sent", "a", to="c", rows=4),
        _event(1080, "garbage_received", "c", **{"from": "a", "rows": 4}),
        _event(1140, "garbage_sent", "b", to="c", rows=5),
        _event(1140, "garbage_received", "c", **{"from": "b", "rows": 5}),
        _event(1200, "elimination", "c", placement=3),
        _event(1860, "garbage_sent", "a", to="b", rows=2),
        _event(1860, "garbage_received", "b", **{"from": "a", "rows": 2}),
        _event(2040, "garbage_sent", "a", to="b", rows=3),
        _event(2040, "garbage_received", "b", **{"from": "a", "rows": 3}),
        _event(2280, "garbage_sent", "a", to="b", rows=3),
        _event(2280, "garbage_received", "b", **{"from": "a", "rows": 3}),
        _event(2400, "elimination", "b", placement=2),
        _event(
            2400,
            "game_end",
            None,
            started_at="2026-01-01T00:00:00.000Z",
            ended_at="2026-01-01T00:00:40.000Z",
            mode="multiplayer",
            players=[
                {"player_id": "a", "placement": 1, "duration_ms": 40000},
                {"player_id": "b", "placement": 2, "duration_ms": 40000},
                {"player_id": "c", "placement": 3, "duration_ms": 20000},
            ],
        ),
    ]
    events.sort(key=lambda e: e["tick"])  # stable: the order above within a tick
    moments = [
        {"tick": 80, "type": "tetris", "player_id": "a", "data": {"lines": 4}},
        {"tick": 90, "type": "t_spin_double", "player_id": "a", "data": {"lines": 2}},
        {"tick": 90, "type": "back_to_back", "player_id": "a", "data": {"chain": 2, "clear": "t_spin_double"}},
        {"tick": 1200, "type": "elimination", "player_id": "c", "data": {"placement": 3}},
    ]
    return {
        "match_id": "m",
        "room_id": "r",
        "started_at": "2026-01-01T00:00:00Z",
        "events": events,
        "moments": moments,
        "last_event_seq": 1,
        "last_moment_seq": 1,
    }


def _cells(piece: str, state: int, x: int) -> list[list[int]]:
    return [list(cell) for cell in cells_at(piece, state, x, 0)]


def crafted_solo_run() -> tuple[list[list], list[dict[str, Any]]]:
    """A verified solo run's inputs and the events its replay gives (ticks in ms; the engine's steps are
    4 ms), five placements worked out by hand in test_finesse.py:

    1. T hard dropped at spawn: 1 press, the fewest: clean.
    2. L tapped left three times (the first in the T's last step, after its hard drop) and dropped at
       the wall: 4 presses where holding left does it in 2: a fault.
    3. S soft dropped: not judged (2 presses: soft drop, hard drop).
    4. J held, the I that came in moved to the right wall by auto-shift: not judged (3 presses).
    5. O tapped right once and left to lock by gravity: 1 press, judged as 2 with its drop, the fewest.
    """
    p = "solo"
    inputs = [
        [0, "down", "hard_drop"],
        [1, "down", "left"],  # the same step: after the drop, so the L's
        [2, "up", "hard_drop"],
        [3, "up", "left"],
        [100, "down", "left"],
        [101, "up", "left"],
        [200, "down", "left"],
        [201, "up", "left"],
        [302, "down", "hard_drop"],  # step 300
        [350, "up", "hard_drop"],
        [400, "down", "soft_drop"],
        [500, "up", "soft_drop"],
        [600, "down", "hard_drop"],
        [650, "up", "hard_drop"],
        [700, "down", "hold"],
        [750, "up", "hold"],
        [800, "down", "right"],
        [1100, "up", "right"],
        [1200, "down", "hard_drop"],
        [1250, "up", "hard_drop"],
        [1300, "down", "right"],
        [1301, "up", "right"],
    ]

    def lock(tick: int, piece: str, state: int, x: int) -> dict[str, Any]:
        return _event(tick, "piece_lock", p, piece=piece, cells=_cells(piece, state, x), board=[], score=0)

    events = [
        _event(0, "piece_spawn", p, piece="T"),
        _event(0, "input", p, action="hard_drop", ok=True),
        lock(0, "T", 0, 4),
        _event(0, "piece_spawn", p, piece="L"),
        _event(0, "input", p, action="move_left", ok=True),
        _event(100, "input", p, action="move_left", ok=True),
        _event(200, "input", p, action="move_left", ok=True),
        _event(300, "input", p, action="hard_drop", ok=True),
        lock(300, "L", 0, 1),
        _event(300, "piece_spawn", p, piece="S"),
        _event(600, "input", p, action="hard_drop", ok=True),
        lock(600, "S", 0, 4),
        _event(600, "piece_spawn", p, piece="J"),
        _event(700, "input", p, action="hold", ok=True),
        _event(700, "piece_spawn", p, piece="I"),
        _event(800, "input", p, action="move_right", ok=True),
        _event(968, "input", p, action="move_right", ok=True),  # auto-shift's repeats: no presses
        _event(1000, "input", p, action="move_right", ok=True),
        _event(1032, "input", p, action="move_right", ok=False),
        _event(1200, "input", p, action="hard_drop", ok=True),
        lock(1200, "I", 0, 7),
        _event(1200, "piece_spawn", p, piece="O"),
        _event(1300, "input", p, action="move_right", ok=True),
        lock(2000, "O", 0, 5),
    ]
    return inputs, events
