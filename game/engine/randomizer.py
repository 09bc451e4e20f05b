"""The 7-bag randomiser: each run of seven pieces from a bag boundary holds every piece once."""

from __future__ import annotations

import random
from collections import deque

from game.engine.pieces import PIECES


class SevenBag:
    """An endless, seeded piece sequence with a look-ahead window."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._queue: deque[str] = deque()

    def _refill(self) -> None:
        bag = list(PIECES)
        self._rng.shuffle(bag)
        self._queue.extend(bag)

    def next(self) -> str:
        """Take the next piece."""
        if not self._queue:
            self._refill()
        return self._queue.popleft()

    def peek(self, count: int) -> list[str]:
        """The next ``count`` pieces, without taking them."""
        while len(self._queue) < count:
            self._refill()
        return list(self._queue)[:count]
