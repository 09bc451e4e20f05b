"""Finesse (docs/api.md, match analysis): the fewest key presses that place a piece, and faults.

A placement is a finesse fault when it took more key presses than the fewest that bring the piece from
its spawn to the same columns and the same shape (so the two equal-looking states of S, Z and I count
as one), then hard drop it: the guideline's two-step finesse, moving and rotating on an empty field.
Presses: a tap left or right moves one column, holding left or right (auto-shift) moves to the wall for
one press, a rotation (clockwise, counter-clockwise, 180) is one press, the hard drop is one. A piece that
used a soft drop or a hold is not judged (its caller leaves it out).

Known only where the key presses are (verified solo runs); multiplayer `input` events are actions, so the
analysis leaves finesse null there. Pure: no Django, no I/O.
"""

from __future__ import annotations

from collections import deque
from functools import cache

from game.engine.pieces import SHAPES, SPAWN_X

WIDTH = 10
Footprint = tuple[int, frozenset[tuple[int, int]]]


def footprint(piece: str, state: int, x: int) -> Footprint:
    """The columns a placement covers and its shape: (leftmost column, cells relative to its bottom-left)."""
    cells = [(x + dx, dy) for dx, dy in SHAPES[piece][state]]
    left = min(cx for cx, _ in cells)
    bottom = min(cy for _, cy in cells)
    return left, frozenset((cx - left, cy - bottom) for cx, cy in cells)


def _fits(piece: str, state: int, x: int) -> bool:
    return all(0 <= x + dx < WIDTH for dx, _ in SHAPES[piece][state])


@cache
def _fewest_presses(piece: str) -> dict[Footprint, int]:
    """Every footprint ``piece`` can reach, with the fewest presses (hard drop included)."""
    start = (0, SPAWN_X)
    presses = {start: 0}
    queue = deque([start])
    while queue:
        state, x = queue.popleft()
        moves = []
        for step in (-1, 1):
            if _fits(piece, state, x + step):
                moves.append((state, x + step))
                wall = x + step
                while _fits(piece, state, wall + step):
                    wall += step
                moves.append((state, wall))
        for turn in (1, 2, 3):
            turned = (state + turn) % 4
            if _fits(piece, turned, x):
                moves.append((turned, x))
        for move in moves:
            if move not in presses:
                presses[move] = presses[(state, x)] + 1
                queue.append(move)
    fewest: dict[Footprint, int] = {}
    for (state, x), count in presses.items():
        key = footprint(piece, state, x)
        fewest[key] = min(fewest.get(key, count + 1), count + 1)
    return fewest


def fewest_presses(piece: str, cells: list[list[int]] | list[tuple[int, int]]) -> int | None:
    """The fewest presses that place ``piece`` on ``cells`` (its locked cells, as `piece_lock` gives
    them); None for a footprint no move reaches on an empty field (a kick's), which is not judged."""
    left = min(x for x, _ in cells)
    bottom = min(y for _, y in cells)
    key = (left, frozenset((x - left, y - bottom) for x, y in cells))
    return _fewest_presses(piece).get(key)


def is_finesse_fault(piece: str, cells: list[list[int]] | list[tuple[int, int]], presses: int) -> bool:
    """Whether a placement that took ``presses`` key presses (hard drop included) took more than needed."""
    fewest = fewest_presses(piece, cells)
    return fewest is not None and presses > fewest
