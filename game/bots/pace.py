"""How fast a bot plays when it stands in for a person (the demo of `dev.py up`): pure, no I/O.

People place about 1 to 3 pieces a second, a few of them more; a bot left alone places 8 to 11. A
`Pace` holds a bot to a person's speed: at most one tap every `input_ticks` ticks (soft drop is
held, not tapped), and no piece dropped before `piece_ticks` ticks have passed since it appeared.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# A person's taps (or a key's auto-repeat): about 20 a second at 60 ticks a second.
INPUT_TICKS = 3
# Most people 1 to 3 pieces a second; FAST_SHARE of them 3 to 4.5.
USUAL_PPS = (1.0, 3.0)
FAST_PPS = (3.0, 4.5)
FAST_SHARE = 0.15


@dataclass(frozen=True)
class Pace:
    pieces_per_second: float
    piece_ticks: int
    input_ticks: int = INPUT_TICKS


def pace_of(pieces_per_second: float, *, tick_rate: float) -> Pace:
    return Pace(pieces_per_second, piece_ticks=max(1, round(tick_rate / pieces_per_second)), input_ticks=INPUT_TICKS)


def human_pieces_per_second(rng: random.Random) -> float:
    """One person's speed, drawn from the spread above (rounded to a tenth, for readable plans)."""
    low, high = FAST_PPS if rng.random() < FAST_SHARE else USUAL_PPS
    return round(rng.uniform(low, high), 1)
