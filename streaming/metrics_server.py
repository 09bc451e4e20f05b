"""A consumer process's Prometheus side (docs/operations.md): its `/metrics` port and its lag gauges.

The series are defined once in telemetry/metrics.py. Here: serving them on the port a setting names
(0 turns it off; a port in use stops the process at start, naming the setting), making a consumer's
series exist at 0 before its first message, and polling its consumer info for the lag gauges on a
background task, never on the message path. The consumers run in one process each, without
PROMETHEUS_MULTIPROC_DIR, so their values live in the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from django.conf import settings
from django.core.management.base import CommandError
from prometheus_client import start_http_server

from telemetry.metrics import (
    CONSUMER_ACK_PENDING,
    CONSUMER_LAST_ACK,
    CONSUMER_MESSAGES,
    CONSUMER_PENDING,
    POISON_EVENTS,
)

logger = logging.getLogger("streaming.metrics")

# A read of the consumer info waits at most this long, and the next begins this long after: the lag
# gauges are at most 5 s old (docs/operations.md).
LAG_POLL_SECONDS = 2.5


def serve_metrics(setting: str, offset: int = 0, offset_name: str = "", *, port: int | None = None) -> None:
    """Serve this process's metrics at METRICS_ADDRESS on the port ``setting`` names plus ``offset``.

    The setting at 0 serves nothing. ``offset``: a detector's partition or a projector's instance
    (``offset_name`` says which), so that several processes of one kind on a host each have a port.
    ``port``: the port given on the command line instead of a setting (``setting`` then names its flag,
    as `simulate --metrics-port` does). A port in use (or past 65535) stops the process, the message
    naming the setting or flag.
    """
    base = getattr(settings, setting) if port is None else port
    if not base:
        return
    address, port = settings.METRICS_ADDRESS, base + offset
    source = f"{setting} {base} + {offset_name} {offset}" if offset else setting
    try:
        if port > 65535:
            raise OSError("no such port")
        start_http_server(port, addr=address)
    except OSError as error:
        raise CommandError(
            f"cannot serve metrics on {address}:{port}, from {source} ({error.strerror or error}); "
            f"free the port or set {setting} to another (0 turns the metrics off)"
        ) from None
    logger.info("metrics served on http://%s:%d/metrics (%s)", address, port, source)


def consumer_series_at_zero(durable: str) -> None:
    """Make the consumer's counters exist at 0, and its last ack its start, before any message."""
    for outcome in ("ack", "nak", "term"):
        CONSUMER_MESSAGES.labels(consumer=durable, outcome=outcome)
    POISON_EVENTS.labels(consumer=durable)
    CONSUMER_LAST_ACK.labels(consumer=durable).set(time.time())


async def poll_lag(durable: str, consumer_info: Callable[[], Awaitable[object]], stopping: asyncio.Event) -> None:
    """Copy the consumer info's num_pending and num_ack_pending into the lag gauges until ``stopping``.

    A failed read (NATS away, an election) leaves the gauges at their last values and is tried again.
    """
    pending = CONSUMER_PENDING.labels(consumer=durable)
    ack_pending = CONSUMER_ACK_PENDING.labels(consumer=durable)
    while not stopping.is_set():
        try:
            info = await asyncio.wait_for(consumer_info(), timeout=LAG_POLL_SECONDS)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            logger.debug("consumer=%s lag not read (%s)", durable, error.__class__.__name__)
        else:
            pending.set(info.num_pending)
            ack_pending.set(info.num_ack_pending)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=LAG_POLL_SECONDS)
