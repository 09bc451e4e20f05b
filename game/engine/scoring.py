"""Guideline scoring: points for a placement's line clear, combo and perfect clear."""

from __future__ import annotations

from typing import Final

from game.engine.spin import Spin

LINE_POINTS: Final[dict[Spin, tuple[int, ...]]] = {
    "none": (0, 100, 300, 500, 800),
    "mini": (100, 200, 400),
    "full": (400, 800, 1200, 1600),
}
# Perfect clear bonus by rows cleared (guideline, 2016 onwards); a back-to-back tetris PC gets more.
PERFECT_CLEAR_POINTS: Final = (0, 800, 1200, 1800, 2000)
B2B_TETRIS_PERFECT_CLEAR_POINTS: Final = 3200
SOFT_DROP_POINTS_PER_ROW: Final = 1
HARD_DROP_POINTS_PER_ROW: Final = 2


def clear_points(*, lines: int, spin: Spin, back_to_back: bool, combo: int, perfect_clear: bool, level: int) -> int:
    """Points for one placement, drop points excluded.

    ``back_to_back`` is true when this difficult clear continues a chain (x1.5 on the clear);
    ``combo`` is the combo counter after this placement (0 for the first clear in a row, -1 for none).
    """
    points = LINE_POINTS[spin][lines] * level
    if back_to_back:
        points = points * 3 // 2
    if lines and combo > 0:
        points += 50 * combo * level
    if perfect_clear:
        if back_to_back and lines == 4:
            points += B2B_TETRIS_PERFECT_CLEAR_POINTS * level
        else:
            points += PERFECT_CLEAR_POINTS[lines] * level
    return points
