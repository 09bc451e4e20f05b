"""The one place that connects to NATS: every server of NATS_URL, reconnecting forever, logging each blink."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable

import nats
from django.conf import settings
from nats.aio.client import Client as NATS

logger = logging.getLogger("streaming.connection")

RECONNECT_WAIT_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 30.0


def backoff_delays(first: float = 0.5, cap: float = MAX_BACKOFF_SECONDS):
    """Exponential backoff with jitter: 0.5, 1, 2, ... capped, each +-20 %."""
    delay = first
    while True:
        yield delay * random.uniform(0.8, 1.2)
        delay = min(delay * 2, cap)


async def connect(
    name: str,
    *,
    servers: list[str] | None = None,
    retry_forever: bool = True,
    should_stop: Callable[[], bool] | None = None,
    on_reconnect: Callable[[], None] | None = None,
    connect_timeout: float = 2.0,
) -> NATS:
    """Connect to NATS with infinite reconnects; retry the first connect with backoff unless told not to.

    ``should_stop`` lets a shutting-down caller abandon the retries; ``on_reconnect`` lets a consumer
    re-issue its pull requests after a reconnect (a stale subscription stalls silently otherwise).
    """
    servers = servers or settings.NATS_SERVERS

    async def disconnected() -> None:
        if client.is_closed or client.is_draining:
            logger.debug("nats connection closed name=%s", name)
        else:
            logger.warning("nats disconnected name=%s", name)

    async def reconnected() -> None:
        server = client.connected_url.netloc if client.connected_url else "?"
        logger.warning("nats reconnected name=%s server=%s", name, server)
        if on_reconnect is not None:
            on_reconnect()

    async def error(exc: Exception) -> None:
        logger.warning("nats error name=%s error=%s: %s", name, exc.__class__.__name__, exc)

    client = NATS()
    delays = backoff_delays()
    while True:
        try:
            await client.connect(
                servers=servers,
                name=name,
                max_reconnect_attempts=-1,
                reconnect_time_wait=RECONNECT_WAIT_SECONDS,
                connect_timeout=connect_timeout,
                allow_reconnect=True,
                disconnected_cb=disconnected,
                reconnected_cb=reconnected,
                error_cb=error,
            )
            return client
        except (TimeoutError, nats.errors.NoServersError, OSError) as exc:
            if not retry_forever or (should_stop is not None and should_stop()):
                raise
            delay = next(delays)
            logger.warning(
                "nats unreachable name=%s servers=%s error=%s; retrying in %.1fs",
                name,
                ",".join(servers),
                exc.__class__.__name__,
                delay,
            )
            await asyncio.sleep(delay)
            client = NATS()
