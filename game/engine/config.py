"""Rule settings for a match; the room publishes them as ``game_start.config``."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class MatchConfig:
    """Rules shared by every player of a match. Times are in ticks; the room decides a tick's length.

    gravity: rows the active piece falls per tick (fractions accumulate).
    gravity_increase: added to gravity every tick, so that long matches speed up and end.
    lock_delay: ticks a grounded piece waits before it locks.
    max_lock_resets: successful moves/rotations on the ground that restart the lock delay, per
        lowest row reached (the guideline's "move reset" with a cap, so a piece cannot stall forever).
    soft_drop_rows: rows one ``soft_drop`` input moves the piece (at most; it stops on the stack).
    garbage_cap: most garbage rows inserted at one lock; the rest waits for the next lock.
    margin_ticks, margin_rate: from tick ``margin_ticks`` on, attacks are multiplied by
        ``1 + margin_rate * (tick - margin_ticks)`` (rounded down), TETR.IO's "margin time", so that
        even evenly matched players finish. Off when ``margin_ticks`` is None.
    max_ticks: when set, the match ends after this many ticks and survivors are ranked by score.
    """

    board_height: int = 40
    gravity: float = 0.05
    gravity_increase: float = 0.0
    lock_delay: int = 30
    max_lock_resets: int = 15
    soft_drop_rows: int = 1
    level: int = 1
    next_count: int = 5
    garbage_cap: int = 8
    margin_ticks: int | None = None
    margin_rate: float = 0.002
    max_ticks: int | None = None

    def __post_init__(self) -> None:
        if self.gravity < 0 or self.gravity_increase < 0 or self.lock_delay < 0 or self.max_lock_resets < 0:
            raise ValueError("gravity, gravity_increase, lock_delay and max_lock_resets must not be negative")
        if self.soft_drop_rows < 1 or self.level < 1 or self.garbage_cap < 1:
            raise ValueError("soft_drop_rows, level and garbage_cap must be at least 1")
        if self.margin_rate < 0 or (self.margin_ticks is not None and self.margin_ticks < 0):
            raise ValueError("margin_ticks and margin_rate must not be negative")
        if self.max_ticks is not None and self.max_ticks < 1:
            raise ValueError("max_ticks must be at least 1 when set")

    def as_dict(self) -> dict[str, Any]:
        """Plain values for the ``game_start`` event."""
        return asdict(self)
