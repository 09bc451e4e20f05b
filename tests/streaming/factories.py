"""Synthetic matches for streaming tests: plausible docs/contract.md events, with their Msg-Ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from contract.events import event_msg_id

BASE_TIME = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def match_events(
    room_id: str,
    *,
    index: int = 0,
    players: list[str] | None = None,
    placements_per_player: int = 3,
    started_at: datetime | None = None,
    tournament_id: str | None = None,
) -> list[tuple[dict, str]]:
    """A whole match as (event, msg_id) pairs, from game_start to game_end."""
    players = players or ["alice-guest", "bob-guest"]
    started = started_at or BASE_TIME + timedelta(minutes=index)
    started_iso = iso(started)
    events: list[dict] = [
        {
            "tick": 0,
            "type": "game_start",
            "player_id": None,
            "data": {
                "started_at": started_iso,
                "mode": "multiplayer",
                "players": [{"player_id": p} for p in players],
                "config": {"gravity": 1},
                **({"tournament_id": tournament_id} if tournament_id else {}),
            },
        }
    ]
    tick = 1
    for placement_index in range(placements_per_player):
        for number, player in enumerate(players):
            events.append(
                {
                    "tick": tick,
                    "type": "piece_spawn",
                    "player_id": player,
                    "data": {"piece": "O", "x": 4, "y": 20, "rotation": "0"},
                }
            )
            events.append(
                {
                    "tick": tick,
                    "type": "input",
                    "player_id": player,
                    "data": {"action": "hard_drop", "ok": True, "distance": 18},
                }
            )
            x = (2 * placement_index + 2 * number) % 9
            events.append(
                {
                    "tick": tick,
                    "type": "piece_lock",
                    "player_id": player,
                    "data": {
                        "piece": "O",
                        "rotation": "0",
                        "cells": [[x, 0], [x + 1, 0], [x, 1], [x + 1, 1]],
                        "board": ["." * x + "OO" + "." * (8 - x)] * 2,
                        "score": 10 * placement_index,
                    },
                }
            )
            tick += 1
    ended = started + timedelta(seconds=tick)
    events.append(
        {
            "tick": tick,
            "type": "game_end",
            "player_id": None,
            "data": {
                "started_at": started_iso,
                "ended_at": iso(ended),
                "mode": "multiplayer",
                **({"tournament_id": tournament_id} if tournament_id else {}),
                "players": [
                    {
                        "player_id": p,
                        "placement": n + 1,
                        "score": 1000 - 100 * n,
                        "lines_cleared": 4 - n,
                        "garbage_sent": n,
                        "garbage_received": 0,
                        "pieces_placed": placements_per_player,
                        "duration_ms": tick * 1000,
                    }
                    for n, p in enumerate(players)
                ],
            },
        }
    )
    return [(event, event_msg_id(room_id, started_iso, n)) for n, event in enumerate(events)]


FULL_ROW = "IIIIIIIIII"


def tetris_match_events(room_id: str, *, index: int = 0, tetrises: int = 3, players: list[str] | None = None):
    """A match in which every player clears `tetrises` tetrises in a row, each one a perfect clear.

    Each tetris yields `tetris` and `perfect_clear`; from the second on, also `back_to_back`.
    """
    players = players or ["p1", "p2"]
    started = BASE_TIME + timedelta(minutes=index)
    started_iso = iso(started)
    events: list[dict] = [
        {
            "tick": 0,
            "type": "game_start",
            "player_id": None,
            "data": {
                "started_at": started_iso,
                "mode": "multiplayer",
                "players": [{"player_id": p} for p in players],
                "config": {},
            },
        }
    ]
    tick = 0
    for number in range(tetrises):
        for player in players:
            tick += 1
            events += [
                {
                    "tick": tick,
                    "type": "piece_spawn",
                    "player_id": player,
                    "data": {"piece": "I", "x": 3, "y": 20, "rotation": "0"},
                },
                {
                    "tick": tick,
                    "type": "input",
                    "player_id": player,
                    "data": {"action": "rotate_cw", "ok": True, "kick": 0},
                },
                {
                    "tick": tick,
                    "type": "input",
                    "player_id": player,
                    "data": {"action": "hard_drop", "ok": True, "distance": 16},
                },
                {
                    "tick": tick,
                    "type": "piece_lock",
                    "player_id": player,
                    "data": {
                        "piece": "I",
                        "rotation": "R",
                        "cells": [[9, 0], [9, 1], [9, 2], [9, 3]],
                        "board": [FULL_ROW] * 4,
                        "score": 800 * (number + 1),
                    },
                },
                {"tick": tick, "type": "line_clear", "player_id": player, "data": {"rows": [0, 1, 2, 3], "count": 4}},
            ]
    tick += 1
    events.append(
        {
            "tick": tick,
            "type": "game_end",
            "player_id": None,
            "data": {
                "started_at": started_iso,
                "ended_at": iso(started + timedelta(seconds=tick)),
                "mode": "multiplayer",
                "players": [
                    {
                        "player_id": p,
                        "placement": n + 1,
                        "score": 800 * tetrises,
                        "lines_cleared": 4 * tetrises,
                        "garbage_sent": 0,
                        "garbage_received": 0,
                        "pieces_placed": tetrises,
                        "duration_ms": tick * 1000,
                    }
                    for n, p in enumerate(players)
                ],
            },
        }
    )
    return [(event, event_msg_id(room_id, started_iso, n)) for n, event in enumerate(events)]
