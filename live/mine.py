"""`GET /api/me/events` (docs/api.md, live): a player's own notifications, from a small stream.

The notifications (live/notify.py) are published on `notify.user.{user_id}`, which the stream
LIVE_NOTIFY keeps for an hour: each message's SSE id is its sequence there, so a client that reconnects
with `Last-Event-ID` gets the ones it missed, each once. A web process holds one subscription on
`notify.user.*`, shared by all its signed-in viewers (as the rooms' feeds are), never one per stream.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from nats.js.api import ConsumerConfig, DeliverPolicy

from live.hub import Hub
from live.notify import NOTIFY_STREAM, SUBJECT_PREFIX, ensure_notify_stream, user_subject
from live.sse import frame
from live.viewer import Viewer
from streaming.stream_reads import read_subject

logger = logging.getLogger("live.mine")


class Notifications:
    """Per web process: one ordered consumer on `notify.user.*`, and the viewers of each user."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.viewers: dict[str, set[Viewer]] = {}
        self._starting: asyncio.Task[None] | None = None

    async def started(self) -> Notifications:
        failed = self._starting is not None and self._starting.done() and self._starting.exception() is not None
        if self._starting is None or failed:  # a start that failed (NATS away) is tried again
            self._starting = asyncio.ensure_future(self._start())
        await asyncio.shield(self._starting)
        return self

    async def _start(self) -> None:
        client = await self.hub.client()
        js = client.jetstream()
        await ensure_notify_stream(js)
        await js.subscribe(
            f"{SUBJECT_PREFIX}*",
            stream=NOTIFY_STREAM,
            ordered_consumer=True,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.NEW),
            cb=self._on_message,
        )

    async def _on_message(self, msg: Any) -> None:
        user_id = msg.subject[len(SUBJECT_PREFIX) :]
        viewers = self.viewers.get(user_id)
        if not viewers:
            return
        seq = msg.metadata.sequence.stream
        item = (seq, frame("match_recorded", msg.data, seq))
        for viewer in list(viewers):
            viewer.offer(item)

    def join(self, user_id: str, viewer: Viewer) -> None:
        self.viewers.setdefault(user_id, set()).add(viewer)

    def leave(self, user_id: str, viewer: Viewer) -> None:
        viewers = self.viewers.get(user_id)
        if viewers is not None:
            viewers.discard(viewer)
            if not viewers:
                del self.viewers[user_id]

    async def missed(self, user_id: str, after: int) -> list[tuple[int, bytes]]:
        """The user's notifications stored after sequence ``after`` (a reconnect's Last-Event-ID)."""
        client = await self.hub.client()
        return [
            (stored.seq, frame("match_recorded", stored.data, stored.seq))
            async for stored in read_subject(client, user_subject(user_id), start_seq=after + 1, stream=NOTIFY_STREAM)
        ]
