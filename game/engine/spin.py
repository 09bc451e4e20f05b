"""T-spin recognition by the guideline's 3-corner rule, exactly as docs/contract.md states it.

The key-moment detector applies the same rule to the published events, so every input that counts
here must be visible in those events: the engine's record and the detector's must agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

from game.engine.board import is_filled

Spin = Literal["none", "mini", "full"]

# For each T state (index into "0" "R" "2" "L"): the two diagonal corners on the side it points to.
_FRONT: Final = (
    ((-1, 1), (1, 1)),
    ((1, 1), (1, -1)),
    ((-1, -1), (1, -1)),
    ((-1, 1), (-1, -1)),
)
_CORNERS: Final = ((-1, 1), (1, 1), (-1, -1), (1, -1))


def t_spin(
    masks: Sequence[int],
    piece: str,
    state: int,
    x: int,
    y: int,
    last_was_rotation: bool,
    last_kick: int,
    lines: int,
) -> Spin:
    """Classify a placement, judged on the board after placement and before clearing.

    (x, y) is the piece origin, which for T is its centre cell. ``last_was_rotation`` says whether the
    last effective action on the piece was a rotation, ``last_kick`` is that rotation's kick index.
    """
    if piece != "T" or not last_was_rotation:
        return "none"
    corners = sum(is_filled(masks, x + dx, y + dy) for dx, dy in _CORNERS)
    if corners < 3:
        return "none"
    front = sum(is_filled(masks, x + dx, y + dy) for dx, dy in _FRONT[state])
    if front < 2 and last_kick != 4 and lines != 3:
        return "mini"
    return "full"


_LINE_NAMES: Final = ("zero", "single", "double", "triple")


def moment_kind(lines: int, spin: Spin) -> str | None:
    """The name under which the engine records a placement, or None for an ordinary one.

    Names match the detector's moment types where one exists (``tetris``, ``t_spin_single`` ...);
    minis and zero-line spins, which yield no moment, are ``t_spin_mini_<lines>`` / ``t_spin_zero``.
    """
    if spin == "full":
        return f"t_spin_{_LINE_NAMES[lines]}"
    if spin == "mini":
        return f"t_spin_mini_{_LINE_NAMES[lines]}"
    if lines == 4:
        return "tetris"
    return None


def is_difficult(lines: int, spin: Spin) -> bool:
    """A clear that keeps a back-to-back chain alive: a tetris, or any T-spin clearing rows."""
    return lines == 4 or (lines > 0 and spin != "none")
