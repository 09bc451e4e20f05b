"""`GET /api/live/status` (docs/api.md, live): the streaming status page's figures (streaming/admin.py)
every 2 s, for the admin's page to move without reloads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from nats.aio.client import Client as NATS

from live.sse import json_frame, retry_frame
from live.viewer import Viewer
from streaming.admin import consumer_rows, stream_summary
from streaming.status import read_streaming_state

STATUS_INTERVAL_SECONDS = 2.0


async def status_frames(client: NATS, viewer: Viewer) -> AsyncIterator[bytes]:
    yield retry_frame()
    while not viewer.closing:
        try:
            state = await asyncio.wait_for(read_streaming_state(client), timeout=STATUS_INTERVAL_SECONDS * 2)
        except Exception as error:  # NATS away: said in the figures, the stream stays open
            yield json_frame("status", {"error": f"{error.__class__.__name__}: {error}"})
        else:
            streams = [stream_summary(name, info) for name, info in state.streams.items()]
            yield json_frame("status", {"streams": streams, "consumers": consumer_rows(state)}, None)
        try:
            await asyncio.wait_for(viewer.wake.wait(), timeout=STATUS_INTERVAL_SECONDS)
        except TimeoutError:
            continue
    yield retry_frame()
