"""Which stored messages of a room belong to the match a viewer follows: pure, no I/O (docs/api.md, live).

Messages come in stream order, from the stream's backlog and then from the live subscription, and may
overlap where the two meet: a message at or below the last sequence seen is skipped, so each is sent
once. The match's events run from its game_start to its game_end (or the next game_start, for a match
that never ended); its moments are those whose ``data.started_at`` is the match's.
"""

from __future__ import annotations

from datetime import datetime

from live.sse import LiveMessage


class MatchFollow:
    def __init__(self, started_at: datetime, *, after_seq: int = 0, in_match: bool = False, ended: bool = False):
        self.started_at = started_at
        self.last_seq = after_seq
        self.in_match = in_match
        self.ended = ended
        # When the stream stored the game_end (epoch seconds): the moments still due arrive soon after it.
        self.ended_at: float | None = None

    def accept(self, message: LiveMessage) -> bool:
        """True when ``message`` is to be sent: new, and of this match."""
        if message.seq <= self.last_seq:
            return False
        self.last_seq = message.seq
        if message.is_moment:
            return message.started_at == self.started_at
        if self.ended:
            return False
        if message.type == "game_start":
            if message.started_at == self.started_at:
                self.in_match = True
                return True
            if self.in_match:  # the next match began without our game_end: ours is over
                self._end(message.stored_at)
            return False
        if not self.in_match:
            return False
        if message.type == "game_end":
            self._end(message.stored_at)
        return True

    def _end(self, stored_at: float) -> None:
        self.ended = True
        self.ended_at = stored_at
