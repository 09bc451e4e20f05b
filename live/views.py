"""The live routes (docs/api.md, live): Server-Sent Events from the stream, as async views under ASGI.

Plain Django async views, not DRF's (DRF's views are sync: each open stream would hold a thread). The
answers keep the API's shapes: JSON `{"detail"}` errors, the JWT in the Authorization header for the
caller's own stream.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt
from nats.js.errors import NotFoundError
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken

from accounts.addresses import client_address
from live.hub import Hub, TooManyStreams, extension, hub
from live.index import LiveIndex
from live.mine import Notifications
from live.sse import HEARTBEAT, json_frame, parse_last_event_id, retry_frame
from live.status import status_frames
from live.viewer import Viewer


def _error(status: int, detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def _unavailable(error: BaseException) -> JsonResponse:
    return _error(503, f"The event stream cannot be reached now ({error.__class__.__name__}); try again shortly.")


def _get_only(view: Callable[..., Awaitable[HttpResponse]]) -> Callable[..., Awaitable[HttpResponse]]:
    """405 with `Allow` for any other method, in the API's JSON shape (DRF's views answer so). Exempt
    from the CSRF check, as DRF's views are: it would answer an unknown method 403 before this 405, and a
    GET changes nothing."""

    @csrf_exempt
    @functools.wraps(view)
    async def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            response = _error(405, f'Method "{request.method}" not allowed.')
            response["Allow"] = "GET, HEAD"
            return response
        return await view(request, *args, **kwargs)

    return checked


def _asgi_only(view: Callable[..., Awaitable[HttpResponse]] | None = None, *, signed_in: bool = False) -> Any:
    """503 for a stream asked of a WSGI server (runserver, the tests' live server): Django would gather
    the whole endless stream before answering, holding a thread for good. Only config/asgi.py streams.
    A ``signed_in`` route answers a caller with neither token nor session 401 first, there as here."""

    def decorate(view: Callable[..., Awaitable[HttpResponse]]) -> Callable[..., Awaitable[HttpResponse]]:
        @_get_only
        @functools.wraps(view)
        async def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if isinstance(request, WSGIRequest):
                tokenless = signed_in and "Authorization" not in request.headers
                if tokenless and not (await request.auser()).is_authenticated:
                    return _error(401, "Sign in: send the access token in the Authorization header.")
                return _error(503, "Live streams are served only under ASGI (config/asgi.py); try again shortly.")
            return await view(request, *args, **kwargs)

        return checked

    return decorate(view) if view is not None else decorate


async def _stream(request: HttpRequest, current: Hub, frames_of: Callable) -> HttpResponse:
    """An SSE response counted against the caller's address until it closes; 429 past the limit."""
    address = client_address(request)
    try:
        viewer = await current.open_stream(address)
    except TooManyStreams:
        limit = settings.LIVE_CONNECTIONS_PER_ADDRESS
        response = _error(429, f"At most {limit} live streams per address; close one first.")
        response["Retry-After"] = "10"
        return response
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            current.close_stream(address, viewer)

    async def frames() -> AsyncIterator[bytes]:
        try:
            async for chunk in frames_of(viewer):
                yield chunk
        finally:
            release()

    response = StreamingHttpResponse(frames(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx and its kind pass each message on at once
    # Django closes the response when the client goes or the stream ends: the count follows it even
    # when the generator never started.
    response._resource_closers.append(release)
    return response


def _last_event_id(request: HttpRequest) -> int | None:
    return parse_last_event_id(request.headers.get("Last-Event-ID") or request.GET.get("last_event_id"))


@_get_only
async def live_matches(request: HttpRequest) -> HttpResponse:
    """GET /api/live/matches: the matches being played now, newest first."""
    try:
        index = await asyncio.wait_for(extension("index", LiveIndex).started(), timeout=10)
    except NotFoundError:  # no GAME_EVENTS yet: nothing is being played
        return JsonResponse([], safe=False)
    except (ConnectionError, TimeoutError, OSError) as error:
        return _unavailable(error)
    return JsonResponse(index.listing(), safe=False)


@_asgi_only
async def live_matches_stream(request: HttpRequest) -> HttpResponse:
    """GET /api/live/matches/stream: a `snapshot`, then `match_started` and `match_ended`."""
    current = hub()
    try:
        index = await asyncio.wait_for(extension("index", LiveIndex).started(), timeout=10)
    except (ConnectionError, TimeoutError, OSError) as error:
        return _unavailable(error)

    async def frames_of(viewer: Viewer) -> AsyncIterator[bytes]:
        index.listeners.add(viewer)
        try:
            yield retry_frame() + json_frame("snapshot", index.listing())
            async for chunk in _relay(viewer):
                yield chunk
        finally:
            index.listeners.discard(viewer)

    return await _stream(request, current, frames_of)


@_asgi_only
async def room_stream(request: HttpRequest, room_id: str) -> HttpResponse:
    """GET /api/live/rooms/{room_id}: served by live/asgi.py (config/asgi.py routes it there, before
    Django); here for the URL list, the schema and WSGI's 503, and for an ASGI server started on
    Django's own handler, which gets the same 503."""
    return _error(503, "Live streams are served only by config/asgi.py; try again shortly.")


@_asgi_only(signed_in=True)
async def me_events(request: HttpRequest) -> HttpResponse:
    """GET /api/me/events: `match_recorded {match_id}` when a match of the caller's is recorded."""
    try:
        found = await sync_to_async(JWTAuthentication().authenticate)(request)
    except (InvalidToken, AuthenticationFailed):
        found = None
    if found is None:
        return _error(401, "Sign in: send the access token in the Authorization header.")
    user_id = str(found[0].pk)
    current = hub()
    after = _last_event_id(request)
    try:
        mine = await asyncio.wait_for(extension("mine", Notifications).started(), timeout=10)
    except (ConnectionError, TimeoutError, OSError) as error:
        return _unavailable(error)

    async def frames_of(viewer: Viewer) -> AsyncIterator[bytes]:
        mine.join(user_id, viewer)  # first: what is stored from now on comes here, the rest from the stream
        try:
            yield retry_frame()
            last = 0
            if after:
                missed = await mine.missed(user_id, after)
                if missed:
                    last = missed[-1][0]
                    yield b"".join(data for _, data in missed)

            def render(items: list[tuple[int, bytes]]) -> bytes:
                nonlocal last
                fresh = [data for seq, data in items if seq > last]
                last = max(last, *(seq for seq, _ in items))
                return b"".join(fresh)

            async for chunk in _relay(viewer, render):
                yield chunk
        finally:
            mine.leave(user_id, viewer)

    return await _stream(request, current, frames_of)


@_asgi_only(signed_in=True)
async def live_status(request: HttpRequest) -> HttpResponse:
    """GET /api/live/status: the streaming status page's figures every 2 s, for staff (a session or a JWT)."""
    user = await request.auser()
    if not user.is_authenticated:
        try:
            found = await sync_to_async(JWTAuthentication().authenticate)(request)
        except (InvalidToken, AuthenticationFailed):
            found = None
        user = found[0] if found else user
    if not user.is_authenticated:
        return _error(401, "Sign in as staff.")
    if not user.is_staff:
        return _error(403, "Staff only.")
    current = hub()
    try:
        client = await current.client()
    except (ConnectionError, TimeoutError, OSError) as error:
        return _unavailable(error)
    return await _stream(request, current, lambda viewer: status_frames(client, viewer))


async def _relay(viewer: Viewer, render: Callable[[list[Any]], bytes] = b"".join) -> AsyncIterator[bytes]:
    """Frames queued for ``viewer`` as they come, a heartbeat after HEARTBEAT_SECONDS of silence; ends when
    the viewer is dropped (too slow) or the process stops (with a retry hint)."""
    while True:
        if viewer.closing:
            yield retry_frame()
            return
        if viewer.dropped:
            return
        if not viewer.queue and not viewer.beat:
            await viewer.wake.wait()  # woken by a message, the hub's heartbeat round (Hub._heartbeats) or SIGTERM
        if viewer.dropped or viewer.closing:
            continue
        if viewer.heartbeat():
            yield HEARTBEAT
            continue
        viewer.wrote_at = time.monotonic()
        taken = viewer.take()
        data = render(taken) if taken else b""
        if data:
            yield data
        viewer.written()
