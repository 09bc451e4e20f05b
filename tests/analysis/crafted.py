"""A crafted three-player match whose figures are worked out by hand in test_figures.py."""

from __future__ import annotations

from typing import Any

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
