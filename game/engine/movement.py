"""Moving a piece: shared by the engine and by bots that plan real inputs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from game.engine.board import fits
from game.engine.pieces import kick_offsets

TURNS: Final = {"rotate_cw": 1, "rotate_ccw": 3, "rotate_180": 2}


def rotate(
    masks: Sequence[int], piece: str, state: int, x: int, y: int, action: str
) -> tuple[int, int, int, int] | None:
    """Try a rotation; return (new state, x, y, kick index) or None when every kick test collides."""
    end = (state + TURNS[action]) % 4
    for kick, (dx, dy) in enumerate(kick_offsets(piece, state, end)):
        if fits(masks, piece, end, x + dx, y + dy):
            return end, x + dx, y + dy, kick
    return None
