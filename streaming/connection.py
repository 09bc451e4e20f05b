"""The one place that connects to NATS: every server of NATS_URL, reconnecting forever, logging each blink.

Every connection pings its server often enough to call one that stopped answering dead within
NATS_STALE_SECONDS (a paused or half-open server keeps its connections open and answers nothing; with
nats-py's defaults, a ping every two minutes, that took minutes), then goes on through another server.

Retries never sleep through a recovery: a server is tried again at most SHORT_BACKOFF_SECONDS after its
last attempt began (2 s, the NATS clients' default) for the first REFUSING_PATIENCE_SECONDS of its
refusals; only a server that keeps refusing longer than that is left alone for up to 30 s at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import nats
from django.conf import settings
from nats.aio.client import Client as NATS
from nats.aio.client import Server
from nats.errors import Error as NatsError

from streaming.world import RepeatedWarnings

logger = logging.getLogger("streaming.connection")

MAX_BACKOFF_SECONDS = 30.0
# A brief connection's connect deadline (one look at the server for /healthz and the status pages).
BRIEF_TIMEOUT_SECONDS = 1.0

# While something refuses for less than REFUSING_PATIENCE_SECONDS (a node restarting, an election, an
# outage of a minute), a retry comes at most SHORT_BACKOFF_SECONDS after the last: a server that is
# back is used within about 2 s. Past the patience, the delays grow to MAX_BACKOFF_SECONDS.
SHORT_BACKOFF_SECONDS = 2.0
REFUSING_PATIENCE_SECONDS = 120.0
# Pings a server may leave unanswered: the next ping interval after the last of them calls it dead.
MAX_OUTSTANDING_PINGS = 2


def ping_interval(stale_seconds: float | None = None) -> float:
    """Seconds between pings so that a silent server is called dead ``stale_seconds`` after its last answer.

    nats-py counts a ping at each interval and gives up at the one past ``MAX_OUTSTANDING_PINGS``
    unanswered: that is ``MAX_OUTSTANDING_PINGS + 1`` intervals after the last PONG.
    """
    stale = settings.NATS_STALE_SECONDS if stale_seconds is None else stale_seconds
    return stale / (MAX_OUTSTANDING_PINGS + 1)


def retry_delays(
    first: float = 0.5,
    short_cap: float = SHORT_BACKOFF_SECONDS,
    patience: float = REFUSING_PATIENCE_SECONDS,
    cap: float = MAX_BACKOFF_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[float]:
    """Delays between retries of something that failed: doubling from ``first``, jittered, never over the cap.

    Capped at ``short_cap`` for ``patience`` seconds from the first delay taken (what fails that long is
    most likely coming back: it should be used as soon as it is), then at ``cap``. Make a new one after
    a success.
    """
    began: float | None = None
    delay = first
    while True:
        now = clock()
        if began is None:
            began = now
        limit = short_cap if now - began < patience else cap
        yield min(delay * random.uniform(0.8, 1.2), limit * random.uniform(0.9, 1.0))
        delay = min(delay * 2, cap)


def backoff_limit(failures: int, refusing_for: float) -> float:
    """Seconds between attempts at a server after ``failures`` in a row, refusing for ``refusing_for`` s."""
    if failures <= 0:
        return 0.0
    cap = SHORT_BACKOFF_SECONDS if refusing_for < REFUSING_PATIENCE_SECONDS else MAX_BACKOFF_SECONDS
    return min(cap, 0.25 * 2**failures)


class ReconnectPolicy:
    """nats-py's reconnect hook, one a client: the server to try next, and the wait before trying it.

    nats-py counts a server's failed attempts (``reconnects``) and sets it back to 0 once it accepted a
    connection. The wait is counted from the start of that server's last attempt, so that a server
    whose attempt took the whole connect timeout (a host that accepts and answers nothing) is tried
    again at once, and a server that refused is tried again within ``backoff_limit`` (2 s for the first
    two minutes of its refusals). The least-failed server goes first and, among equals, the one due
    soonest, so one that keeps refusing never holds up the others.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_attempt: dict[str, float] = {}
        self._refusing_since: dict[str, float] = {}

    def __call__(self, servers: list[Server], info: dict[str, Any]) -> tuple[Server, float]:
        now = self._clock()
        due: list[tuple[int, float, Server]] = []
        for server in servers:
            key = server.uri.netloc
            if server.reconnects == 0:
                self._refusing_since.pop(key, None)
                since = now
            else:
                since = self._refusing_since.setdefault(key, self._last_attempt.get(key, now))
            wait = backoff_limit(server.reconnects, now - since)
            ready_at = self._last_attempt.get(key, now) + wait if server.reconnects else now
            due.append((server.reconnects, ready_at, server))
        # The least-failed first (as nats-py's own round robin: a server that accepts TCP and never
        # answers gathers failures as fast as one that refuses), then the one due soonest.
        _, ready_at, server = min(due, key=lambda entry: (entry[0], entry[1]))
        delay = max(0.0, ready_at - now)
        if delay:
            delay *= random.uniform(0.8, 1.0)  # spread the clients of a restarted server, never past the limit
        self._last_attempt[server.uri.netloc] = now + delay
        return server, delay


