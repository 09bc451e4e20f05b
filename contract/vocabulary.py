"""The words of the event contract (docs/contract.md, game events), written once.

The engine that produces events (game/engine/) and the schema that checks them (contract/events.py)
both take their pieces, rotations, input actions and board size from here, so the two cannot drift
apart. Pure constants, no imports: a game server in Python can read it without Django or NATS.
"""

from __future__ import annotations

from typing import Final

# In this order: the engine's 7-bag is shuffled from it, so the order is part of a seeded game.
PIECES: Final = ("I", "O", "T", "S", "Z", "J", "L")
# Clockwise from the spawn state; the engine numbers its rotation states by position here.
ROTATIONS: Final = ("0", "R", "2", "L")
INPUT_ACTIONS: Final = (
    "move_left",
    "move_right",
    "rotate_cw",
    "rotate_ccw",
    "rotate_180",
    "soft_drop",
    "hard_drop",
    "hold",
)
ROTATE_ACTIONS: Final = ("rotate_cw", "rotate_ccw", "rotate_180")

# A board is rows of BOARD_WIDTH characters, EMPTY_CELL for an empty cell, anything else filled.
BOARD_WIDTH: Final = 10
# Rows 0-19 are visible (the guideline's 10x20 field); pieces spawn just above and may lock there.
BOARD_VISIBLE_HEIGHT: Final = 20
EMPTY_CELL: Final = "."
