"""What the server says now of the streams and of the consumers the settings expect: read-only, for
`/healthz` and the admin's status page (docs/operations.md).

The JetStream API's own answers (`$JS.API.STREAM.INFO.*`, `$JS.API.CONSUMER.INFO.*.*`) are read as
JSON rather than through nats-py's dataclasses, which drop what an operator needs: the server's clock
(`ts`) that the stall rule is measured against, and the stream's first and last message times.
Each request has a short deadline: these pages answer quickly whatever NATS does.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from nats.aio.client import Client as NATS

from streaming.connection import BRIEF_TIMEOUT_SECONDS
from streaming.durables import (
    ARCHIVER_DURABLE,
    DETECTOR_DURABLE,
    PARTITIONED_STREAM,
    PROJECTOR_DURABLE,
    partition_durable,
)

# Each request has the deadline of a brief connection: these pages answer quickly whatever NATS does.
REQUEST_TIMEOUT_SECONDS = BRIEF_TIMEOUT_SECONDS


class JetStreamApiError(Exception):
    """The server answered a JetStream API request with an error (no such stream or consumer, ...)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{description} (code {code})")
        self.code = code
        self.description = description


@dataclass(frozen=True, slots=True)
class ExpectedConsumer:
    stream: str
    durable: str


def detector_partitions() -> int:
    """How many key-moment detectors the settings expect (MOMENT_DETECTOR_PARTITIONS, docs/operations.md).

    Read here alone, so that a settings module without it (before partitioning) means one detector.
    """
    return max(1, int(getattr(settings, "MOMENT_DETECTOR_PARTITIONS", 1) or 1))


def expected_consumers() -> list[ExpectedConsumer]:
    """The durable consumers this deployment should have: the projector, and the detector or its partitions.

    Not every durable the streams hold: a reprojection's or a test's consumer is nobody's concern here.
    """
    consumers = [ExpectedConsumer(settings.GAME_EVENTS_STREAM, PROJECTOR_DURABLE)]
    partitions = detector_partitions()
    if partitions == 1:
        consumers.append(ExpectedConsumer(settings.GAME_EVENTS_STREAM, DETECTOR_DURABLE))
    else:
        consumers += [ExpectedConsumer(PARTITIONED_STREAM, partition_durable(i)) for i in range(partitions)]
    if settings.ARCHIVE_URL:  # the archiver (docs/operations.md, the archive), wherever an archive is configured
        consumers.append(ExpectedConsumer(settings.GAME_EVENTS_STREAM, ARCHIVER_DURABLE))
    return consumers


async def jetstream_api(client: NATS, subject: str, *, wait_seconds: float = REQUEST_TIMEOUT_SECONDS) -> dict[str, Any]:
    """One JetStream API request; its JSON answer, or JetStreamApiError for the server's refusal."""
    reply = await client.request(f"$JS.API.{subject}", b"", timeout=wait_seconds)
    answer = json.loads(reply.data)
    error = answer.get("error")
    if error:
        raise JetStreamApiError(int(error.get("code", 0)), str(error.get("description", "error")))
    return answer


async def stream_info(client: NATS, stream: str) -> dict[str, Any]:
    return await jetstream_api(client, f"STREAM.INFO.{stream}")


async def consumer_info(client: NATS, consumer: ExpectedConsumer) -> dict[str, Any]:
    return await jetstream_api(client, f"CONSUMER.INFO.{consumer.stream}.{consumer.durable}")


async def expected_consumer_infos(client: NATS) -> dict[str, dict[str, Any] | BaseException]:
    """Each expected consumer's info by durable name, read at once; the failure in place of one not read."""
    consumers = expected_consumers()
    answers = await asyncio.gather(*(consumer_info(client, consumer) for consumer in consumers), return_exceptions=True)
    return {consumer.durable: answer for consumer, answer in zip(consumers, answers, strict=True)}


@dataclass
class StreamingState:
    """The streams the settings expect and every consumer they hold, as the server reports them now."""

    streams: dict[str, dict[str, Any] | BaseException] = field(default_factory=dict)
    consumers: dict[str, list[dict[str, Any]] | BaseException] = field(default_factory=dict)


async def read_streaming_state(client: NATS) -> StreamingState:
    """Each expected stream's info and its consumers' infos (the server's first page of 256), read at once."""
    names = list(dict.fromkeys(consumer.stream for consumer in expected_consumers()))
    infos = await asyncio.gather(*(stream_info(client, name) for name in names), return_exceptions=True)
    lists = await asyncio.gather(
        *(jetstream_api(client, f"CONSUMER.LIST.{name}") for name in names), return_exceptions=True
    )
    state = StreamingState()
    for name, info, listed in zip(names, infos, lists, strict=True):
        state.streams[name] = info
        state.consumers[name] = listed if isinstance(listed, BaseException) else list(listed.get("consumers") or [])
    return state


# --- pure: what the answers mean ------------------------------------------------------------------


def parse_server_time(text: str) -> datetime:
    """A time as the server writes it (RFC 3339 with nanoseconds, "…T05:00:00.123456789Z"), to microseconds."""
    head, dot, tail = text.partition(".")
    if not dot:
        return datetime.fromisoformat(head.replace("Z", "+00:00"))
    digits = tail[: len(tail) - len(tail.lstrip("0123456789"))]
    zone = tail[len(digits) :]
    return datetime.fromisoformat(f"{head}.{(digits + '000000')[:6]}{'+00:00' if zone in ('Z', '') else zone}")


def consumer_health(info: dict[str, Any], *, stall_seconds: float) -> dict[str, Any]:
    """`pending`, `ack_pending` and `stalled` of one consumer's info, as docs/operations.md defines them.

    Stalled: messages wait (`num_pending + num_ack_pending > 0`) while the ack floor last moved more
    than ``stall_seconds`` before the info's own `ts`, the server's clock (so no clock of ours and no
    state between requests). A floor that never moved counts from the consumer's creation.
    """
    pending = int(info.get("num_pending") or 0)
    ack_pending = int(info.get("num_ack_pending") or 0)
    floor_moved = (info.get("ack_floor") or {}).get("last_active") or info["created"]
    quiet_seconds = (parse_server_time(info["ts"]) - parse_server_time(floor_moved)).total_seconds()
    return {
        "pending": pending,
        "ack_pending": ack_pending,
        "stalled": pending + ack_pending > 0 and quiet_seconds > stall_seconds,
    }
