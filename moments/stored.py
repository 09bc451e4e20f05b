"""A match's moments on its room's `.moments` subject: which are stored, and storing the new ones.

The detector reads what a match has stored when it rebuilds a room (`read_stored_moments`), keeps it
as a set (`StoredMoments`), publishes only the moments not among them (`moments_not_stored`) and
stores them with every publish ack awaited and checked (`publish_moments`). A moment's Msg-Id names
its (event_seq, type, player_id), so a moment published again is never stored twice inside the
stream's duplicate window, and the set keeps it so past that window.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from nats.aio.client import Client as NATS
from nats.js import JetStreamContext
from nats.js.errors import APIError, TooManyStalledMsgsError

from contract.events import InvalidEvent, moment_msg_id, moments_subject, parse_timestamp
from moments.detection import Moment
from streaming.consumer import RetryLater
from streaming.stream_reads import read_subject
from streaming.world import NATS_UNAVAILABLE
from telemetry.loggers import MOMENT_LOGGER
from telemetry.metrics import MOMENTS_PUBLISHED

logger = logging.getLogger("streaming.moments")
# The per-moment lines, on a logger of their own so MOMENT_LOG_LEVEL turns them down alone.
moment_logger = logging.getLogger(MOMENT_LOGGER)

MATCH_START_MARGIN = timedelta(seconds=30)
PUBLISH_TIMEOUT_SECONDS = 10.0
# Moments whose publish failed are sent again (same Msg-Ids) this many times before the batch is given
# back: a leader election takes a few seconds, well inside the stream's 2-minute duplicate window.
PUBLISH_ATTEMPTS = 3
LATER_MOMENTS_LOOKAHEAD = 2000

MomentKey = tuple[int, str, str | None]  # (event_seq, type, player_id): what a moment's Msg-Id names


@dataclass(slots=True)
class StoredMoments:
    """The moments of one match that are stored, or will be before any of their events is acked."""

    started_at: str
    keys: set[MomentKey]


@dataclass(frozen=True, slots=True)
class OutgoingMoment:
    room_id: str
    event_seq: int
    moment: Moment
    started_at: str | None

    def payload(self) -> bytes:
        body = self.moment.to_dict()
        body["data"]["event_seq"] = self.event_seq
        body["data"]["started_at"] = self.started_at
        return json.dumps(body, separators=(",", ":")).encode()

    def msg_id(self) -> str:
        return moment_msg_id(self.room_id, self.moment.type, self.moment.player_id, self.event_seq)


def moments_not_stored(
    stored: StoredMoments | None, started_at: str | None, event_seq: int, moments: list[Moment]
) -> list[Moment]:
    """The moments of one event that are not stored yet, given the match's stored moments."""
    if stored is None or stored.started_at != started_at:
        return moments
    return [moment for moment in moments if (event_seq, moment.type, moment.player_id) not in stored.keys]


async def read_stored_moments(client: NATS, room_id: str, started_at: str) -> StoredMoments | None:
    """The moments stored for the match (room_id, started_at), read from the room's moments."""
    try:
        start = parse_timestamp(started_at, "started_at")
    except InvalidEvent:
        return None
    stored = StoredMoments(started_at, set())
    later = 0
    async for message in read_subject(client, moments_subject(room_id), start - MATCH_START_MARGIN):
        try:
            body: dict[str, Any] = json.loads(message.data)
            moment_started = body["data"]["started_at"]
            if moment_started == started_at:
                stored.keys.add((int(body["data"]["event_seq"]), body["type"], body.get("player_id")))
            elif parse_timestamp(moment_started, "started_at") > start:
                # A later match of the room. After a crash, the rest of ours may have been stored after
                # some of its moments, so look on a little before concluding.
                later += 1
                if later > LATER_MOMENTS_LOOKAHEAD:
                    break
        except (ValueError, KeyError, TypeError):
            continue
    return stored


async def publish_moments(js: JetStreamContext, outgoing: list[OutgoingMoment], *, consumer: str) -> None:
    """Store every moment of ``outgoing`` or raise RetryLater; each publish ack is awaited and checked.

    ``consumer``: the durable name the per-moment log lines carry.
    """
    if not outgoing:
        return
    pending = outgoing
    for attempt in range(1, PUBLISH_ATTEMPTS + 1):
        failures = await _publish_once(js, pending)
        if not failures:
            break
        pending = [item for item, _ in failures]
        reasons = sorted({error.__class__.__name__ for _, error in failures})
        if attempt == PUBLISH_ATTEMPTS:
            raise RetryLater(f"publishing {len(pending)} of {len(outgoing)} moments failed: {', '.join(reasons)}")
        logger.warning(
            "publishing %d of %d moments failed (%s); sending them again", len(pending), len(outgoing), reasons
        )
    by_type = collections.Counter(item.moment.type for item in outgoing)
    for moment_type, count in by_type.items():
        MOMENTS_PUBLISHED.labels(type=moment_type).inc(count)
    for item in outgoing:
        moment_logger.info(
            "moment published type=%s player_id=%s",
            item.moment.type,
            item.moment.player_id,
            extra={
                "room_id": item.room_id,
                "stream_seq": item.event_seq,
                "started_at": item.started_at,
                "consumer": consumer,
            },
        )


async def _publish_once(
    js: JetStreamContext, outgoing: list[OutgoingMoment]
) -> list[tuple[OutgoingMoment, BaseException]]:
    """Publish pipelined; what failed, with why (no ack in time, an error ack, disconnected)."""
    futures: list[asyncio.Future | BaseException] = []
    try:
        for item in outgoing:
            try:
                futures.append(
                    await js.publish_async(
                        moments_subject(item.room_id),
                        item.payload(),
                        # Past nats-py's window of pending acks, a publish waits for a slot: bounded too.
                        wait_stall=PUBLISH_TIMEOUT_SECONDS,
                        headers={"Nats-Msg-Id": item.msg_id()},
                    )
                )
            except (APIError, TooManyStalledMsgsError, *NATS_UNAVAILABLE) as error:
                futures.append(error)
        waiting = [future for future in futures if isinstance(future, asyncio.Future)]
        if waiting:
            await asyncio.wait(waiting, timeout=PUBLISH_TIMEOUT_SECONDS)
    finally:
        # An ack that never came holds a slot of the window until its future is done: free them all.
        for future in futures:
            if isinstance(future, asyncio.Future) and not future.done():
                future.cancel()
    failures: list[tuple[OutgoingMoment, BaseException]] = []
    for item, future in zip(outgoing, futures, strict=True):
        if not isinstance(future, asyncio.Future):
            failures.append((item, future))
        elif future.cancelled():
            failures.append((item, TimeoutError("no publish ack in time")))
        elif future.exception() is not None:
            failures.append((item, future.exception()))
    return failures