async def connect(
    name: str,
    *,
    servers: list[str] | None = None,
    retry_forever: bool = True,
    should_stop: Callable[[], bool] | None = None,
    connect_timeout: float = 2.0,
    on_disconnected: Callable[[], Awaitable[None]] | None = None,
    on_reconnected: Callable[[], Awaitable[None]] | None = None,
) -> NATS:
    """Connect to NATS; once connected, reconnect forever with backoff, logging each disconnect.

    The first connection is retried with backoff too, unless ``retry_forever`` is False: then one
    round over the servers, and ConnectionError when none answers (for commands and HTTP requests).
    ``should_stop`` lets a shutting-down caller abandon the retries. ``on_disconnected`` and
    ``on_reconnected`` are awaited after the logging (nats-py: the first before the subscriptions are made
    again, the second once they are).
    """
    servers = servers or settings.NATS_SERVERS
    delays = retry_delays()
    while True:
        client = NATS()
        try:
            # nats-py would retry the first connection forever on its own (max_reconnect_attempts=-1),
            # deaf to shutdown: bound each round here instead.
            await asyncio.wait_for(
                client.connect(**_options(client, name, servers, connect_timeout, on_disconnected, on_reconnected)),
                timeout=connect_timeout * len(servers) + 1.0,
            )
            return client
        except (TimeoutError, OSError) as error:
            await _abandon(client)
            if not retry_forever:
                raise ConnectionError(f"cannot reach NATS at {','.join(servers)}; check NATS_URL") from error
        if should_stop is not None and should_stop():
            raise ConnectionError("stopped before NATS could be reached")
        delay = next(delays)
        logger.warning("nats unreachable name=%s servers=%s; retrying in %.1fs", name, ",".join(servers), delay)
        await _sleep_unless_stopping(delay, should_stop)


@contextlib.asynccontextmanager
async def brief_connection(connect_timeout: float = BRIEF_TIMEOUT_SECONDS) -> AsyncIterator[NATS]:
    """A connection for one look at the server: no reconnects, a short connect timeout, and the server's
    own reason (refused, unknown host, ...) when none of NATS_URL answers."""
    errors: list[Exception] = []

    async def remember(error: Exception) -> None:
        errors.append(error)  # reported once by the caller, instead of a traceback per attempt

    try:
        # max_reconnect_attempts=0 would mean "forever" to nats-py; 1 is one retry per server.
        client = await nats.connect(
            servers=settings.NATS_SERVERS,
            connect_timeout=connect_timeout,
            allow_reconnect=False,
            max_reconnect_attempts=1,
            reconnect_time_wait=0.1,
            error_cb=remember,
        )
    except Exception as error:
        raise (errors[-1] if errors else error) from error
    try:
        yield client
    finally:
        await client.close()


def _options(
    client: NATS,
    name: str,
    servers: list[str],
    connect_timeout: float,
    on_disconnected: Callable[[], Awaitable[None]] | None = None,
    on_reconnected: Callable[[], Awaitable[None]] | None = None,
) -> dict[str, Any]:
    async def disconnected() -> None:
        if client.is_closed or client.is_draining:
            logger.debug("nats connection closed name=%s", name)
        else:
            logger.warning("nats disconnected name=%s", name)
        if on_disconnected is not None:
            await on_disconnected()

    async def reconnected() -> None:
        server = client.connected_url.netloc if client.connected_url else "?"
        logger.warning("nats reconnected name=%s server=%s", name, server)
        if on_reconnected is not None:
            await on_reconnected()

    repeated = RepeatedWarnings(logger)  # a window resent while its first copy is stored answers 2,000 errors

    async def error(exc: Exception) -> None:
        if client.is_connected:
            # One of a kind an interval (the kind is in the message): a new kind of error is still logged at once.
            repeated.warning(f"nats error name=%s error={exc.__class__.__name__}: %s", name, exc)
        else:
            logger.debug("nats connect attempt failed name=%s error=%s", name, exc.__class__.__name__)

    return {
        "servers": servers,
        "name": name,
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 0.5,
        "reconnect_to_server_handler": ReconnectPolicy(),
        "connect_timeout": connect_timeout,
        "ping_interval": ping_interval(),
        "max_outstanding_pings": MAX_OUTSTANDING_PINGS,
        "allow_reconnect": True,
        "disconnected_cb": disconnected,
        "reconnected_cb": reconnected,
        "error_cb": error,
    }


async def _abandon(client: NATS) -> None:
    try:
        await client.close()
    except Exception:  # a half-open client may refuse to close; it holds nothing worth keeping
        logger.debug("closing an unconnected client failed", exc_info=True)


async def _sleep_unless_stopping(seconds: float, should_stop: Callable[[], bool] | None) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        if should_stop is not None and should_stop():
            return
        await asyncio.sleep(min(0.2, seconds))


class NatsLink:
    """The nats-py client a consumer publishes and reads with, given to it in its constructor.

    Made connected (``NatsLink(name, client)``, in tests and tools that hold a client already), or
    unconnected and opened by the runner at start (``open``) and closed by it at the end, so that a
    consumer is built before the process reaches NATS.
    """

    def __init__(self, name: str, client: NATS | None = None) -> None:
        self.name = name
        self._client = client
        self._owned = client is None

    @property
    def client(self) -> NATS:
        if self._client is None:
            raise RuntimeError(f"the NATS link {self.name} is not open yet: the runner opens it when it starts")
        return self._client

    async def open(self, *, should_stop: Callable[[], bool] | None = None) -> None:
        """Connect, retrying with backoff until ``should_stop`` (then ConnectionError), unless given a client."""
        if self._client is None:
            self._client = await connect(self.name, should_stop=should_stop)

    async def close(self) -> None:
        """Drain a client this link connected (close it while it is still reconnecting: drain refuses that)."""
        client, self._client = self._client, None
        if client is None or not self._owned:
            self._client = client
            return
        if client.is_connected:
            with contextlib.suppress(NatsError):
                await client.drain()
                return
        await client.close()
