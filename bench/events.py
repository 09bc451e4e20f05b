"""Realistic event traffic for benchmarks: bot games from the engine when present, else synthetic matches."""

from __future__ import annotations

import functools
import random
from datetime import UTC, datetime, timedelta

from contract.events import event_msg_id

BASE = datetime(2026, 1, 1, tzinfo=UTC)


def synthetic_match(room_id: str, index: int, players: int = 4, events_per_match: int = 300, seed: int = 0):
    """A match of about ``events_per_match`` events with the contract's shapes and realistic sizes."""
    rng = random.Random(seed * 100_003 + index)
    started = BASE + timedelta(seconds=90 * index)
    started_iso = started.isoformat().replace("+00:00", "Z")
    ids = [f"guest-{index}-{n}" for n in range(players)]
    events = [
        {
            "tick": 0,
            "type": "game_start",
            "player_id": None,
            "data": {
                "started_at": started_iso,
                "mode": "multiplayer",
                "players": [{"player_id": p} for p in ids],
                "config": {"gravity": 0.05, "tick_rate": 60},
            },
        }
    ]
    tick = 0
    board: dict[str, list[str]] = {p: [] for p in ids}
    scores = dict.fromkeys(ids, 0)
    while len(events) < events_per_match - 1:
        tick += 7
        player = ids[rng.randrange(players)]
        piece = "IOTSZJL"[rng.randrange(7)]
        events.append(
            {
                "tick": tick,
                "type": "piece_spawn",
                "player_id": player,
                "data": {"piece": piece, "x": 3, "y": 21, "rotation": "0"},
            }
        )
        for _ in range(rng.randint(2, 5)):
            action = rng.choice(["move_left", "move_right", "rotate_cw", "rotate_ccw", "soft_drop"])
            data = {"action": action, "ok": rng.random() > 0.1}
            if action.startswith("rotate"):
                data["kick"] = 0
            events.append({"tick": tick, "type": "input", "player_id": player, "data": data})
        events.append(
            {
                "tick": tick,
                "type": "input",
                "player_id": player,
                "data": {"action": "hard_drop", "ok": True, "distance": rng.randint(0, 18)},
            }
        )
        x = rng.randrange(7)
        rows = board[player]
        rows.append("." * x + piece * 3 + "." * (7 - x))
        if len(rows) > 12:
            rows[:] = rows[-6:]
        scores[player] += 20
        events.append(
            {
                "tick": tick,
                "type": "piece_lock",
                "player_id": player,
                "data": {
                    "piece": piece,
                    "rotation": "0",
                    "cells": [[x, 0], [x + 1, 0], [x + 2, 0], [x + 1, 1]],
                    "board": list(rows),
                    "score": scores[player],
                },
            }
        )
    events.append(
        {
            "tick": tick + 1,
            "type": "game_end",
            "player_id": None,
            "data": {
                "started_at": started_iso,
                "ended_at": (started + timedelta(seconds=80)).isoformat(),
                "mode": "multiplayer",
                "players": [
                    {
                        "player_id": p,
                        "placement": n + 1,
                        "score": scores[p],
                        "lines_cleared": 10,
                        "garbage_sent": 3,
                        "garbage_received": 2,
                        "pieces_placed": 20,
                        "duration_ms": 80_000,
                    }
                    for n, p in enumerate(ids)
                ],
            },
        }
    )
    return [(event, event_msg_id(room_id, started_iso, n)) for n, event in enumerate(events)]


@functools.lru_cache(maxsize=4)
def realistic_matches(count: int, rooms: int, seed: int = 0) -> list[tuple[str, list[tuple[dict, str]]]]:
    """(room_id, events) of ``count`` matches: the game engine's bot games when available."""
    try:
        from game.simulation import simulate_match_events  # the engine's own traffic, when present
    except ImportError:
        simulate_match_events = None
    matches = []
    for index in range(count):
        room_id = f"bench-room-{index % rooms}"
        if simulate_match_events is not None:
            matches.append((room_id, simulate_match_events(room_id, index=index, seed=seed)))
        else:
            matches.append((room_id, synthetic_match(room_id, index, seed=seed)))
    return matches
