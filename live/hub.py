"""The web process's side of the live routes (docs/api.md, live): one NATS connection, one subscription per
watched room shared by all its viewers, a bounded queue per viewer.

Everything here runs on the worker's event loop (uvicorn's, one per gunicorn worker), so a viewer joins
a feed between two awaits: it takes the feed's backlog and starts receiving its new messages at one
point of the stream, with nothing in between lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from nats.aio.client import Client as NATS
from nats.js.api import ConsumerConfig, DeliverPolicy

from contract.events import events_subject
from history.replay import CLOCK_SKEW_MARGIN, ReplayNotFound, latest_started_at
from live.follow import Batch
from live.limits import AddressCounts
from live.sse import LiveMessage, live_message
from streaming.connection import connect
from streaming.stream_reads import read_subject

logger = logging.getLogger("live.hub")

# A feed nobody watches is kept this long: a viewer's reconnect finds it still caught up.
FEED_LINGER_SECONDS = 10.0
# How long a new feed may take to read its match's backlog before the viewer is answered 503.
FEED_READY_SECONDS = 10.0
# A stream silent this long gets a comment line (proxies and browsers keep it open); checked this often.
HEARTBEAT_SECONDS = 15.0
HEARTBEAT_CHECK_SECONDS = 5.0
# A feed sends its new messages to its viewers at most every FLUSH_SECONDS, or FLUSH_PER_VIEWER_SECONDS
# per viewer when that is longer: the price of a write per viewer (a wake, a send: some 40 us) is paid
# once per flush whatever the room's event rate, and a crowded room's flushes are spaced so that they
# cost a bounded share of the worker's time. When the worker's loop runs late (its CPU shared with more
# than it can do: the flush timer fires late), the spacing grows, up to FLUSH_MAX_SECONDS, rather than
# the backlog: a later, larger batch costs the same writes. The latency it adds is at most the spacing.
FLUSH_SECONDS = 0.05
FLUSH_PER_VIEWER_SECONDS = 0.0002
FLUSH_MAX_SECONDS = 0.2


class TooManyStreams(Exception):
    """The client address has LIVE_CONNECTIONS_PER_ADDRESS streams open on this process already."""


class Viewer:
    """One open stream: a bounded queue of what it is due (shared frames and batches, so a few bytes
    each), and whether it was dropped for falling behind. A deque and one Event rather than an
    asyncio.Queue: the writer also wakes the stream to end it (dropped, closing), which a full Queue
    could not carry."""

    __slots__ = ("beat", "closing", "dropped", "limit", "queue", "queued", "wake", "wrote_at")

    def __init__(self) -> None:
        self.queue: deque[Any] = deque()
        self.queued = 0  # messages queued (a batch counts its messages)
        self.limit = settings.LIVE_QUEUE_MESSAGES
        self.dropped = False
        self.closing = False
        self.wake = asyncio.Event()
        self.beat = False  # the hub's heartbeat round found it silent (Hub._heartbeats)
        self.wrote_at = time.monotonic()

    def offer(self, item: Any, count: int = 1) -> bool:
        """Queue ``item`` (``count`` messages); False (and the viewer dropped) when its queue would
        overflow: it is too slow. A viewer with nothing waiting takes any batch, however large (a burst
        of events within one flush): it is keeping up, and the batch's frames are shared."""
        if self.queue and self.queued + count > self.limit:
            self.dropped = True
            self.queue.clear()
            self.queued = 0
            self.wake.set()
            return False
        self.queue.append(item)
        self.queued += count
        self.wake.set()
        return True

    def take(self) -> list[Any]:
        """Everything queued, oldest first."""
        taken = list(self.queue)
        self.queue.clear()
        self.queued = 0
        self.wake.clear()
        return taken

    def heartbeat(self) -> bool:
        """True, once, when the stream is due a heartbeat and has nothing else to send (what is queued is
        sent instead)."""
        if not self.beat:
            return False
        self.beat = False
        if self.queue:
            return False
        self.wake.clear()
        self.wrote_at = time.monotonic()
        return True

    def close(self) -> None:
        """The process is stopping: the stream ends and tells its client to reconnect elsewhere."""
        self.closing = True
        self.wake.set()


