"""Judging a placement: what it clears and sends, and how good the board it leaves is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from contract.vocabulary import BOARD_WIDTH
from game.bots.search import Plan
from game.engine.attack import attack_rows
from game.engine.board import FULL_ROW
from game.engine.pieces import cells_at
from game.engine.spin import Spin, is_difficult, t_spin


@dataclass(frozen=True, slots=True)
class Weights:
    """Per-strength taste. Penalties are positive numbers that get subtracted."""

    height: float
    holes: float
    hole_rows: float
    bumpiness: float
    deep_wells: float
    max_height: float
    well_column: int | None  # a column kept open for tetrises, None to not care
    well_fill: float  # penalty per filled cell in the well column while the stack is low
    burn: float  # penalty for clearing 1-3 plain lines while the stack is low
    line: float
    tetris: float
    t_spin: float  # bonus per row cleared by a full T-spin double or triple
    attack: float
    tsd_slot: float  # bonus for a T-spin double slot on the board
    danger_height: int  # above this height, survival outweighs style


@dataclass(frozen=True, slots=True)
class Outcome:
    lines: int
    spin: Spin
    attack: int
    masks: list[int]


def simulate(masks: Sequence[int], plan: Plan, *, b2b_chain: int, combo: int) -> Outcome:
    """The board, clear and attack after locking ``plan``; the player's own field is untouched."""
    after = list(masks)
    touched = set()
    for cx, cy in cells_at(plan.piece, plan.state, plan.x, plan.y):
        after[cy] |= 1 << cx
        touched.add(cy)
    full = sorted(y for y in touched if after[y] == FULL_ROW)
    lines = len(full)
    spin = t_spin(after, plan.piece, plan.state, plan.x, plan.y, plan.last_rotation, plan.kick, lines)
    if lines:
        for y in reversed(full):
            del after[y]
        after.extend([0] * lines)
    perfect = lines > 0 and not any(after)
    back_to_back = lines > 0 and is_difficult(lines, spin) and b2b_chain > 0
    attack = attack_rows(
        lines=lines, spin=spin, back_to_back=back_to_back, combo=combo + 1 if lines else -1, perfect_clear=perfect
    )
    return Outcome(lines, spin, attack, after)


def _tsd_slot(masks: Sequence[int], heights: Sequence[int]) -> float:
    """How ready the best T-spin double slot is, 0 when there is none.

    A slot: a one-cell notch at (c, y) with both neighbours filled, the three cells above it open,
    and exactly one of the cells diagonally above the notch's neighbours filled (the overhang the T
    spins under), with the open side reachable from above.
    """
    best = 0.0
    for c in range(1, BOARD_WIDTH - 1):
        y = heights[c]
        if y + 2 >= len(masks):
            continue
        row0, row1, row2 = masks[y], masks[y + 1], masks[y + 2]
        left, right, centre = 1 << (c - 1), 1 << (c + 1), 1 << c
        if not (row0 & left and row0 & right) or row1 & (left | centre | right) or row2 & centre:
            continue
        if bool(row2 & left) == bool(row2 & right):
            continue
        open_side = c + 1 if row2 & left else c - 1
        if heights[open_side] > y + 1:
            continue
        slot = left | centre | right
        fill = ((row0 | centre).bit_count() + (row1 & ~slot).bit_count()) / (2 * BOARD_WIDTH - 3)
        best = max(best, 0.3 + fill * fill)
    return best


def board_value(masks: Sequence[int], weights: Weights) -> float:
    """Higher is better; only the shape of the stack counts here."""
    top = len(masks) - 1
    while top >= 0 and not masks[top]:
        top -= 1
    heights = [0] * BOARD_WIDTH
    holes = hole_rows = 0
    covered = 0
    for y in range(top, -1, -1):
        row = masks[y]
        fresh = row & ~covered
        while fresh:
            low = fresh & -fresh
            heights[low.bit_length() - 1] = y + 1
            fresh ^= low
        gaps = covered & ~row
        if gaps:
            holes += gaps.bit_count()
            hole_rows += 1
        covered |= row
    well = weights.well_column
    aggregate = sum(heights)
    peak = top + 1
    cols = heights[:well] + heights[well + 1 :] if well is not None else heights
    # One pass for bumpiness and deep wells (a one-wide well deeper than two only takes an I; more
    # than one of them buries the stack). The walls count as tall neighbours.
    bumpiness = deep = 0
    last = len(cols) - 1
    for i, h in enumerate(cols):
        left = cols[i - 1] if i else 99
        right = cols[i + 1] if i < last else 99
        if i:
            bumpiness += h - left if h > left else left - h
        depth = (left if left < right else right) - h - 2
        if depth > 0:
            deep += depth
    value = -(
        weights.height * aggregate
        + weights.holes * holes
        + weights.hole_rows * hole_rows
        + weights.bumpiness * bumpiness
        + weights.deep_wells * deep
    )
    if peak > weights.danger_height:
        value -= weights.max_height * (peak - weights.danger_height) ** 2
    elif well is not None:
        value -= weights.well_fill * heights[well]
    if weights.tsd_slot and peak <= weights.danger_height:
        readiness = _tsd_slot(masks, heights)
        if readiness:
            # The cell under the overhang is the slot, not a hole: take back its hole penalty.
            value += weights.tsd_slot * readiness + weights.holes + weights.hole_rows
    return value


def placement_value(outcome: Outcome, stack_height: int, weights: Weights) -> float:
    """The value of a placement: its board plus what its clear is worth to this strength."""
    value = board_value(outcome.masks, weights)
    lines = outcome.lines
    if not lines:
        return value
    value += weights.attack * outcome.attack + weights.line * lines
    if outcome.spin == "full":
        # Doubles and triples are what T-spins are built for; a single mostly wastes the slot.
        value += weights.t_spin * (lines if lines > 1 else 0.2)
    elif lines == 4:
        value += weights.tetris
    elif stack_height <= weights.danger_height:
        value -= weights.burn * lines
    return value
