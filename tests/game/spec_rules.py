"""SPEC section 4 read straight from published events, written apart from the engine on purpose.

The engine keeps its own record of tetrises, T-spins, back-to-backs and perfect clears; this is a
second, independent reading of the same rules from the event stream alone (the way the key-moment
detector sees a match), so tests can check that the two agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

LINE_NAMES = ("zero", "single", "double", "triple")
ROTATIONS = {"rotate_cw", "rotate_ccw", "rotate_180"}
SIDES = ((1, 0), (-1, 0), (0, 1), (0, -1))


@dataclass
class _Seat:
    rotated_last: bool = False
    kick: int = 0
    previous_clear_difficult: bool = False
    pending_spin: str = "none"
    pending_board: list[str] = field(default_factory=list)
    armed_peak: int | None = None
    spin_inputs: list[list[dict]] = field(default_factory=list)
    inputs: list[dict] = field(default_factory=list)


def _filled(board: list[str], x: int, y: int) -> bool:
    if x < 0 or x > 9 or y < 0:
        return True
    if y >= len(board):
        return False
    return board[y][x] != "."


def _spin(cells: list[list[int]], board: list[str], rotated_last: bool, kick: int, lines: int) -> str:
    if not rotated_last:
        return "none"
    cellset = {tuple(c) for c in cells}
    centre = next(c for c in cellset if sum((c[0] + dx, c[1] + dy) in cellset for dx, dy in SIDES) == 3)
    cx, cy = centre
    missing = next((dx, dy) for dx, dy in SIDES if (cx + dx, cy + dy) not in cellset)
    point = (-missing[0], -missing[1])
    corners = [(cx + dx, cy + dy) for dx in (-1, 1) for dy in (-1, 1)]
    filled = sum(_filled(board, x, y) for x, y in corners)
    if filled < 3:
        return "none"
    if point[0]:
        front = [(cx + point[0], cy + 1), (cx + point[0], cy - 1)]
    else:
        front = [(cx - 1, cy + point[1]), (cx + 1, cy + point[1])]
    front_filled = sum(_filled(board, x, y) for x, y in front)
    if front_filled < 2 and kick != 4 and lines != 3:
        return "mini"
    return "full"


def _height(board: list[str]) -> int:
    rows = [row for row in board if "." in row]
    while rows and rows[-1] == "." * 10:
        rows.pop()
    return len(rows)


@dataclass
class Reading:
    """Per-player counts under the engine's record names, plus near-death survivals and the input
    sequences that ended in a T-spin."""

    counts: dict[str, Counter] = field(default_factory=dict)
    near_deaths: int = 0
    spin_endings: list[list[dict]] = field(default_factory=list)


def read_moments(events: Iterable[dict]) -> Reading:
    """Apply SPEC section 4's rules for tetris, T-spins, back-to-back, perfect clear and
    near-death survival to a match's events."""
    seats: dict[str, _Seat] = {}
    reading = Reading()
    for event in events:
        pid, data, type_ = event["player_id"], event["data"], event["type"]
        if pid is None:
            continue
        seat = seats.setdefault(pid, _Seat())
        counts = reading.counts.setdefault(pid, Counter())
        if type_ == "piece_spawn":
            seat.rotated_last, seat.kick, seat.inputs = False, 0, []
        elif type_ == "input":
            seat.inputs.append(data)
            action = data["action"]
            if action in ROTATIONS and data.get("ok", True):
                seat.rotated_last, seat.kick = True, data.get("kick", 0)
            elif action in ("move_left", "move_right", "soft_drop"):
                if data.get("ok", True):
                    seat.rotated_last = False
            elif action == "hard_drop" and data.get("distance", 0) > 0:
                seat.rotated_last = False
        elif type_ == "piece_lock":
            board = data["board"]
            lines = sum("." not in row for row in board)
            seat.pending_board = board
            seat.pending_spin = "none"
            if data["piece"] == "T":
                seat.pending_spin = _spin(data["cells"], board, seat.rotated_last, seat.kick, lines)
            if seat.pending_spin != "none":
                reading.spin_endings.append(list(seat.inputs))
            if lines == 0 and seat.pending_spin != "none":
                counts["t_spin_zero" if seat.pending_spin == "full" else "t_spin_mini_zero"] += 1
            after = [row for row in board if "." in row]
            height = _height(after)
            if height >= 17 and seat.armed_peak is None:
                seat.armed_peak = height
        elif type_ == "line_clear":
            count = data["count"]
            spin = seat.pending_spin
            if spin == "full":
                counts[f"t_spin_{LINE_NAMES[count]}"] += 1
            elif spin == "mini":
                counts[f"t_spin_mini_{LINE_NAMES[count]}"] += 1
            elif count == 4:
                counts["tetris"] += 1
            difficult = count == 4 or spin != "none"
            if difficult and seat.previous_clear_difficult:
                counts["back_to_back"] += 1
            seat.previous_clear_difficult = difficult
            after = [row for row in seat.pending_board if "." in row]
            if _height(after) == 0:
                counts["perfect_clear"] += 1
            if seat.armed_peak is not None and _height(after) <= 9:
                reading.near_deaths += 1
                seat.armed_peak = None
    return reading