class RoomFeed:
    """One room's messages (events and moments) from its latest match's game_start on, and its viewers.

    Messages are released to the viewers LIVE_DELAY_SECONDS after the stream stored them, and sent in
    batches: every FLUSH_SECONDS at most, one Batch (its frames joined once) goes to every viewer, so a
    thousand viewers of a room at hundreds of events a second cost a thousand writes per flush, not per
    event (bench live)."""

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
        self._flush_due = 0.0
        self._spacing = FLUSH_SECONDS
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
        # delivered after a reconnect or a missed heartbeat, so a blink of NATS loses nothing.
        self._subscription = await client.jetstream().subscribe(
            f"game.{self.room_id}.*",
            stream=settings.GAME_EVENTS_STREAM,
            ordered_consumer=True,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=start_seq),
            cb=self._on_message,
        )
        await asyncio.wait_for(self.ready.wait(), timeout=FEED_READY_SECONDS)

    async def _on_message(self, msg: Any) -> None:
        metadata = msg.metadata
        seq = metadata.sequence.stream
        if seq <= self.last_seq:
            return
        message = live_message(seq, msg.subject, msg.data, metadata.timestamp.timestamp())
        self.last_seq = seq
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
            least = min(FLUSH_MAX_SECONDS, max(FLUSH_SECONDS, len(self.viewers) * FLUSH_PER_VIEWER_SECONDS))
            self._spacing = max(least, self._spacing)
            self._flush_due = loop.time() + self._spacing
            self._flush_at = loop.call_at(self._flush_due, self._flush)

    def _release_due(self) -> None:
        self._release_at = None
        self._release()

    def _flush(self) -> None:
        self._flush_at = None
        # Late by over half the spacing: the loop has more to do than time; space the next flush more.
        late = asyncio.get_running_loop().time() - self._flush_due
        if late > self._spacing / 2:
            self._spacing = min(FLUSH_MAX_SECONDS, self._spacing * 1.5)
        elif late < self._spacing / 10:
            self._spacing = max(FLUSH_SECONDS, self._spacing * 0.9)
        if not self._pending:
            return
        first = self.backlog[0] if self.backlog else None
        batch = Batch(tuple(self._pending), first.started_at if first and first.type == "game_start" else None)
        self._pending = []
        for viewer in list(self.viewers):
            if not viewer.offer(batch, len(batch.messages)):
                self.viewers.discard(viewer)
                self.hub.dropped += 1

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


