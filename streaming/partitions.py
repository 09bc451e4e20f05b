"""Partitioned key moment detectors (docs/operations.md): GAME_EVENTS_PARTITIONED and the detectors' durables.

With MOMENT_DETECTOR_PARTITIONS=N > 1, a work-queue stream sources the events of GAME_EVENTS with the
subject transform ``game.*.events`` -> ``part.{{partition(N,1)}}.{{wildcard(1)}}``: NATS hashes the
room token, so all of a room's events reach one partition i, consumed by one detector through the
durable ``key-moment-detector-{i}``. Each sourced copy carries ``Nats-Stream-Source: GAME_EVENTS <seq>
<filter> <destination> <original subject> ...``: the detector takes the event's GAME_EVENTS sequence
and subject from it for everything it does or shows, so its moments and their Msg-Ids are the same
with one detector or N.

Only ``setup_stream`` changes N (``ensure_partitions``). The new layout starts where the detectors left
off: the first event the single detector had not acknowledged, or the oldest event a partition still
holds (a work queue keeps exactly the unacknowledged ones), so a backlog left by stopped detectors is
carried over, not lost; the durables of the old layout are removed. It refuses while a detector may
still be at work (see ``_detectors_at_work``).
"""

from __future__ import annotations

import contextlib
import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from nats.aio.client import Client as NATS
from nats.js.api import (
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    RetentionPolicy,
    StorageType,
    StreamConfig,
    StreamSource,
    SubjectTransform,
)
from nats.js.errors import APIError, NotFoundError

from streaming.durables import DETECTOR_DURABLE, PARTITIONED_STREAM, partition_durable
from streaming.source_header import SOURCE_HEADER, sourced_from
from streaming.status import JetStreamApiError, jetstream_api, parse_server_time
from streaming.streams import DAY_SECONDS, StreamMismatch

TRANSFORM_SOURCE = "game.*.events"
# setup_stream may wait longer than /healthz for an answer: a cluster's leaders are being elected.
API_TIMEOUT_SECONDS = 5.0
# An empty partitioned stream no longer holds the position of the last event it sourced: the new
# layout then starts this long before that copy was stored (its original was stored before it), and
# the detectors recognise the events they had already handled (their moments are stored).
EMPTY_STREAM_MARGIN = timedelta(minutes=2)

_PARTITIONS = re.compile(r"\{\{\s*partition\(\s*(\d+)\s*,\s*1\s*\)\s*\}\}")


# --- pure ------------------------------------------------------------------------------------------


def partition_subject(partition: int) -> str:
    return f"part.{partition}.*"


def transform_destination(partitions: int) -> str:
    return f"part.{{{{partition({partitions},1)}}}}.{{{{wildcard(1)}}}}"


def partitions_of(config: StreamConfig) -> int:
    """N of a GAME_EVENTS_PARTITIONED configuration, read from its subject transform."""
    for source in config.sources or ():
        for transform in source.subject_transforms or ():
            found = _PARTITIONS.search(transform.dest or "")
            if found:
                return int(found.group(1))
    raise StreamMismatch(
        f"stream {config.name} has no partition(N,1) subject transform; delete it (nats stream rm "
        f"{config.name}) once no detector runs, then run setup_stream"
    )


@dataclass(frozen=True, slots=True)
class Start:
    """Where a layout's detectors start in GAME_EVENTS: a sequence, a time, or (neither) its first message."""

    seq: int | None = None
    time: datetime | None = None

    def describe(self) -> str:
        if self.seq is not None:
            return f"GAME_EVENTS sequence {self.seq}"
        if self.time is not None:
            return f"GAME_EVENTS messages stored from {self.time.isoformat()}"
        return "the first message of GAME_EVENTS"


def partitioned_config(partitions: int, start: Start) -> StreamConfig:
    return StreamConfig(
        name=PARTITIONED_STREAM,
        retention=RetentionPolicy.WORK_QUEUE,  # a copy goes once its partition's detector acknowledges it
        storage=StorageType.FILE,
        num_replicas=settings.GAME_EVENTS_REPLICAS,
        max_age=settings.GAME_EVENTS_MAX_AGE_DAYS * DAY_SECONDS,
        discard=DiscardPolicy.OLD,
        sources=[
            StreamSource(
                name=settings.GAME_EVENTS_STREAM,
                opt_start_seq=start.seq,
                opt_start_time=start.time,
                subject_transforms=[SubjectTransform(src=TRANSFORM_SOURCE, dest=transform_destination(partitions))],
            )
        ],
    )


def starting_at(config: ConsumerConfig, start: Start) -> ConsumerConfig:
    """A consumer configuration that starts where ``start`` says."""
    if start.seq is not None:
        config.deliver_policy, config.opt_start_seq = DeliverPolicy.BY_START_SEQUENCE, start.seq
    elif start.time is not None:
        config.deliver_policy, config.opt_start_time = DeliverPolicy.BY_START_TIME, start.time
    else:
        config.deliver_policy = DeliverPolicy.ALL
    return config


