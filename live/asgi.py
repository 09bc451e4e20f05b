"""`GET /api/live/rooms/{room_id}` as a bare ASGI application (config/asgi.py sends the path here).

The one route a thousand viewers hold at once, each woken for every batch of its room: Django's handler
costs each stream two tasks and a request, and each batch a walk through StreamingHttpResponse's
generators before it reaches the server (bench live: a thousand viewers of one room kept both workers'
CPUs busy and their p99 at seconds). Here a stream is one coroutine writing to uvicorn's `send`; the
answers are those of docs/api.md, byte for byte (live/views.py keeps the route for Django's URL list,
the schema and WSGI's 503).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings

from accounts.addresses import address_from
from contract.events import ROOM_ID_PATTERN
from history.replay import ReplayNotFound
from live.hub import TooManyStreams, hub
from live.rooms import NotLive, fresh_follow, resumed_follow, room_frames
from live.sse import parse_last_event_id
from live.viewer import Viewer

PREFIX = "/api/live/rooms/"
SSE_HEADERS = [
    (b"content-type", b"text/event-stream"),
    (b"cache-control", b"no-cache, no-store"),
    (b"x-accel-buffering", b"no"),  # nginx and its kind pass each message on at once
    (b"x-content-type-options", b"nosniff"),
]


async def room_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The room's match as it is played: from its game_start (or after Last-Event-ID), then as it happens."""
    room_id = scope["path"][len(PREFIX) :].removesuffix("/")
    if scope["method"] not in ("GET", "HEAD"):
        detail = {"detail": f'Method "{scope["method"]}" not allowed.'}
        return await _json(send, 405, detail, [(b"allow", b"GET, HEAD")])
    if not ROOM_ID_PATTERN.fullmatch(room_id):
        return await _json(send, 404, {"detail": "No such room."})
    headers = dict(scope["headers"])
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    after = parse_last_event_id(
        (headers.get(b"last-event-id") or b"").decode("latin-1") or (query.get("last_event_id") or [None])[0]
    )
    current = hub()
    try:
        client = await current.client()
        feed = await current.feed(room_id)
        follow = await resumed_follow(client, room_id, after) if after else fresh_follow(feed)
    except (ReplayNotFound, NotLive) as error:
        return await _json(send, 404, {"detail": f"No match is being played in this room: {error}"})
    except (ConnectionError, TimeoutError, OSError) as error:
        detail = f"The event stream cannot be reached now ({error.__class__.__name__}); try again shortly."
        return await _json(send, 503, {"detail": detail})
    forwarded = headers.get(b"x-forwarded-for")
    address = address_from(
        remote_addr=(scope.get("client") or ("", 0))[0],
        forwarded_for=forwarded.decode("latin-1") if forwarded else None,
        trusted_proxies=settings.TRUSTED_PROXY_COUNT,
    )
    try:
        viewer = await current.open_stream(address)
    except TooManyStreams:
        limit = settings.LIVE_CONNECTIONS_PER_ADDRESS
        detail = {"detail": f"At most {limit} live streams per address; close one first."}
        return await _json(send, 429, detail, [(b"retry-after", b"10")])
    try:
        await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
        if scope["method"] == "HEAD":
            return await send({"type": "http.response.body", "body": b""})
        gone = asyncio.ensure_future(_disconnected(receive, viewer))
        try:
            await _write(send, room_frames(client, feed, viewer, follow, resumed=after is not None))
        finally:
            gone.cancel()
    finally:
        current.close_stream(address, viewer)


async def _write(send: Any, frames: AsyncIterator[bytes]) -> None:
    try:
        async for chunk in frames:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    finally:
        await frames.aclose()
    await send({"type": "http.response.body", "body": b""})


async def _disconnected(receive: Any, viewer: Viewer) -> None:
    """The client went: the stream ends at once (not at its next write, up to a heartbeat away)."""
    while (await receive())["type"] != "http.disconnect":
        pass
    viewer.dropped = True  # as for a viewer too slow: no more writes, no retry hint
    viewer.wake.set()


async def _json(send: Any, status: int, body: dict[str, Any], extra: list[tuple[bytes, bytes]] = ()) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
