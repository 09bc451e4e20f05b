"""The playfield: 10 columns, ``height`` rows (20 visible plus hidden rows above), y = 0 at the bottom.

Each row is kept twice: as a bit mask (bit x set = column x filled), which makes collision tests and
line checks a few integer operations, and as a 10-character string holding the piece letters that
the published ``board`` shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from contract.vocabulary import BOARD_VISIBLE_HEIGHT, BOARD_WIDTH, EMPTY_CELL
from game.engine.pieces import PIECES, SHAPES

FULL_ROW: Final = (1 << BOARD_WIDTH) - 1
EMPTY_ROW_TEXT: Final = EMPTY_CELL * BOARD_WIDTH
GARBAGE: Final = "G"


def _collision_table() -> dict[tuple[str, int], tuple[int, int, int, int, tuple[tuple[int, int], ...]]]:
    # Per piece and state: x range of the cells, y range, and per row offset the cells as a bit mask
    # anchored at the leftmost cell, so that a fit test is one shift and one AND per row.
    table = {}
    for piece in PIECES:
        for state, cells in enumerate(SHAPES[piece]):
            min_dx = min(dx for dx, _ in cells)
            max_dx = max(dx for dx, _ in cells)
            rows: dict[int, int] = {}
            for dx, dy in cells:
                rows[dy] = rows.get(dy, 0) | (1 << (dx - min_dx))
            min_dy = min(rows)
            max_dy = max(rows)
            table[(piece, state)] = (min_dx, max_dx, min_dy, max_dy, tuple(sorted(rows.items())))
    return table


_COLLISION: Final = _collision_table()


def fits(masks: Sequence[int], piece: str, state: int, x: int, y: int) -> bool:
    """Whether ``piece`` in ``state`` with origin (x, y) lies inside the field on empty cells."""
    min_dx, max_dx, min_dy, max_dy, rows = _COLLISION[(piece, state)]
    left = x + min_dx
    if left < 0 or x + max_dx >= BOARD_WIDTH or y + min_dy < 0 or y + max_dy >= len(masks):
        return False
    # A plain loop rather than all(...): this is the hottest function of engine and bots alike.
    for dy, bits in rows:  # noqa: SIM110
        if masks[y + dy] & (bits << left):
            return False
    return True


def drop_distance(masks: Sequence[int], piece: str, state: int, x: int, y: int, stack_height: int | None = None) -> int:
    """How many rows the piece can fall from (x, y) before it rests on something.

    The piece must fit at (x, y). ``stack_height``, when given, promises that rows from it upwards
    are empty, so the fall through them is not tested row by row: bots call this for every
    candidate placement, usually from high above the stack.
    """
    min_dx, _, min_dy, _, rows = _COLLISION[(piece, state)]
    shifted = [(dy, bits << (x + min_dx)) for dy, bits in rows]
    ny = y - 1
    if stack_height is not None and ny + min_dy > stack_height:
        ny = stack_height - min_dy
    while ny + min_dy >= 0:
        for dy, bits in shifted:
            if masks[ny + dy] & bits:
                return y - 1 - ny
        ny -= 1
    return y - 1 - ny


def is_filled(masks: Sequence[int], x: int, y: int) -> bool:
    """A cell counts as filled when it is occupied or outside the walls or below the floor.

    Above the top of the field counts as empty, as it does for a reader of a published ``board``
    (which leaves out empty rows).
    """
    if x < 0 or x >= BOARD_WIDTH or y < 0:
        return True
    if y >= len(masks):
        return False
    return bool(masks[y] >> x & 1)


class Board:
    """A mutable playfield."""

    def __init__(self, height: int = 40) -> None:
        if height < BOARD_VISIBLE_HEIGHT + 2:
            raise ValueError(f"board height {height} leaves no room to spawn; use at least 22 rows")
        self.height = height
        self.masks: list[int] = [0] * height
        self._text: list[str] = [EMPTY_ROW_TEXT] * height

    @classmethod
    def from_rows(cls, rows: Iterable[str], height: int = 40) -> Board:
        """A board from row strings, bottom row first (the published ``board`` format)."""
        board = cls(height)
        for y, text in enumerate(rows):
            if len(text) != BOARD_WIDTH:
                raise ValueError(f"row {y} is {len(text)} characters long; rows are exactly {BOARD_WIDTH}")
            board._text[y] = text
            board.masks[y] = sum(1 << x for x, ch in enumerate(text) if ch != EMPTY_CELL)
        return board

    def fits(self, piece: str, state: int, x: int, y: int) -> bool:
        return fits(self.masks, piece, state, x, y)

    def place(self, cells: Iterable[tuple[int, int]], letter: str) -> None:
        """Fill ``cells`` with ``letter``; the caller has checked that they fit."""
        for x, y in cells:
            self.masks[y] |= 1 << x
            row = self._text[y]
            self._text[y] = row[:x] + letter + row[x + 1 :]

    def full_rows(self) -> list[int]:
        return [y for y, mask in enumerate(self.masks) if mask == FULL_ROW]

    def clear_rows(self, rows: Sequence[int]) -> None:
        """Remove ``rows`` and let everything above fall down."""
        for y in sorted(rows, reverse=True):
            del self.masks[y]
            del self._text[y]
        self.masks.extend([0] * len(rows))
        self._text.extend([EMPTY_ROW_TEXT] * len(rows))

    def insert_garbage(self, count: int, hole: int) -> bool:
        """Push ``count`` garbage rows with an empty ``hole`` column in from the bottom.

        Returns False when filled cells were pushed out of the top of the field (a top-out); the
        board is then left with those cells cut off.
        """
        overflow = any(self.masks[self.height - count :])
        mask = FULL_ROW & ~(1 << hole)
        text = GARBAGE * hole + EMPTY_CELL + GARBAGE * (BOARD_WIDTH - hole - 1)
        self.masks[:0] = [mask] * count
        self._text[:0] = [text] * count
        del self.masks[self.height :]
        del self._text[self.height :]
        return not overflow

    def stack_height(self) -> int:
        """Index of the highest row holding a filled cell, plus one; 0 when empty."""
        for y in range(self.height - 1, -1, -1):
            if self.masks[y]:
                return y + 1
        return 0

    def is_empty(self) -> bool:
        return not any(self.masks)

    def rows(self) -> list[str]:
        """The published ``board``: bottom row first, rows above the highest filled one left out."""
        return self._text[: self.stack_height()]