def layout_problem(partitions_wanted: int, partition: int | None, partitions_on_server: int) -> str | None:
    """Why a detector started with ``--partition partition`` must not run, or None (pure)."""
    if partitions_wanted == 1 and partition is not None:
        return "MOMENT_DETECTOR_PARTITIONS is 1: run run_moment_detector without --partition"
    if partitions_wanted > 1 and partition is None:
        return (
            f"MOMENT_DETECTOR_PARTITIONS is {partitions_wanted}: run one run_moment_detector --partition i "
            f"for each i from 0 to {partitions_wanted - 1}"
        )
    if partition is not None and not 0 <= partition < partitions_wanted:
        return f"--partition {partition} is not between 0 and {partitions_wanted - 1} (MOMENT_DETECTOR_PARTITIONS)"
    if partitions_on_server != partitions_wanted:
        return (
            f"MOMENT_DETECTOR_PARTITIONS is {partitions_wanted} but the server is set up for "
            f"{partitions_on_server} detector partition(s): run manage.py setup_stream first (README: changing "
            "the number of detectors)"
        )
    return None


# --- on the server ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartitionSetup:
    action: str  # "unchanged", "updated" or "changed"
    partitions: int
    changes: tuple[str, ...]


class PartitionChangeRefused(StreamMismatch):
    """N cannot change now; the message says why and what to do."""


DetectorConfig = Callable[[int | None], ConsumerConfig]  # the detector's durable for a partition (None: single)


async def partitions_on_server(client: NATS) -> int:
    """How many detector partitions the server is set up for (1 without GAME_EVENTS_PARTITIONED)."""
    info = await _stream_info(client, PARTITIONED_STREAM)
    return 1 if info is None else partitions_of(_stream_config(info))


async def ensure_partitions(client: NATS, detector_config: DetectorConfig) -> PartitionSetup:
    """Bring the detectors' layout to MOMENT_DETECTOR_PARTITIONS; PartitionChangeRefused while detectors work."""
    js = client.jetstream()
    want = settings.MOMENT_DETECTOR_PARTITIONS
    partitioned = PARTITIONED_STREAM
    existing = await _stream_info(client, partitioned)
    have = 1 if existing is None else partitions_of(_stream_config(existing))
    if have == want:
        if want == 1:
            return PartitionSetup("unchanged", 1, ())
        changes = await _bring_in_line(client, _stream_config(existing))
        await _create_partition_durables(client, want, detector_config)
        await _delete_consumer(client, settings.GAME_EVENTS_STREAM, DETECTOR_DURABLE)  # left by an interrupted change
        return PartitionSetup("updated" if changes else "unchanged", want, changes)
    at_work = await _detectors_at_work(client, existing)
    if at_work:
        raise PartitionChangeRefused(
            f"setup_stream will not change MOMENT_DETECTOR_PARTITIONS from {have} to {want} while a detector "
            f"may still be at work: {'; '.join(at_work)}. Stop every detector first (systemctl stop "
            "'tetris-history-detector@*', or the compose detector services), wait until their last messages "
            f"are older than the ack wait (CONSUMER_ACK_WAIT_SECONDS={settings.CONSUMER_ACK_WAIT_SECONDS}), "
            "then run setup_stream again; the events they did not finish are carried over. Nothing was changed."
        )
    start = await _where_detectors_left_off(client, existing)
    if want == 1:
        await _delete_consumer(client, settings.GAME_EVENTS_STREAM, DETECTOR_DURABLE)  # its start cannot change
        await js.add_consumer(settings.GAME_EVENTS_STREAM, starting_at(detector_config(None), start))
        await js.delete_stream(partitioned)
    else:
        if existing is not None:
            await js.delete_stream(partitioned)  # and with it the old partitions' durables
        await js.add_stream(partitioned_config(want, start))
        await _create_partition_durables(client, want, detector_config)
        await _delete_consumer(client, settings.GAME_EVENTS_STREAM, DETECTOR_DURABLE)
    return PartitionSetup("changed", want, (f"detector partitions: {have} -> {want}, from {start.describe()}",))


async def _create_partition_durables(client: NATS, partitions: int, detector_config: DetectorConfig) -> None:
    js = client.jetstream()
    stream = PARTITIONED_STREAM
    for partition in range(partitions):
        if await _consumer_info(client, stream, partition_durable(partition)) is None:
            await js.add_consumer(stream, detector_config(partition))


async def _bring_in_line(client: NATS, have: StreamConfig) -> tuple[str, ...]:
    """Replicas and max age follow GAME_EVENTS's settings; the source (and where it is) stays as it is."""
    want_replicas, want_age = settings.GAME_EVENTS_REPLICAS, settings.GAME_EVENTS_MAX_AGE_DAYS * DAY_SECONDS
    changes = []
    if have.num_replicas != want_replicas:
        changes.append(f"{have.name} num_replicas: {have.num_replicas} -> {want_replicas}")
    if have.max_age is None or abs(float(have.max_age) - want_age) > 1e-6:
        changes.append(f"{have.name} max_age: {have.max_age} -> {want_age}")
    if changes:
        have.num_replicas, have.max_age = want_replicas, want_age
        try:
            await client.jetstream().update_stream(have)
        except APIError as error:
            raise StreamMismatch(f"stream {have.name} could not be updated: {error.description}") from error
    return tuple(changes)


