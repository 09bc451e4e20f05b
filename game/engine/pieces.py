"""The seven tetrominoes, their SRS rotation states and kick tables.

Coordinates follow docs/contract.md: x is the column (0 at the left), y the row (0 at the bottom), so
+y is UP. That is also the convention of the SRS kick tables as usually published (the Tetris wiki
lists (x, y) offsets with +y up), so the tables below are copied as they are.

Every piece has an origin ``(x, y)``:

* J L S T Z: the rotation centre, i.e. the middle cell of the 3x3 SRS box (for T the centre cell).
* I: the cell second from the left of the flat spawn shape; in SRS the I turns about the centre of a
  4x4 box, so in states "2" and "L" the origin is not one of the I's cells.
* O: its bottom-left cell (the O never moves when rotated).

All pieces spawn with origin (4, 20): the flat side in row 20, the first row above the visible 20,
columns 3-5 (JLSTZ), 3-6 (I) or 4-5 (O), which is the guideline spawn position.
"""

from __future__ import annotations

from typing import Final

from contract.vocabulary import PIECES, ROTATIONS

__all__ = ["PIECES", "ROTATIONS", "SHAPES", "SPAWN_X", "SPAWN_Y", "cells_at", "kick_offsets"]
SPAWN_X: Final = 4
SPAWN_Y: Final = 20

Cells = tuple[tuple[int, int], ...]
Offsets = tuple[tuple[int, int], ...]

_STATE0: dict[str, Cells] = {
    "T": ((-1, 0), (0, 0), (1, 0), (0, 1)),
    "S": ((-1, 0), (0, 0), (0, 1), (1, 1)),
    "Z": ((-1, 1), (0, 1), (0, 0), (1, 0)),
    "J": ((-1, 1), (-1, 0), (0, 0), (1, 0)),
    "L": ((1, 1), (-1, 0), (0, 0), (1, 0)),
}


def _rotate_cw(cells: Cells) -> Cells:
    # With +y up, a clockwise quarter turn maps (x, y) to (y, -x).
    return tuple((y, -x) for x, y in cells)


def _build_shapes() -> dict[str, tuple[Cells, ...]]:
    shapes: dict[str, tuple[Cells, ...]] = {}
    for piece, cells in _STATE0.items():
        states = [cells]
        for _ in range(3):
            states.append(_rotate_cw(states[-1]))
        shapes[piece] = tuple(states)
    # The I turns inside its 4x4 box rather than about a cell, so its four states are listed.
    shapes["I"] = (
        ((-1, 0), (0, 0), (1, 0), (2, 0)),
        ((1, 1), (1, 0), (1, -1), (1, -2)),
        ((-1, -1), (0, -1), (1, -1), (2, -1)),
        ((0, 1), (0, 0), (0, -1), (0, -2)),
    )
    o_cells: Cells = ((0, 0), (1, 0), (0, 1), (1, 1))
    shapes["O"] = (o_cells,) * 4
    return shapes


SHAPES: Final[dict[str, tuple[Cells, ...]]] = _build_shapes()

_JLSTZ_KICKS: dict[tuple[int, int], Offsets] = {
    (0, 1): ((0, 0), (-1, 0), (-1, 1), (0, -2), (-1, -2)),
    (1, 0): ((0, 0), (1, 0), (1, -1), (0, 2), (1, 2)),
    (1, 2): ((0, 0), (1, 0), (1, -1), (0, 2), (1, 2)),
    (2, 1): ((0, 0), (-1, 0), (-1, 1), (0, -2), (-1, -2)),
    (2, 3): ((0, 0), (1, 0), (1, 1), (0, -2), (1, -2)),
    (3, 2): ((0, 0), (-1, 0), (-1, -1), (0, 2), (-1, 2)),
    (3, 0): ((0, 0), (-1, 0), (-1, -1), (0, 2), (-1, 2)),
    (0, 3): ((0, 0), (1, 0), (1, 1), (0, -2), (1, -2)),
}

_I_KICKS: dict[tuple[int, int], Offsets] = {
    (0, 1): ((0, 0), (-2, 0), (1, 0), (-2, -1), (1, 2)),
    (1, 0): ((0, 0), (2, 0), (-1, 0), (2, 1), (-1, -2)),
    (1, 2): ((0, 0), (-1, 0), (2, 0), (-1, 2), (2, -1)),
    (2, 1): ((0, 0), (1, 0), (-2, 0), (1, -2), (-2, 1)),
    (2, 3): ((0, 0), (2, 0), (-1, 0), (2, 1), (-1, -2)),
    (3, 2): ((0, 0), (-2, 0), (1, 0), (-2, -1), (1, 2)),
    (3, 0): ((0, 0), (1, 0), (-2, 0), (1, -2), (-2, 1)),
    (0, 3): ((0, 0), (-1, 0), (2, 0), (-1, 2), (2, -1)),
}

# 180-degree turns test only the zero offset. SRS itself has no 180 turn, and the common 180 tables
# (TETR.IO's SRS+) have six tests, which would not fit the contract's kick index 0-4 and would blur the
# "kick 4" mini exception; so a blocked 180 simply fails.
_ZERO: Offsets = ((0, 0),)


def kick_offsets(piece: str, start: int, end: int) -> Offsets:
    """The kick tests, in order, for turning ``piece`` from state index ``start`` to ``end``."""
    if piece == "O" or (start - end) % 4 == 2:
        return _ZERO
    table = _I_KICKS if piece == "I" else _JLSTZ_KICKS
    return table[(start, end)]


def cells_at(piece: str, state: int, x: int, y: int) -> list[tuple[int, int]]:
    """The four board cells of ``piece`` in state index ``state`` with its origin at (x, y)."""
    return [(x + dx, y + dy) for dx, dy in SHAPES[piece][state]]
