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
from dataclasses import dataclass
from functools import cache
from typing import Any

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


# --- A verified solo run's key presses, placement by placement -----------------------------------------

# The engine applies an input [t, ...] at the start of its fixed step holding t (web/src/game/run.ts,
# STEP_MS in web/src/game/simulation.ts): every press of one step acts at that step's tick, in order.
STEP_MS = 4
# The action each key's press performs (web/src/game/input.ts); a soft drop's press performs none.
PRESS_ACTIONS = {
    "left": "move_left",
    "right": "move_right",
    "hard_drop": "hard_drop",
    "rotate_cw": "rotate_cw",
    "rotate_ccw": "rotate_ccw",
    "rotate_180": "rotate_180",
    "hold": "hold",
}


class PressesUnmatched(ValueError):
    """The run's presses do not line up with its events' actions: another engine's rules made them."""


@dataclass(slots=True)
class Placement:
    """One placement of a run: the presses from the lock before it (or the start) to its own lock."""

    presses: int = 0  # key downs, the hard drop and soft drop included
    hard_drops: int = 0
    soft_dropped: bool = False  # the soft drop was held at some point of the piece's fall
    held: bool = False  # a hold happened (the piece placed is not the one first dealt)
    piece: str = ""
    tick: int = 0  # its lock's tick (ms of game time)
    cells: list[list[int]] | None = None
    # The fewest presses for what was placed, set at its lock; None when it is not judged (soft drop,
    # hold, a footprint only a kick reaches, or no lock).
    fewest: int | None = None

    @property
    def judged_presses(self) -> int:
        """Its presses as finesse counts them: the moves and rotations, and one drop (a piece left to lock
        by gravity is judged as if hard dropped)."""
        return self.presses - self.hard_drops + 1

    @property
    def fault(self) -> bool:
        fewest = self.fewest
        return fewest is not None and self.judged_presses > fewest


def run_placements(inputs: list[list], events: list[dict[str, Any]]) -> tuple[list[Placement], int]:
    """Each placement of a run with its presses, and the run's key presses in all.

    ``inputs`` are the run's ``[t_ms, "down" | "up", key]`` as posted (docs/api.md); ``events`` its
    events as the server's replay gives them (the one player's, ticks in ms). A press that performs an
    action is the next of its step's ``input`` events (a step's presses act first, then auto-shift's
    repeats); the others (soft drop, releases) go with the piece in play at that point of the step.
    Raises PressesUnmatched when a press's action is not the event's.
    """
    placements: list[Placement] = []
    current = Placement()
    soft_held = False
    next_input = 0
    total = 0

    def take(before: int, action_step: int | None = None) -> dict[str, str] | None:
        """Apply the inputs of the steps before ``before``, and those of ``action_step`` up to its next
        press with an action, which is returned (not applied) for the caller to match with its event."""
        nonlocal next_input, soft_held, current, total
        while next_input < len(inputs):
            t, direction, key = inputs[next_input]
            step = t - t % STEP_MS
            down = direction == "down"
            if step == action_step:
                if down and key in PRESS_ACTIONS:
                    return {"key": key, "action": PRESS_ACTIONS[key]}
            elif step >= before:
                return None
            next_input += 1
            if key == "soft_drop":
                soft_held = down
                current.soft_dropped = current.soft_dropped or down
            if down:  # a press whose action no event shows (the game had ended) still counts
                total += 1
                current.presses += 1
        return None

    for event in events:
        kind = event["type"]
        tick = event["tick"]
        if kind == "input":
            press = take(tick, tick)
            if press is None:
                continue  # auto-shift's repeat: no press of its own
            if press["action"] != (event.get("data") or {}).get("action"):
                raise PressesUnmatched(f"at {tick} ms the press {press['key']} met the action {event.get('data')}")
            next_input += 1
            total += 1
            current.presses += 1
            if press["key"] == "hard_drop":
                current.hard_drops += 1
            elif press["key"] == "hold" and event["data"].get("ok", True) is not False:
                current.held = True
            continue
        take(tick)  # what the steps before this tick did
        if kind == "piece_lock":
            data = event["data"]
            current.piece, current.tick, current.cells = data["piece"], tick, data["cells"]
            if not (current.soft_dropped or current.held):
                current.fewest = fewest_presses(current.piece, current.cells)
            placements.append(current)
            current = Placement(soft_dropped=soft_held)  # a soft drop held into the next piece's fall
    take(2**62)
    return placements, total
