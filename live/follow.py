"""Which stored messages of a room belong to the match a viewer follows: pure, no I/O (docs/api.md, live).

Messages come in stream order, from the stream's backlog and then from the live subscription, and may
overlap where the two meet: a message at or below the last sequence seen is skipped, so each is sent
once. The match's events run from its game_start to its game_end (or the next game_start, for a match
that never ended); its moments are those whose ``data.started_at`` is the match's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from live.sse import LiveMessage


@dataclass(frozen=True, slots=True)
class Batch:
    """Messages of a room released together to all its viewers, their frames joined once.

    ``plain`` when no message in it changes what a follower accepts (no game_start or game_end, no
    moment of another match than ``started_at``, the room's current match): a viewer following that
    match and behind the batch's first sequence takes ``frames`` whole, the same bytes for all."""

    messages: tuple[LiveMessage, ...]
    started_at: datetime | None
    frames: bytes = field(init=False)
    plain: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "frames", b"".join(message.frame for message in self.messages))
        plain = self.started_at is not None and all(
            message.started_at == self.started_at
            if message.is_moment
            else message.type not in ("game_start", "game_end")
            for message in self.messages
        )
        object.__setattr__(self, "plain", plain)


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

    def frames(self, batch: Batch) -> bytes:
        """The bytes of ``batch`` this follower is due: the batch's shared frames when it takes it all."""
        messages = batch.messages
        if (
            batch.plain
            and self.in_match
            and not self.ended
            and batch.started_at == self.started_at
            and messages
            and self.last_seq < messages[0].seq
        ):
            self.last_seq = messages[-1].seq
            return batch.frames
        return b"".join(message.frame for message in messages if self.accept(message))

    def _end(self, stored_at: float) -> None:
        self.ended = True
        self.ended_at = stored_at
