"""One open live stream's side of the fan-out (docs/api.md, live): what it is due, and whether it is over.

Pure bookkeeping on the worker's event loop: the room feeds (live/feed.py), the live list and the
notifications offer to it; the stream's coroutine (live/asgi.py, live/views.py) takes from it.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any

from django.conf import settings


class Viewer:
    """One open stream: a bounded queue of what it is due (shared frames and batches, so a few bytes
    each), and whether it was dropped for falling behind. A deque and one Event rather than an
    asyncio.Queue: the writer also wakes the stream to end it (dropped, closing), which a full Queue
    could not carry."""

    __slots__ = ("beat", "closing", "dropped", "limit", "queue", "queued", "wake", "writing", "wrote_at")

    def __init__(self) -> None:
        self.queue: deque[Any] = deque()
        self.queued = 0  # messages queued (a batch counts its messages)
        self.writing = 0  # messages taken by the stream and not yet accepted by its socket
        self.limit = settings.LIVE_QUEUE_MESSAGES
        self.dropped = False
        self.closing = False
        self.wake = asyncio.Event()
        self.beat = False  # the hub's heartbeat round found it silent (Hub._heartbeats)
        self.wrote_at = time.monotonic()

    def offer(self, item: Any, count: int = 1) -> bool:
        """Queue ``item`` (``count`` messages); False (and the viewer dropped) when what it has not yet
        sent, queued or still being written, would pass the limit: it is too slow. A viewer with nothing
        waiting takes any batch, however large (a burst of events within one flush): it is keeping up,
        and the batch's frames are shared. What is being written counts until the socket takes it (a
        write waits only when the client stopped reading), so a stalled client is dropped however few
        and large its batches are."""
        unsent = self.queued + self.writing
        if unsent and unsent + count > self.limit:
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
        """Everything queued, oldest first: being written until ``written()``."""
        taken = list(self.queue)
        self.queue.clear()
        self.writing, self.queued = self.queued, 0
        self.wake.clear()
        return taken

    def written(self) -> None:
        """The socket took what ``take()`` gave."""
        self.writing = 0

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
