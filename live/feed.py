"""One room's feed (docs/api.md, live): a subscription to the room's messages shared by all its viewers
on this worker, released to them in batches.

It runs on the worker's event loop (uvicorn's, one per gunicorn worker), so a viewer joins a feed
between two awaits: it takes the feed's backlog and starts receiving its new messages at one point of
the stream, with nothing in between lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from nats.aio.client import Client as NATS
from nats.js.api import ConsumerConfig, DeliverPolicy

from contract.events import events_subject
from history.replay import CLOCK_SKEW_MARGIN, ReplayNotFound, latest_started_at
from live.follow import Batch
from live.sse import LiveMessage, live_message
from live.viewer import Viewer
from streaming.stream_reads import read_subject

if TYPE_CHECKING:
    from live.hub import Hub

# A feed nobody watches is kept this long: a viewer's reconnect finds it still caught up.
FEED_LINGER_SECONDS = 10.0
# How long a new feed may take to read its match's backlog before the viewer is answered 503.
FEED_READY_SECONDS = 10.0
# A feed's flushes (its new messages written to every viewer) start at least FLUSH_SECONDS apart, and
# further when its sweeps (a flush's start to its last viewer's write; smoothed) take over
# FLUSH_SWEEP_SHARE of that: a crowded room's writes then take at most that share of the worker's
# time, measured rather than assumed (a write is mostly the kernel's: a loopback send and the reader's
# wake, 10-100 us as the machine's load goes), and a worker starved of CPU sweeps slower and spaces its
# flushes more, up to FLUSH_MAX_SECONDS: a later, larger batch costs the same writes. A message stored
# after a pause longer than the spacing goes out at once; else it waits for the next flush, at most the
# spacing, and then the sweep: a room of 500 viewers on a worker sweeping in 50 ms has its every viewer
# within 150 ms.
FLUSH_SECONDS = 0.05
FLUSH_SWEEP_SHARE = 0.5
FLUSH_MAX_SECONDS = 0.2
SWEEP_WEIGHT = 0.25  # of the last sweep in the smoothed one
# The ordered consumer's idle heartbeat: nats-py replaces a consumer that sent nothing for two of them,
# checked every two (nats/js/client.py, activity_check). Its default, 5 s, left a viewer without a message
# for 10-20 s when the NATS node holding the feed's consumer (R1, in memory) stopped; at 1 s it is 2-4 s,
# for a heartbeat a second on an idle room's feed.
FEED_HEARTBEAT_SECONDS = 1.0
# A message read this long after the stream stored it, with more of the room's stored behind it
# (num_pending), is the feed catching up (its consumer replaced after a NATS node stopped): the release
# waits until it has caught up, at most CATCH_UP_HOLD_SECONDS at a time, and the viewers get the whole
# catch-up as one batch. Released in the 50 ms flushes as it is read, a catch-up of a couple of thousand
# messages was several batches, and a viewer whose socket had not yet taken the first could have more
# unsent than LIVE_QUEUE_MESSAGES with the next ones: dropped as too slow, its stream ended (the
# likeliest reason the cluster test's stream ended in 2 CI runs of 5). A viewer with nothing unsent
# takes a batch of any size (live/viewer.py). A worker so starved that it reads live messages over a
# second late meets the same rule: fewer, bigger batches, which is what it needs then.
CATCH_UP_SECONDS = 1.0
CATCH_UP_HOLD_SECONDS = 1.0


class RoomFeed:
    """One room's messages (events and moments) from its latest match's game_start on, and its viewers.

    Messages are released to the viewers LIVE_DELAY_SECONDS after the stream stored them, and sent in
    batches: every FLUSH_SECONDS at most, one Batch (its frames encoded once, when the message arrived,
    and joined once) goes to every viewer, the same bytes, so a thousand viewers of a room at hundreds
    of events a second cost a thousand writes per flush, not per event (bench live)."""

    def __init__(self, hub: Hub, room_id: str) -> None:
        self.hub = hub
        self.room_id = room_id
        self.backlog: list[LiveMessage] = []  # released, the room's latest match only
        self.viewers: set[Viewer] = set()
        self.ready = asyncio.Event()
        self.last_seq = 0
        self.released_seq = 0  # the last sequence in the backlog or sent: a resumed viewer reads up to it
        self.last_stored_at = 0.0
        self._held: deque[LiveMessage] = deque()  # stored, not due yet (LIVE_DELAY_SECONDS)
        self._pending: list[LiveMessage] = []  # released, in the next batch
        self._flush_at: asyncio.TimerHandle | None = None
        self._flushed_at = float("-inf")  # the loop's time when the last flush started
        self._spacing = FLUSH_SECONDS
        self._sweep = 0.0  # the sweeps' smoothed time, seconds
        self._catching_up = False  # CATCH_UP_SECONDS
        self._release_at: asyncio.TimerHandle | None = None
        self._subscription: Any = None
        self._linger: asyncio.TimerHandle | None = None
        self._match_ids: dict[datetime, asyncio.Future[str | None]] = {}

    async def start(self) -> None:
        """Subscribe from the game_start of the room's latest match; ready once caught up with the stream."""
        client = await self.hub.client()
        start_seq = await _latest_game_start_seq(client, self.room_id)
        if start_seq is None:
            raise ReplayNotFound(f"room {self.room_id!r} has no match in the stream")
        # An ordered consumer: ephemeral, flow-controlled, recreated by nats-py from the last sequence it
        # delivered after a reconnect or two missed heartbeats, so a blink of NATS loses nothing.
        self._subscription = await client.jetstream().subscribe(
            f"game.{self.room_id}.*",
            stream=settings.GAME_EVENTS_STREAM,
            ordered_consumer=True,
            idle_heartbeat=FEED_HEARTBEAT_SECONDS,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=start_seq),
            cb=self._on_message,
        )
        await asyncio.wait_for(self.ready.wait(), timeout=FEED_READY_SECONDS)

    async def _on_message(self, msg: Any) -> None:
        metadata = msg.metadata
        seq = metadata.sequence.stream
        if seq <= self.last_seq:
            return
        stored_at = metadata.timestamp.timestamp()
        message = live_message(seq, msg.subject, msg.data, stored_at)
        self.last_seq = seq
        catching_up = metadata.num_pending > 0 and time.time() - stored_at > CATCH_UP_SECONDS
        if self._catching_up and not catching_up and self._flush_at is not None:
            self._flush_at.cancel()  # caught up: what was held goes at the next flush, as usual
            self._flush_at = None
        self._catching_up = catching_up
        if message is not None:
            self.last_stored_at = message.stored_at
            self._held.append(message)
        self._release()
        if metadata.num_pending == 0:
            self.ready.set()

    def _release(self) -> None:
        """Move the held messages that are due to the backlog and the next batch."""
        due_before = time.time() - settings.LIVE_DELAY_SECONDS
        while self._held and self._held[0].stored_at <= due_before:
            message = self._held.popleft()
            if message.type == "game_start" and not message.is_moment:
                self.backlog = []  # a new match: the backlog holds the room's latest match only
            self.backlog.append(message)
            self._pending.append(message)
            self.released_seq = message.seq
        loop = asyncio.get_running_loop()
        if self._held and self._release_at is None:
            wait = self._held[0].stored_at - due_before
            self._release_at = loop.call_later(max(wait, 0.001), self._release_due)
        if self._pending and self._flush_at is None:
            # Counted from the last flush's start, not from now: the messages that arrived during its
            # sweep (read once the loop was free again) do not wait a whole spacing more.
            at = max(loop.time(), self._flushed_at + self._spacing)
            if self._catching_up:
                at = max(at, loop.time() + CATCH_UP_HOLD_SECONDS)
            self._flush_at = loop.call_at(at, self._flush)

    def _release_due(self) -> None:
        self._release_at = None
        self._release()

    def _flush(self) -> None:
        self._flush_at = None
        if not self._pending:
            return
        loop = asyncio.get_running_loop()
        self._flushed_at = loop.time()
        first = self.backlog[0] if self.backlog else None
        batch = Batch(tuple(self._pending), first.started_at if first and first.type == "game_start" else None)
        self._pending = []
        for viewer in list(self.viewers):
            if not viewer.offer(batch, len(batch.messages)):
                self.viewers.discard(viewer)
                self.hub.dropped += 1
        # Each offer queued its viewer's wake; this runs after them, once every viewer has written.
        loop.call_soon(self._swept, self._flushed_at)

    def _swept(self, started: float) -> None:
        # Smoothed: one sweep held up (the worker descheduled, a garbage collection) does not double the
        # next wait; sweeps that stay slow raise it within a few flushes. Meanwhile the loop has at least
        # FLUSH_SECONDS after the slow one before the next flush: not one sweep after another, starved.
        sweep = asyncio.get_running_loop().time() - started
        self._sweep += SWEEP_WEIGHT * (sweep - self._sweep)
        spacing = max(FLUSH_SECONDS, self._sweep / FLUSH_SWEEP_SHARE, sweep + FLUSH_SECONDS)
        self._spacing = min(FLUSH_MAX_SECONDS, spacing)

    def match_id(self, started_at: datetime, find: Callable[[], Awaitable[str | None]]) -> asyncio.Future[str | None]:
        """The recorded match's id, asked of the database once for all the viewers that end together (a
        thousand queries at once before); asked afresh a second later (None: not recorded yet)."""
        known = self._match_ids.get(started_at)
        if known is None:
            known = self._match_ids[started_at] = asyncio.ensure_future(find())
            asyncio.get_running_loop().call_later(1.0, self._match_ids.pop, started_at, None)
        return known

    def join(self, viewer: Viewer) -> list[LiveMessage]:
        """Add ``viewer`` and return the backlog it starts from: no await, so nothing falls between the two."""
        if self._linger is not None:
            self._linger.cancel()
            self._linger = None
        self.viewers.add(viewer)
        return self.backlog[:]

    def leave(self, viewer: Viewer) -> None:
        self.viewers.discard(viewer)
        if not self.viewers and self._linger is None:
            self._linger = asyncio.get_running_loop().call_later(FEED_LINGER_SECONDS, self._expire)

    def _expire(self) -> None:
        self._linger = None
        if not self.viewers:
            self.hub.forget(self)

    async def stop(self) -> None:
        for handle in (self._flush_at, self._release_at):
            if handle is not None:
                handle.cancel()
        if self._subscription is not None:
            with contextlib.suppress(Exception):
                await self._subscription.unsubscribe()


async def _latest_game_start_seq(client: NATS, room_id: str) -> int | None:
    """The stream sequence of the game_start of the room's latest match; None when the room has none."""
    try:
        started_at = await latest_started_at(client, room_id)
    except ReplayNotFound:
        return None
    async for message in read_subject(client, events_subject(room_id), started_at - CLOCK_SKEW_MARGIN):
        parsed = live_message(message.seq, events_subject(room_id), message.data, 0.0)
        if parsed is not None and parsed.type == "game_start" and parsed.started_at is not None:
            if parsed.started_at == started_at:
                return message.seq
            if parsed.started_at > started_at:
                return None
    return None
