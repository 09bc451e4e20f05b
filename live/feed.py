"""One room's feed (docs/api.md, live): a subscription to the room's messages shared by all its viewers
on this worker, released to them in batches.

It runs on the worker's event loop (uvicorn's, one per gunicorn worker), so a viewer joins a feed
between two awaits: it takes the feed's backlog and starts receiving its new messages at one point of
the stream, with nothing in between lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from nats.aio.client import Client as NATS

from contract.events import events_subject
from history.replay import CLOCK_SKEW_MARGIN, ReplayNotFound, latest_started_at
from live.follow import Batch
from live.sse import LiveMessage, live_message
from live.viewer import Viewer
from streaming.status import parse_server_time
from streaming.stream_reads import direct_get_batch, read_subject
from streaming.streams import REPUBLISH_PREFIX

if TYPE_CHECKING:
    from live.hub import Hub

logger = logging.getLogger("live.feed")

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
# The rooms' messages reach the feeds as the stream republishes them once stored (streaming/streams.py,
# RePublish): a core subscription a room, no consumer. A JetStream consumer a room and worker, at the tail
# of a stream of many rooms' interleaved subjects, made nats-server scan every message stored between two
# of its room's (a block's per-subject index gives a subject's first and last sequence, not the ones in
# between): 200 such consumers scanned everything stored 200 times, about twice nats-server's CPU per
# stored event with 100 rooms watched (bench live_load; bench/README.md). A republished copy carries its
# sequence, its subject and the sequence of the subject's message before it (Nats-Last-Sequence): a copy
# whose predecessor the feed has not had shows what a core subscription lost, and the feed reads the
# stream from its last message on (direct gets) before it releases anything later. A disconnect holds
# every feed until the reconnect's read (live/hub.py), so nothing lost meanwhile, of either subject,
# overtakes what came after it. (A copy lost while only the room's other subject went on, without a
# disconnect, is found after later ones went out: logged, it cannot go in its place any more.)
# A read that has not yet reached a copy's predecessor (a replica behind the stream's leader; direct gets
# may be served by any) is tried again this often, this many times; then the feed goes on without it.
RESYNC_RETRY_SECONDS = 0.1
RESYNC_ATTEMPTS = 50
# A feed that has heard nothing for this long asks the stream for its room's last messages (a direct get)
# in case the last copies were lost without a disconnect (a route between two NATS nodes broken).
FEED_PROBE_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Stored:
    """A message of the room as stored: from the stream (a read) or its republished copy."""

    seq: int
    subject: str
    data: bytes
    stored_at: float
    previous: int = 0  # the subject's message before it (Nats-Last-Sequence); 0 if none or unknown


def stored_from_headers(headers: dict[str, str], data: bytes, subject: str = "") -> Stored:
    """A message of the room from the headers it came with: a republished copy's or a direct get's (both
    carry Nats-Sequence, Nats-Subject and Nats-Time-Stamp; a copy also Nats-Last-Sequence, docs/contract.md)."""
    stamp = headers.get("Nats-Time-Stamp")
    return Stored(
        int(headers["Nats-Sequence"]),
        headers.get("Nats-Subject") or subject,
        data,
        parse_server_time(stamp).timestamp() if stamp else time.time(),
        int(headers.get("Nats-Last-Sequence") or 0),
    )


def republished(msg: Any) -> Stored:
    """A republished copy as the feed keeps it (the stream's RePublish)."""
    return stored_from_headers(msg.headers or {}, msg.data, msg.subject.removeprefix(REPUBLISH_PREFIX))


def room_subjects(room_id: str) -> str:
    """The room's events and moments: `game.{room_id}.*`."""
    return f"game.{room_id}.*"


def live_subject(room_id: str) -> str:
    """Where the stream republishes the room's messages."""
    return f"{REPUBLISH_PREFIX}{room_subjects(room_id)}"


async def read_room(client: NATS, room_id: str, start_seq: int) -> AsyncIterator[Stored]:
    """The room's stored messages from ``start_seq`` on, in stream order, through the stream's end (direct gets)."""
    async for stored in read_subject(client, room_subjects(room_id), start_seq=start_seq):
        yield stored_from_headers(stored.headers, stored.data)


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
        self.start_seq = 0  # the room's latest game_start: the feed has every message of the room from it
        self._last_of: dict[str, int] = {}  # each subject's last sequence the feed has (events, moments)
        self._held_back: list[Stored] | None = None  # copies heard while a read catches up; None when live
        self._resyncing: asyncio.Task[None] | None = None
        self.heard_at = 0.0  # time.monotonic() of the last copy heard or read (FEED_PROBE_SECONDS)
        self.resyncs = 0
        self._release_at: asyncio.TimerHandle | None = None
        self._subscription: Any = None
        self._linger: asyncio.TimerHandle | None = None
        self._match_ids: dict[datetime, asyncio.Future[str | None]] = {}

    async def start(self) -> None:
        """Subscribe to the room's copies, then read the stream from the game_start of its latest match;
        ready once the read is through and the copies heard meanwhile are in."""
        client = await self.hub.client()
        start_seq = await _latest_game_start_seq(client, self.room_id)
        if start_seq is None:
            raise ReplayNotFound(f"room {self.room_id!r} has no match in the stream")
        self.start_seq, self.last_seq = start_seq, start_seq - 1
        self._held_back = []
        self._subscription = await client.subscribe(live_subject(self.room_id), cb=self._on_live)
        await client.flush()  # the server has the interest: what is stored after the read's end is heard
        self.resync()
        await asyncio.wait_for(self.ready.wait(), timeout=FEED_READY_SECONDS)

    async def _on_live(self, msg: Any) -> None:
        self.heard_at = time.monotonic()
        self.take(republished(msg))

    def take(self, message: Stored) -> None:
        """A republished copy: released in order, or held back while a read catches up (one starts when the
        copy's predecessor is one the feed never had)."""
        if self._held_back is not None:
            self._held_back.append(message)
        elif message.seq > self.last_seq:
            if message.previous > self.last_seq:
                self._held_back = [message]
                self.resync()
            else:
                self._add(message)
                self._release()

    def _check_lost(self, message: Stored) -> None:
        """Says so when ``message``'s predecessor is behind the feed's last message and the feed never had
        it (lost while the other subject's messages went on: a copy dropped as the subscription fell
        behind, or a route between NATS nodes broken): it cannot go out in its place any more; a viewer
        that resumes from before it reads it from the stream."""
        known = max(self._last_of.get(message.subject, 0), self.start_seq - 1)
        if known < message.previous <= self.last_seq:
            logger.warning("live feed missed room_id=%s seq=%d", self.room_id, message.previous)

    def hold(self) -> None:
        """Release nothing more until the next ``resync`` has read the stream (NATS disconnected: copies
        stored meanwhile are lost, and later ones must not overtake them)."""
        if self._held_back is None:
            self._held_back = []

    def resync(self) -> None:
        """Read the stream from the feed's last message on, then release what was held back, in order."""
        self.hold()
        if self._resyncing is None or self._resyncing.done():
            self._resyncing = asyncio.ensure_future(self._resync())

    async def _resync(self) -> None:
        self.resyncs += 1
        attempts = 0
        while True:
            try:
                read = await self._read_after(self.last_seq)
            except Exception as error:  # NATS away: the reconnect's resync or the next attempt reads it
                logger.warning("live feed read failed room_id=%s error=%s", self.room_id, error)
                await asyncio.sleep(RESYNC_RETRY_SECONDS * 10)
                continue
            # All at once, no await between: one batch for the viewers whatever the read's size (a catch-up
            # of thousands released over several flushes outgrew a viewer's queue: dropped as too slow).
            for message in read:
                self._add(message)
            held = sorted(self._held_back or (), key=lambda m: m.seq)
            self._held_back = None
            while held and held[0].previous <= self.last_seq:
                self._add(held.pop(0))
            attempts += 1
            if held and attempts < RESYNC_ATTEMPTS:
                self._held_back = held  # the read came from a replica behind the copies: read again
                self._release()
                await asyncio.sleep(RESYNC_RETRY_SECONDS)
                continue
            if held:
                logger.warning("live feed gave up waiting room_id=%s seq=%d", self.room_id, held[0].seq)
            for message in held:
                self._add(message)
            self._release()
            self.ready.set()
            return

    async def _read_after(self, after: int) -> list[Stored]:
        """The room's stored messages after sequence ``after``, through the stream's end."""
        client = await self.hub.client()
        found = [stored async for stored in read_room(client, self.room_id, after + 1)]
        self.heard_at = time.monotonic()
        return found

    async def probe(self) -> None:
        """The room's last stored messages against the feed's (FEED_PROBE_SECONDS): a resync if it missed one."""
        if self._held_back is not None or time.monotonic() - self.heard_at < FEED_PROBE_SECONDS:
            return
        self.heard_at = time.monotonic()
        client = await self.hub.client()
        request = {"multi_last": [f"game.{self.room_id}.events", f"game.{self.room_id}.moments"], "batch": 2}
        stored, _ = await direct_get_batch(client, request)
        if any(message.seq > self.last_seq for message in stored):
            self.resync()

    def _add(self, stored: Stored) -> None:
        """The next message of the room, in stream order, into the feed (held until LIVE_DELAY_SECONDS)."""
        if stored.seq <= self.last_seq:
            return
        self._check_lost(stored)
        self.last_seq = stored.seq
        self._last_of[stored.subject] = stored.seq
        message = live_message(stored.seq, stored.subject, stored.data, stored.stored_at)
        if message is not None:
            self.last_stored_at = message.stored_at
            self._held.append(message)

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
        for handle in (self._flush_at, self._release_at, self._resyncing):
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
