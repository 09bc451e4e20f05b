"""The one place that connects to NATS: every server of NATS_URL, reconnecting forever, logging each blink.

Every connection pings its server often enough to call one that stopped answering dead within
NATS_STALE_SECONDS (a paused or half-open server keeps its connections open and answers nothing; with
nats-py's defaults, a ping every two minutes, that took minutes), then goes on through another server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import nats
from django.conf import settings
from nats.aio.client import Client as NATS
from nats.aio.client import Server
from nats.errors import Error as NatsError

logger = logging.getLogger("streaming.connection")

MAX_BACKOFF_SECONDS = 30.0
# A brief connection's connect deadline (one look at the server for /healthz and the status pages).
BRIEF_TIMEOUT_SECONDS = 1.0
# Pings a server may leave unanswered: the next ping interval after the last of them calls it dead.
MAX_OUTSTANDING_PINGS = 2


def ping_interval(stale_seconds: float | None = None) -> float:
    """Seconds between pings so that a silent server is called dead ``stale_seconds`` after its last answer.

    nats-py counts a ping at each interval and gives up at the one past ``MAX_OUTSTANDING_PINGS``
    unanswered: that is ``MAX_OUTSTANDING_PINGS + 1`` intervals after the last PONG.
    """
    stale = settings.NATS_STALE_SECONDS if stale_seconds is None else stale_seconds
    return stale / (MAX_OUTSTANDING_PINGS + 1)


def backoff_delays(first: float = 0.5, cap: float = MAX_BACKOFF_SECONDS) -> Iterator[float]:
    """Exponential backoff with jitter: 0.5, 1, 2, ... capped, each +-20 %."""
    delay = first
    while True:
        yield delay * random.uniform(0.8, 1.2)
        delay = min(delay * 2, cap)


def _reconnect_with_backoff(servers: list[Server], info: dict[str, Any]) -> tuple[Server, float]:
    """nats-py's reconnect hook: the least-tried server, after a delay that doubles with its failures."""
    server = min(servers, key=lambda candidate: candidate.reconnects)
    if server.reconnects == 0:
        return server, 0.0
    return server, min(MAX_BACKOFF_SECONDS, 0.25 * 2**server.reconnects) * random.uniform(0.8, 1.2)


async def connect(
    name: str,
    *,
    servers: list[str] | None = None,
    retry_forever: bool = True,
    should_stop: Callable[[], bool] | None = None,
    connect_timeout: float = 2.0,
) -> NATS:
    """Connect to NATS; once connected, reconnect forever with backoff, logging each disconnect.

    The first connection is retried with backoff too, unless ``retry_forever`` is False: then one
    round over the servers, and ConnectionError when none answers (for commands and HTTP requests).
    ``should_stop`` lets a shutting-down caller abandon the retries.
    """
    servers = servers or settings.NATS_SERVERS
    delays = backoff_delays()
    while True:
        client = NATS()
        try:
            # nats-py would retry the first connection forever on its own (max_reconnect_attempts=-1),
            # deaf to shutdown: bound each round here instead.
            await asyncio.wait_for(
                client.connect(**_options(client, name, servers, connect_timeout)),
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


def _options(client: NATS, name: str, servers: list[str], connect_timeout: float) -> dict[str, Any]:
    async def disconnected() -> None:
        if client.is_closed or client.is_draining:
            logger.debug("nats connection closed name=%s", name)
        else:
            logger.warning("nats disconnected name=%s", name)

    async def reconnected() -> None:
        server = client.connected_url.netloc if client.connected_url else "?"
        logger.warning("nats reconnected name=%s server=%s", name, server)

    async def error(exc: Exception) -> None:
        if client.is_connected:
            logger.warning("nats error name=%s error=%s: %s", name, exc.__class__.__name__, exc)
        else:
            logger.debug("nats connect attempt failed name=%s error=%s", name, exc.__class__.__name__)

    return {
        "servers": servers,
        "name": name,
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 0.5,
        "reconnect_to_server_handler": _reconnect_with_backoff,
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
