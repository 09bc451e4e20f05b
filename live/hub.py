"""The web process's side of the live routes (docs/api.md, live): one NATS connection, the rooms' feeds
(live/feed.py: one subscription per watched room, shared by all its viewers), the open streams
(live/viewer.py: a bounded queue each), their count per address, heartbeats and SIGTERM.

Everything here runs on the worker's event loop (uvicorn's, one per gunicorn worker).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections
from nats.aio.client import Client as NATS

from live.feed import RoomFeed
from live.limits import AddressCounts
from live.viewer import Viewer
from streaming.connection import connect

logger = logging.getLogger("live.hub")

# A stream silent this long gets a comment line (proxies and browsers keep it open); checked this often.
HEARTBEAT_SECONDS = 15.0
HEARTBEAT_CHECK_SECONDS = 5.0


class TooManyStreams(Exception):
    """The client address has LIVE_CONNECTIONS_PER_ADDRESS streams open on this process already."""


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
        self._probing: asyncio.Future[None] | None = None
        self.viewers: set[Viewer] = set()
        self.dropped = 0
        self.stopping = False
        self.extensions: dict[str, Any] = {}  # the live list and the notifications, made on first use
        self._install_sigterm()

    async def client(self) -> NATS:
        """The process's NATS connection (streaming/connection.py: stale detection, reconnects forever)."""
        async with self._connecting:
            if self._client is None:
                self._client = await connect(
                    "live-web",
                    retry_forever=False,
                    on_disconnected=self._disconnected,
                    on_reconnected=self._reconnected,
                )
            return self._client

    async def _disconnected(self) -> None:
        # The rooms' copies stored while disconnected are lost (core subscriptions): every feed holds what
        # comes next until its read of the stream after the reconnect (live/feed.py).
        for feed in self.feeds.values():
            feed.hold()

    async def _reconnected(self) -> None:
        for feed in self.feeds.values():
            feed.resync()

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
        0.4 us, and a crowded room's viewers wait once a flush). Each quiet feed asks the stream whether it
        missed its room's last messages (live/feed.py, FEED_PROBE_SECONDS)."""
        while True:
            await asyncio.sleep(HEARTBEAT_CHECK_SECONDS)
            if self._probing is None or self._probing.done():  # beside the heartbeats, never holding them up
                self._probing = asyncio.ensure_future(self._probe_feeds())
            idle_since = time.monotonic() - HEARTBEAT_SECONDS
            for viewer in self.viewers:
                if viewer.wrote_at <= idle_since:
                    viewer.beat = True
                    viewer.wake.set()

    async def _probe_feeds(self) -> None:
        feeds = list(self.feeds.values())
        results = await asyncio.gather(*(feed.probe() for feed in feeds), return_exceptions=True)
        for feed, result in zip(feeds, results, strict=True):
            if isinstance(result, Exception):  # NATS away: the reconnect's resync covers it
                logger.debug("live feed probe failed room_id=%s error=%s", feed.room_id, result)

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
