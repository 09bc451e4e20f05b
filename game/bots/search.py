"""Where a piece can go, and the real inputs that take it there.

Plans are built with the engine's own collision and kick functions, so a plan that is simulated
here lands exactly where the engine will put it. A plan is a list of tokens: input actions, plus
``"sonic"``, which stands for "soft drop until the piece rests" and is expanded into as many
``soft_drop`` inputs as the rule set needs at the time it is played.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from game.engine.board import drop_distance, fits
from game.engine.movement import rotate

SONIC: Final = "sonic"
_ROTATIONS: Final = ((), ("rotate_cw",), ("rotate_ccw",), ("rotate_180",))
_SPINS: Final = ("rotate_cw", "rotate_ccw")


# I, S and Z cover the same cells in states "2" / "L" as in "0" / "R" with the origin moved, and
# the O the same in every state: (canonical state, dx, dy) so that such duplicates are kept once.
_SAME_CELLS: Final = {
    **{(p, 0): (0, 0, 0) for p in "ISZ"},
    **{(p, 1): (1, 0, 0) for p in "ISZ"},
    **{(p, 2): (0, 0, -1) for p in "ISZ"},
    **{(p, 3): (1, -1, 0) for p in "ISZ"},
    **{("O", s): (0, 0, 0) for s in range(4)},
}


@dataclass(frozen=True, slots=True)
class Plan:
    """A final resting position and the tokens that reach it from the current position."""

    piece: str
    state: int
    x: int
    y: int
    tokens: tuple[str, ...]
    last_rotation: bool
    kick: int


def _placement_key(plan: Plan) -> tuple:
    if plan.piece == "T":
        # For a T the way in matters too: it decides whether the placement is a spin.
        return (plan.state, plan.x, plan.y, plan.last_rotation, plan.kick == 4)
    state, dx, dy = _SAME_CELLS.get((plan.piece, plan.state), (plan.state, 0, 0))
    return (state, plan.x + dx, plan.y + dy)


def _shifted(masks: Sequence[int], piece: str, state: int, x: int, y: int) -> list[tuple[int, int]]:
    """Every column reachable by shifting, with the signed number of shifts."""
    reach = [(x, 0)]
    for step in (-1, 1):
        nx = x + step
        while fits(masks, piece, state, nx, y):
            reach.append((nx, nx - x))
            nx += step
    return reach


def _shift_tokens(count: int) -> tuple[str, ...]:
    return ("move_left",) * -count if count < 0 else ("move_right",) * count


def plans(masks: Sequence[int], piece: str, state: int, x: int, y: int, *, spins: bool, tucks: bool) -> list[Plan]:
    """Distinct placements reachable by: a rotation, shifts, then a hard drop; with ``spins``, also
    soft drop to rest then one more rotation then a hard drop; with ``tucks``, soft drop to rest,
    one shift, hard drop. Placements with the same cells and the same spin status are kept once."""
    found: dict[object, Plan] = {}
    top = len(masks)
    while top and not masks[top - 1]:
        top -= 1

    def keep(plan: Plan) -> None:
        key = _placement_key(plan)
        if key not in found:
            found[key] = plan

    for turn in _ROTATIONS if piece != "O" else ((),):
        s, rx, ry, kick = state, x, y, 0
        if turn:
            turned = rotate(masks, piece, state, x, y, turn[0])
            if turned is None:
                continue
            s, rx, ry, kick = turned
        for nx, shift in _shifted(masks, piece, s, rx, ry):
            fall = drop_distance(masks, piece, s, nx, ry, top)
            head = turn + _shift_tokens(shift)
            rotated_last = bool(turn) and not shift and not fall
            keep(Plan(piece, s, nx, ry - fall, (*head, "hard_drop"), rotated_last, kick))
            if not (spins or tucks) or not fall:
                continue
            floor = ry - fall
            head = (*head, SONIC)
            if spins:
                for spin in _SPINS:
                    turned = rotate(masks, piece, s, nx, floor, spin)
                    if turned is None:
                        continue
                    s2, x2, y2, k2 = turned
                    fall2 = drop_distance(masks, piece, s2, x2, y2)
                    keep(Plan(piece, s2, x2, y2 - fall2, (*head, spin, "hard_drop"), fall2 == 0, k2))
            if tucks:
                for step, token in ((-1, "move_left"), (1, "move_right")):
                    if fits(masks, piece, s, nx + step, floor):
                        fall2 = drop_distance(masks, piece, s, nx + step, floor)
                        keep(Plan(piece, s, nx + step, floor - fall2, (*head, token, "hard_drop"), False, 0))
    return list(found.values())


def follow(
    masks: Sequence[int], piece: str, state: int, x: int, y: int, tokens: Sequence[str]
) -> tuple[int, int, int, bool, int] | None:
    """Play ``tokens`` from a position; the final (state, x, y, last_rotation, kick) or None when an
    input would be blocked. Used to check that a plan still holds after gravity moved the piece."""
    last_rotation, kick = False, 0
    for token in tokens:
        if token == SONIC or token == "hard_drop":
            fall = drop_distance(masks, piece, state, x, y)
            if fall:
                y -= fall
                last_rotation = False
        elif token in ("move_left", "move_right"):
            nx = x - 1 if token == "move_left" else x + 1
            if not fits(masks, piece, state, nx, y):
                return None
            x, last_rotation = nx, False
        else:
            turned = rotate(masks, piece, state, x, y, token)
            if turned is None:
                return None
            state, x, y, kick = turned
            last_rotation = True
    return state, x, y, last_rotation, kick
