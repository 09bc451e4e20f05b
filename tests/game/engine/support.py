"""Helpers for driving one field from a hand-made board."""

from __future__ import annotations

from game.engine.board import Board
from game.engine.config import MatchConfig
from game.engine.events import EventDict
from game.engine.match import Match

# No gravity and a long lock delay: pieces only move when a test says so.
STILL = MatchConfig(gravity=0.0, lock_delay=1000)


def solo(rows: list[str], piece: str, config: MatchConfig = STILL) -> tuple[Match, list[EventDict]]:
    """A one-player match whose board is ``rows`` (bottom first, 'X' filled) and whose first piece
    is ``piece``; returns the match and the spawn events."""
    match = Match(["p"], seed=0, config=config)
    player = match.players["p"]
    player.board = Board.from_rows(rows, config.board_height)
    match.started = True
    return match, player.spawn(piece)


def of_type(events: list[EventDict], type_: str) -> list[EventDict]:
    return [e for e in events if e["type"] == type_]


def inputs(events: list[EventDict]) -> list[dict]:
    return [e["data"] for e in of_type(events, "input")]