async def _detectors_at_work(client: NATS, partitioned: dict[str, Any] | None) -> list[str]:
    """What shows that a detector of the current layout may still be at work: its durables' pulls and fresh messages.

    A durable's messages that are delivered and not acknowledged are at work while their ack wait runs (a
    live detector may still acknowledge them); past it they are left over by a detector that is gone,
    and carried over. NATS counts the messages a stopping detector released (nak) as unacknowledged
    too, so their count alone would refuse for good after any stop.
    """
    if partitioned is None:
        durables = [(settings.GAME_EVENTS_STREAM, DETECTOR_DURABLE)]
    else:
        names = await _api(client, f"CONSUMER.NAMES.{PARTITIONED_STREAM}")
        durables = [(PARTITIONED_STREAM, name) for name in names.get("consumers") or []]
    found = []
    for stream, durable in durables:
        info = await _consumer_info(client, stream, durable)
        if info is None:
            continue
        now = _time(info["ts"])
        last_delivery = _time((info.get("delivered") or {}).get("last_active"))
        waiting, unacknowledged = info.get("num_waiting", 0), info.get("num_ack_pending", 0)
        ack_wait = timedelta(seconds=settings.CONSUMER_ACK_WAIT_SECONDS)
        fresh = last_delivery is not None and now - last_delivery < ack_wait
        if waiting or (unacknowledged and fresh):
            age = f"{(now - last_delivery).total_seconds():.0f} s ago" if last_delivery else "never"
            found.append(
                f"{durable} has {unacknowledged} message(s) delivered and not acknowledged (last delivery {age}) "
                f"and {waiting} pull request(s) waiting"
            )
    if partitioned is not None:
        for source in partitioned.get("sources") or []:
            if source.get("lag") and not (partitioned.get("state") or {}).get("messages"):
                found.append(f"{PARTITIONED_STREAM} is still sourcing {source['lag']} event(s)")
    return found


async def _where_detectors_left_off(client: NATS, partitioned: dict[str, Any] | None) -> Start:
    """The first event the current layout has not finished with, in GAME_EVENTS."""
    if partitioned is None:  # one detector: the first event its durable had not acknowledged
        info = await _consumer_info(client, settings.GAME_EVENTS_STREAM, DETECTOR_DURABLE)
        if info is None:
            return Start()
        floor = int((info.get("ack_floor") or {}).get("stream_seq") or 0)
        if floor:
            return Start(seq=floor + 1)
        config = ConsumerConfig.from_response(copy.deepcopy(info["config"]))
        return Start(seq=config.opt_start_seq, time=config.opt_start_time)
    state = partitioned.get("state") or {}
    if state.get("messages"):  # a work queue holds exactly what is not acknowledged: its oldest
        message = await client.jetstream().get_msg(PARTITIONED_STREAM, int(state["first_seq"]))
        source = sourced_from((message.headers or {}).get(SOURCE_HEADER))
        if source is not None:
            return Start(seq=source.seq)
    last_copy = _time(state.get("last_ts")) if state.get("last_seq") else None
    if last_copy is not None:
        return Start(time=last_copy - EMPTY_STREAM_MARGIN)
    sources = partitioned["config"].get("sources") or []
    if not sources:
        return Start()
    source = StreamSource.from_response(copy.deepcopy(sources[0]))
    return Start(seq=source.opt_start_seq, time=source.opt_start_time)


def _stream_config(info: dict[str, Any]) -> StreamConfig:
    # nats-py's from_response turns the nested answers into objects in place: parse a copy.
    return StreamConfig.from_response(copy.deepcopy(info["config"]))


async def _api(client: NATS, subject: str) -> dict[str, Any]:
    return await jetstream_api(client, subject, wait_seconds=API_TIMEOUT_SECONDS)


async def _stream_info(client: NATS, stream: str) -> dict[str, Any] | None:
    """The raw stream info (nats-py's drops its times), None when there is no such stream."""
    return await _info_or_none(client, f"STREAM.INFO.{stream}")


async def _consumer_info(client: NATS, stream: str, durable: str) -> dict[str, Any] | None:
    return await _info_or_none(client, f"CONSUMER.INFO.{stream}.{durable}")


async def _info_or_none(client: NATS, subject: str) -> dict[str, Any] | None:
    try:
        return await _api(client, subject)
    except JetStreamApiError as error:
        if error.code == 404:
            return None
        raise


async def _delete_consumer(client: NATS, stream: str, durable: str) -> None:
    with contextlib.suppress(NotFoundError):
        await client.jetstream().delete_consumer(stream, durable)


def _time(value: str | None) -> datetime | None:
    """A time of the JetStream API; None for none or Go's zero time."""
    if not value or value.startswith("0001-01-01"):
        return None
    return parse_server_time(value)
