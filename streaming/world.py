"""What a failure of the world looks like from NATS: a reason to wait and retry, never to drop or poison a message.

On a cluster, a stream or consumer without a leader (an election, a lost quorum) answers nothing or
answers 5xx for a while: nats-py then raises `NoStreamResponseError` ("no response from stream"),
which is neither an `APIError` nor a `TimeoutError` (seen on a 3-node cluster), or `ServiceUnavailableError` /
`ServerError`, or a timeout. A lost connection raises one of the connection errors. Code that sorts
the world's failures from bugs lists them from here, so that none of them ends as poison.

A failure of the world that is retried at a fixed pace (a pull refused while the consumer has no
leader, twice a second for as long as an election or a lost quorum lasts) would fill the log:
`RepeatedWarnings` logs each of its warnings once an interval, with how many it held back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from nats.errors import (
    ConnectionClosedError,
    ConnectionReconnectingError,
    NoRespondersError,
    OutboundBufferLimitError,
    StaleConnectionError,
)
from nats.js.errors import NoStreamResponseError, ServerError, ServiceUnavailableError

NATS_UNAVAILABLE: tuple[type[BaseException], ...] = (
    TimeoutError,  # nats.errors.TimeoutError is one too
    OSError,  # ConnectionError among them
    NoStreamResponseError,
    NoRespondersError,
    ServiceUnavailableError,  # 503: JetStream temporarily unavailable, no meta leader
    ServerError,  # 500: e.g. the stream's or consumer's group has no leader or no quorum
    ConnectionClosedError,
    ConnectionReconnectingError,
    OutboundBufferLimitError,
    StaleConnectionError,
)

# A repeated warning is logged at most once this often.
REPEATED_WARNING_SECONDS = 30.0


class RepeatedWarnings:
    """Warnings to ``logger``, each at most once every ``interval`` seconds however often it repeats.

    The first is logged at once; those within the interval after it are counted, and the next one
    logged says how many were held back ("3 more like it in the last 30s"). Warnings are the same when
    their message is (its arguments may differ: a delay, an error's text).
    """

    def __init__(
        self,
        logger: logging.Logger,
        interval: float = REPEATED_WARNING_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._interval = interval
        self._clock = clock
        self._last: dict[str, tuple[float, int]] = {}  # message: when last logged, how many held back since

    def warning(self, message: str, *args: object) -> None:
        now = self._clock()
        logged_at, held = self._last.get(message, (None, 0))
        if logged_at is not None and now - logged_at < self._interval:
            self._last[message] = (logged_at, held + 1)
            return
        self._last[message] = (now, 0)
        if held:
            self._logger.warning(f"{message} (%d more like it in the last %.0fs)", *args, held, now - logged_at)
        else:
            self._logger.warning(message, *args)
