"""What a failure of the world looks like from NATS: a reason to wait and retry, never to drop or poison a message.

On a cluster, a stream or consumer without a leader (an election, a lost quorum) answers nothing or
answers 5xx for a while: nats-py then raises `NoStreamResponseError` ("no response from stream"),
which is neither an `APIError` nor a `TimeoutError` (shared/FACTS.md), or `ServiceUnavailableError` /
`ServerError`, or a timeout. A lost connection raises one of the connection errors. Code that sorts
the world's failures from bugs lists them from here, so that none of them ends as poison.
"""

from __future__ import annotations

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