class Hub:
    """Per web process: the NATS connection, the rooms' feeds, the streams open per client address."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._client: NATS | None = None
        self._connecting = asyncio.Lock()
        self.feeds: dict[str, RoomFeed] = {}
        self._starting: dict[str, asyncio.Task[RoomFeed]] = {}
        self._stopping_feeds: set[asyncio.Future[None]] = set()
        self.counts = AddressCounts(self)
        self._beating: asyncio.Task[None] | None = None
        self.viewers: set[Viewer] = set()
        self.dropped = 0
        self.stopping = False
        self.extensions: dict[str, Any] = {}  # the live list and the notifications, made on first use
        self._install_sigterm()

    async def client(self) -> NATS:
        """The process's NATS connection (streaming/connection.py: stale detection, reconnects forever)."""
        async with self._connecting:
            if self._client is None:
                self._client = await connect("live-web", retry_forever=False)
            return self._client

    async def feed(self, room_id: str) -> RoomFeed:
        """The room's feed, started on first use; concurrent first viewers share one start."""
        feed = self.feeds.get(room_id)
        if feed is not None:
            return feed
        task = self._starting.get(room_id)
        if task is None:
            task = asyncio.ensure_future(self._start_feed(room_id))
            self._starting[room_id] = task
        return await asyncio.shield(task)

    async def _start_feed(self, room_id: str) -> RoomFeed:
        feed = RoomFeed(self, room_id)
        try:
            await feed.start()
        except BaseException:
            await feed.stop()
            raise
        finally:
            self._starting.pop(room_id, None)
        self.feeds[room_id] = feed
        return feed

    def forget(self, feed: RoomFeed) -> None:
        if self.feeds.get(feed.room_id) is feed:
            del self.feeds[feed.room_id]
        task = asyncio.ensure_future(feed.stop())
        self._stopping_feeds.add(task)  # held until done: a task only the loop references may be collected
        task.add_done_callback(self._stopping_feeds.discard)

    async def _heartbeats(self) -> None:
        """Wakes every stream silent for HEARTBEAT_SECONDS to send a comment line: one timer for the process,
        not one a stream a wait (an asyncio.timeout around a wait costs ~20 us under uvloop, the bare wait
        0.4 us, and a crowded room's viewers wait once a flush)."""
        while True:
            await asyncio.sleep(HEARTBEAT_CHECK_SECONDS)
            idle_since = time.monotonic() - HEARTBEAT_SECONDS
            for viewer in self.viewers:
                if viewer.wrote_at <= idle_since:
                    viewer.beat = True
                    viewer.wake.set()

    async def open_stream(self, address: str) -> Viewer:
        """A new stream of ``address``; TooManyStreams past LIVE_CONNECTIONS_PER_ADDRESS, counted across
        every worker (live/limits.py). Each opened stream is closed by ``close_stream``."""
        if not await self.counts.acquire(address):
            raise TooManyStreams(address)
        viewer = Viewer()
        self.viewers.add(viewer)
        if self._beating is None:
            self._beating = asyncio.ensure_future(self._heartbeats())
        if self.stopping:
            viewer.close()
        return viewer

    def close_stream(self, address: str, viewer: Viewer) -> None:
        self.viewers.discard(viewer)
        self.counts.release(address)

    def close_all(self) -> None:
        """SIGTERM: every open stream ends with a retry hint, so its client reconnects to another worker
        (with Last-Event-ID: nothing missed) instead of holding this one until the graceful timeout."""
        self.stopping = True
        for viewer in list(self.viewers):
            viewer.close()

    def _install_sigterm(self) -> None:
        # uvicorn's worker handles SIGTERM (stop accepting, wait for open responses): ours runs first and
        # ends the streams, then hands over. Only the main thread may set a handler; tests' threads skip.
        with contextlib.suppress(ValueError):
            previous = signal.getsignal(signal.SIGTERM)

            def on_sigterm(signum: int, frame: Any) -> None:
                self.loop.call_soon_threadsafe(self.close_all)
                if callable(previous):
                    previous(signum, frame)

            signal.signal(signal.SIGTERM, on_sigterm)


def outside_requests(query: Callable[[], Any]) -> Callable[[], Any]:
    """``query`` with the database connection retired before and after, if broken or aged, as Django's
    request_started/finished would: the feeds' and the live list's queries run outside any request (a
    NATS callback, the bare room route), in asgiref's one shared thread, whose connection nothing else
    would ever check."""

    def run() -> Any:
        close_old_connections()
        try:
            return query()
        finally:
            close_old_connections()

    return run


_hub: Hub | None = None


def hub() -> Hub:
    """This event loop's hub (one per worker process; a test's own loop gets its own)."""
    global _hub
    loop = asyncio.get_running_loop()
    if _hub is None or _hub.loop is not loop:
        _hub = Hub()
    return _hub


def extension(name: str, make: Callable[[Hub], Any]) -> Any:
    """A per-hub singleton (the live list, the notifications), made on first use."""
    current = hub()
    if name not in current.extensions:
        current.extensions[name] = make(current)
    return current.extensions[name]


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
