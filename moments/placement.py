"""What a published placement shows (docs/contract.md, key moments): its height and its T-spin by the 3-corner rule.

Read from a `piece_lock`'s ``cells`` and ``board`` alone, as the detector sees them: the board of
docs/contract.md, row strings of 10 characters, ``board[0]`` the bottom row, ``.`` empty, rows above
the list empty. Not to be confused with game/engine/board.py, the engine's own playfield (bit masks
it moves pieces on). Pure: values in, values out.
"""

from __future__ import annotations

from collections.abc import Sequence

from contract.vocabulary import BOARD_WIDTH, EMPTY_CELL

EMPTY_ROW = EMPTY_CELL * BOARD_WIDTH

# How a placement is classified by the 3-corner rule.
SPIN_NONE = 0
SPIN_MINI = 1
SPIN_FULL = 2

_DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1))


def height_after_clear(board: Sequence[str]) -> int:
    """Height of ``board`` once its full rows are removed: highest filled row + 1, 0 when empty."""
    full_below = 0
    top = -1
    for index, row in enumerate(board):
        if EMPTY_CELL not in row:
            full_below += 1
        elif row != EMPTY_ROW:
            top = index - full_below
    return top + 1


def cell_filled(board: Sequence[str], x: int, y: int) -> bool:
    """Whether (x, y) is filled; walls and floor count as filled, rows above the list as empty."""
    if x < 0 or x >= BOARD_WIDTH or y < 0:
        return True
    return y < len(board) and board[y][x] != EMPTY_CELL


def classify_t_spin(cells: Sequence[Sequence[int]], board: Sequence[str], kick: int | None) -> int:
    """SPIN_FULL, SPIN_MINI or SPIN_NONE for a T locked at ``cells`` into ``board`` (after placement).

    The caller has already checked that the piece is a T and that its last effective action was a
    rotation whose kick index was ``kick``. A placement that clears 3 rows is full even when this
    returns SPIN_MINI; that is decided by the caller, which knows the line_clear's count.
    """
    centre = None
    for cell in cells:
        neighbours = sum(1 for other in cells if abs(other[0] - cell[0]) + abs(other[1] - cell[1]) == 1)
        if neighbours == 3:
            centre = cell
            break
    if centre is None:
        return SPIN_NONE  # not a T shape (a malformed lock): no centre, no spin
    cx, cy = centre[0], centre[1]
    arms = {(other[0] - cx, other[1] - cy) for other in cells} - {(0, 0)}
    missing = [direction for direction in _DIRECTIONS if direction not in arms]
    if len(missing) != 1:
        return SPIN_NONE  # duplicated cells can fake a centre; a real T has exactly one missing side
    # The T points away from its missing side: the front corners are on the opposite side.
    point_x, point_y = -missing[0][0], -missing[0][1]
    filled = 0
    front = 0
    for dx in (-1, 1):
        for dy in (-1, 1):
            if cell_filled(board, cx + dx, cy + dy):
                filled += 1
                if dx == point_x or dy == point_y:
                    front += 1
    if filled < 3:
        return SPIN_NONE
    if front >= 2 or kick == 4:
        return SPIN_FULL
    return SPIN_MINI
