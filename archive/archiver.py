"""The match archiver (docs/operations.md): each finished match's replay document written to the object store.

A durable consumer `match-archiver` on `game.*.events`, on the runner every consumer shares. For each
`game_end`: once the projector has written the match, ARCHIVE_SETTLE_SECONDS have passed since the
event was stored, and the key moment detector has acknowledged it (its moments are then all in the
stream; with partitioned detectors the settle time alone stands for this), it builds the match's
replay document, writes it as one object, records key, SHA-256 and time on the row, and acknowledges.
Until then the game_end is nakked with the delay left. Every other event is acknowledged once seen.

Beside the consumer, every SWEEP_SECONDS on a thread of its own, it sends `archiver_sweep`: apps above
the archive follow up there on what no stream brings (the analysis of verified solo runs).

Idempotent: a match already recorded is acknowledged without a write, and a write repeated (after a
crash between the object and the row, or by a second archiver) stores the same bytes. The store or
PostgreSQL away is a failure of the world (RetryLater): the batch is nakked and waited out, never
recorded as poison.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections
from nats.js.errors import NotFoundError

from archive.assembly import MatchAssembler
from archive.services import (
    ArchivedObject,
    match_archive_put,
    match_document_from_events,
    match_document_from_stream,
    matches_archive_record,
)
from archive.signals import archiver_sweep, matches_archived
from archive.store import ArchiveStore, StoreUnavailable
from contract.events import InvalidEvent, event_msg_id_position, game_end_from_event, parse_timestamp
from history.models import Match
from history.replay import ReplayGone, ReplayNotFound
from streaming.consumer import Companion, Consumer, InWorkerThread, RetryLater, Verdict
from streaming.delivery import Delivery
from streaming.durables import ARCHIVER_DURABLE, DETECTOR_DURABLE
from streaming.poison import looks_like_object, read_event
from streaming.status import detector_partitions
from telemetry.metrics import ARCHIVE_BYTES_WRITTEN, MATCHES_ARCHIVED

logger = logging.getLogger("archive.archiver")

# A game_end whose match the projector has not written yet comes back this soon; one the key moment
# detector has not acknowledged yet, likewise.
NOT_PROJECTED_DELAY_SECONDS = 2.0
DETECTOR_BEHIND_DELAY_SECONDS = 2.0
PROJECTOR_DURABLE = "match-projector"
# Replays read from the stream at once, per batch: each is a few batched direct gets.
CONCURRENT_READS = 8
# Objects put at once, per batch (obstore's client is thread-safe).
CONCURRENT_PUTS = 8
# How often the sweep runs: a verified solo run's analysis follows its recording by about this much.
SWEEP_SECONDS = 2.0


@dataclass
class _Pending:
    index: int  # in the batch
    delivery: Delivery
    room_id: str
    started_at: datetime
    match: Match | None = None
    document: dict[str, Any] | None = None


# The rows of (room_id, started_at) pairs; room_id IS NOT NULL lets the planner use the partial unique index.
_FIND_MATCHES = """
SELECT m.id, m.room_id, m.started_at, m.archived_at FROM matches AS m
WHERE m.room_id IS NOT NULL AND (m.room_id, m.started_at) IN (SELECT * FROM unnest(%s::text[], %s::timestamptz[]))
"""


def _sweep() -> None:
    close_old_connections()  # one broken by a PostgreSQL restart is dropped first
    try:
        archiver_sweep.send(MatchArchiver)
    except Exception:  # a receiver broke its word: the next sweep tries again
        logger.exception("archiver sweep failed")


def _send_archived(archived: list[tuple[Match | None, dict[str, Any] | None]]) -> None:
    close_old_connections()  # one broken by a PostgreSQL restart is dropped first
    try:
        matches_archived.send(MatchArchiver, archived=archived)
    except Exception:  # a receiver broke its word (they never raise): the archiving is done either way
        logger.exception("matches_archived receivers failed", extra={"count": len(archived)})


@functools.lru_cache(maxsize=16_384)
def _room_of(subject: str) -> str:
    """The room of `game.{room}.events` ("" for another subject), remembered: a room's subject comes back
    with every event of it."""
    return subject.split(".")[1] if subject.count(".") == 2 else ""


def observe(delivery: Delivery, assembler: MatchAssembler) -> tuple[str, datetime] | None:
    """Hand the event to ``assembler``; (room_id, started_at) when it is a valid game_end, else None (one the
    projector refuses it records as poison: there is no match to archive).

    Events that cannot be a game_start or a game_end are skimmed without JSON decoding, as the projector does.
    """
    data, subject = delivery.data, delivery.origin_subject
    seq, delivered, _ = delivery.position
    in_order = delivered == 1 and not delivery.may_have_overtaken
    room_id = _room_of(subject)
    # No game_start, no game_end (find, not `in`: half the time on bytes in CPython 3.11).
    if data.find(b"game_") < 0 and data.find(b"\\u") < 0 and looks_like_object(data):
        assembler.add(room_id, seq, data, in_order=in_order)
        return None
    try:
        room_id, event = read_event(subject, data)
        if event.type == "game_start":
            started_at = parse_timestamp(event.data.get("started_at"), "data.started_at")
            assembler.start(room_id, started_at, seq, data, in_order=in_order)
            return None
        if event.type != "game_end":
            assembler.add(room_id, seq, data, in_order=in_order)
            return None
        end = game_end_from_event(room_id, event)
    except InvalidEvent:
        assembler.add(room_id, seq, data, in_order=in_order)
        return None
    position = event_msg_id_position(delivery.msg_id)
    index = position[1] if position else None
    assembler.end(end.room_id, end.started_at, seq, data, in_order=in_order, index=index)
    return end.room_id, end.started_at


class MatchArchiver(Consumer):
    durable = ARCHIVER_DURABLE
    filter_subject = "game.*.events"

    def __init__(
        self,
        *,
        store: ArchiveStore | None = None,
        settle_seconds: float | None = None,
        wait_for_detector: bool = True,
        sweep_seconds: float = SWEEP_SECONDS,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.sweep_seconds = sweep_seconds
        self.wait_for_detector = wait_for_detector
        self.store = store or ArchiveStore.from_settings()
        self.settle_seconds = settings.ARCHIVE_SETTLE_SECONDS if settle_seconds is None else settle_seconds
        self.archived = 0
        self.assembler = MatchAssembler()
        self.read_back = 0  # matches whose events were read from the stream, not assembled
        self._puts = ThreadPoolExecutor(max_workers=CONCURRENT_PUTS, thread_name_prefix="archive-put")
        # The sweep's own thread and connection: a sweep (seconds of solo runs replayed) never holds up a batch.
        self._sweeper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-sweep")
        # `matches_archived` is sent on a thread of its own, at most one batch behind the archiving: its
        # receiver (the analysis) was a tenth of the archiver's time, waited for by every batch.
        self._announcer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-announce")
        self._announcing: Future[None] | None = None

    def companions(self) -> list[Companion]:
        return [self._sweep_periodically]

    async def _sweep_periodically(self, stopping: asyncio.Event) -> None:
        """Send `archiver_sweep` every ``sweep_seconds`` until ``stopping``, on the sweep's thread."""
        loop = asyncio.get_running_loop()
        try:
            while not stopping.is_set():
                await loop.run_in_executor(self._sweeper, _sweep)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stopping.wait(), timeout=self.sweep_seconds)
        finally:
            # After the sweep and the announcement under way, if any, each thread's connection is closed: both
            # asked for at once, since the runner may cancel this wait (the closing goes on regardless).
            closing = [
                loop.run_in_executor(threads, connections.close_all) for threads in (self._sweeper, self._announcer)
            ]
            await asyncio.shield(asyncio.gather(*closing))

    async def process_with_nats(self, batch: list[Delivery], in_worker_thread: InWorkerThread) -> list[Verdict]:
        verdicts = [Verdict.ACK] * len(batch)
        now = time.time()
        waits: list[float] = []
        pending: list[_Pending] = []
        for index, delivery in enumerate(batch):
            end = observe(delivery, self.assembler)
            if end is None:
                continue
            left = self.settle_seconds - (now - delivery.timestamp_ns / 1e9)
            if left > 0:  # late moments may still come: wait
                verdicts[index] = Verdict.NAK
                waits.append(left)
                continue
            pending.append(_Pending(index, delivery, *end))
        waits_for_detector = self.wait_for_detector and detector_partitions() == 1
        floor = None
        if pending:  # the detector's floor (a NATS round trip) and the match rows (PostgreSQL's) asked at once
            detector = self._consumer_floor(DETECTOR_DURABLE) if waits_for_detector else asyncio.sleep(0)
            floor, _ = await asyncio.gather(detector, in_worker_thread(self._find_matches, pending))
        if floor is not None:  # the detector has not finished these matches: their moments may still come
            for item in pending:
                if item.delivery.stream_seq > floor:
                    verdicts[item.index] = Verdict.NAK
                    waits.append(DETECTOR_BEHIND_DELAY_SECONDS)
            pending = [item for item in pending if item.delivery.stream_seq <= floor]
        missing = [item for item in pending if item.match is None]
        projected_up_to = await self._consumer_floor(PROJECTOR_DURABLE) if missing else None
        if projected_up_to is not None:
            # Read again after the floor: the projector commits a match before it acknowledges its game_end.
            await in_worker_thread(self._find_matches, missing)
        to_read = []
        for item in pending:
            if item.match is None and projected_up_to is not None and item.delivery.stream_seq <= projected_up_to:
                # The projector refused it (its poison list says why): there will never be a match to archive.
                logger.warning("game_end never projected: not archived", extra=self._ids(item))
            elif item.match is None:  # the projector has not written it yet
                verdicts[item.index] = Verdict.NAK
                waits.append(NOT_PROJECTED_DELAY_SECONDS)
            elif item.match.archived_at is None:
                to_read.append(item)
        await self._read_documents(to_read)
        readable = [item for item in to_read if item.document is not None]
        if readable:
            await in_worker_thread(self._write, readable)
        self.nak_delay_seconds = max(0.5, min(waits)) if waits else 1.0
        return verdicts

    async def _consumer_floor(self, durable: str) -> int | None:
        """The GAME_EVENTS sequence up to which ``durable`` has acknowledged every event; None when it has
        never run here. The key moment detector's says its moments are published (partitioned detectors
        count another stream's sequences: the settle time alone stands for them); the projector's, that a
        game_end it did not write is one it refused."""
        try:
            info = await self.nats.client.jetstream().consumer_info(settings.GAME_EVENTS_STREAM, durable)
        except NotFoundError:
            return None
        return info.ack_floor.stream_seq if info.ack_floor is not None else 0

    def _find_matches(self, pending: list[_Pending]) -> None:
        # One statement over arrays: the ORM's OR of a (room, start) pair per match was built in Python, a
        # batch's wait held up by the GIL it took (bench/archive.py).
        rooms, starts = [item.room_id for item in pending], [item.started_at for item in pending]
        found = {
            (match.room_id, match.started_at): match for match in Match.objects.raw(_FIND_MATCHES, [rooms, starts])
        }
        for item in pending:
            item.match = found.get((item.room_id, item.started_at))

    async def _read_documents(self, items: list[_Pending]) -> None:
        gate = asyncio.Semaphore(CONCURRENT_READS)
        client = self.nats.client

        async def read(item: _Pending) -> None:
            async with gate:
                try:
                    assembled = self.assembler.take(item.room_id, item.started_at)
                    if assembled is not None:
                        item.document = await match_document_from_events(
                            client, item.match, assembled.events, assembled.last_event_seq
                        )
                    else:
                        self.read_back += 1
                        item.document = await match_document_from_stream(client, item.match)
                except (ReplayGone, ReplayNotFound) as error:
                    # Nothing left to archive: acknowledged, and /healthz keeps counting it unarchived.
                    logger.warning("match not archived: %s", error, extra=self._ids(item))

        await asyncio.gather(*(read(item) for item in items))

    def _write(self, items: list[_Pending]) -> None:
        """Put the objects (several at once: each is a round trip to the store), then record them all."""

        def put(item: _Pending) -> ArchivedObject:
            assert item.match is not None and item.document is not None
            return match_archive_put(match=item.match, document=item.document, store=self.store)

        try:
            stored = list(self._puts.map(put, items))
        except StoreUnavailable as error:
            if "NoSuchBucket" in str(error):  # a store started empty (SeaweedFS, MinIO): make it, then retry
                with contextlib.suppress(StoreUnavailable):
                    self.store.ensure_bucket()
            raise RetryLater(str(error)) from error
        matches_archive_record(stored=[(item.match, archived) for item, archived in zip(items, stored, strict=True)])
        self._announce([(item.match, item.document) for item in items])
        for item, archived in zip(items, stored, strict=True):
            MATCHES_ARCHIVED.inc()
            ARCHIVE_BYTES_WRITTEN.inc(archived.size)
            self.archived += 1
            logger.info("match archived key=%s bytes=%d", archived.key, archived.size, extra=self._ids(item))

    def _announce(self, archived: list[tuple[Match | None, dict[str, Any] | None]]) -> None:
        """Send `matches_archived` for these, behind the archiving: the batch is acknowledged without waiting
        for its receivers (their work is best effort already: the analysis logs what fails, and `manage.py
        reanalyze` redoes it). Waits for the previous batch's first, so at most one batch's documents wait."""
        if self._announcing is not None:
            self._announcing.result()
        self._announcing = self._announcer.submit(_send_archived, archived)

    def _ids(self, item: _Pending) -> dict[str, object]:
        return {
            "match_id": str(item.match.id) if item.match else None,
            "room_id": item.room_id,
            "started_at": item.started_at.isoformat(),
            "stream_seq": item.delivery.stream_seq,
            "consumer": self.durable,
        }
