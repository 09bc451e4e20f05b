"""The key moment detector: per-room match state in memory, moments published to `game.{room_id}.moments`.

Never twice, whatever crashed: each room knows which moments of its match are stored, and a moment
is published only when it is not among them. A room this process has not seen yet (new process,
evicted idle room, or a delivery out of stream order) is recovered from the stream itself: its stored
moments are read from its `.moments` subject (read once, never consumed as input), and its state is
rebuilt by feeding the room's events from its `game_start` up to the delivered one. So a crash
between storing a moment and acking its event loses nothing and duplicates nothing, long after the
stream's 2-minute Msg-Id window.

The stored moments are a set, not the last one stored: pipelined publishes that fail part-way (a
stream leader lost mid-batch on a cluster) can store a match's later moments and not an earlier one,
and a high-water mark then skipped the earlier one for good (moments lost although every event was
acknowledged). Reads for a rebuild may be answered by a replica that lags behind (direct gets go to
any replica): a rebuild that did not reach the delivered event is retried instead of trusted.

The reads and writes of a match's moments themselves (the stored set, publishing new ones) are in
`moments.stored`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from nats.aio.client import Client as NATS
from nats.js import JetStreamContext

from contract.events import (
    GameEvent,
    InvalidEvent,
    event_msg_id_position,
    event_msg_id_started_at,
    events_subject,
    validate_data,
)
from moments.detection import MatchState, detect_moments
from moments.stored import (
    MATCH_START_MARGIN,
    OutgoingMoment,
    StoredMoments,
    moments_not_stored,
    publish_moments,
    read_stored_moments,
)
from streaming.connection import NatsLink
from streaming.consumer import Consumer, InWorkerThread, RetryLater, Verdict
from streaming.delivery import Delivery
from streaming.durables import DETECTOR_DURABLE, partition_durable
from streaming.partitions import partition_subject
from streaming.poison import Poison, read_event, record_poisons
from streaming.stream_reads import direct_get_one, read_subject
from telemetry.metrics import DETECTOR_LIVE_MATCHES, DETECTOR_ROOMS_REBUILT

logger = logging.getLogger("streaming.moments")

# How far back to look for a match's game_start when its events carry no Msg-Id (which names it).
REBUILD_WINDOWS = (timedelta(minutes=15), timedelta(hours=3), timedelta(days=2))
# A rebuild that did not reach the delivered event was read from a replica behind the leader: the
# batch is retried, up to this many deliveries; past them (a replica that never catches up, or a
# game server's clock far ahead of the stream's) the rebuild goes on with what it read.
LAGGING_REPLICA_RETRIES = 10
# Events read at a time when a room's events came out of order: the gap is usually a few events.
GAP_PAGE_SIZE = 16


def _not_next(last: tuple[str, int] | None, position: tuple[str, int] | None) -> bool:
    """A first delivery that is not the event after the last one fed, by their Msg-Ids: events between
    them are still out there (a nakked batch that comes back after its delay, behind later ones)."""
    if last is None or position is None or position[1] == 0:
        return False
    return position != (last[0], last[1] + 1)


class LaggingReplica(RetryLater):
    """A read for a rebuild was answered by a replica that does not hold the delivered event yet."""


@dataclass(slots=True)
class Room:
    state: MatchState | None
    start_seq: int  # stream sequence of the game_start of the match in `state`: every event since was fed
    last_seq: int  # stream sequence of the last event fed to `state`
    stored: StoredMoments | None  # the moments stored for the match
    last_seen: float
    # The Msg-Id position (match prefix, n) of the last delivery fed, when it had one: the next in order
    # is n + 1 of the same match, or a game_start (n = 0).
    last_position: tuple[str, int] | None = None


def detector_event(subject: str, payload: bytes) -> tuple[str, GameEvent]:
    """The room and the event of a message, envelope and data checked (`read_event`, `validate_data`).

    InvalidEvent, the poison's reason, for a message no match can use: the same words the projector
    gives a `game_end`. An event the rules cannot place (before any game_start, of a player not in
    the match, a line_clear with no placement) is valid here: the rules skip it, it is not poison.
    """
    room_id, event = read_event(subject, payload)
    return room_id, validate_data(event)


class MomentDetector(Consumer):
    """The one detector on GAME_EVENTS or, given a ``partition``, that partition's of GAME_EVENTS_PARTITIONED.

    A partition's deliveries are sourced copies: their sequence and subject are their originals' in
    GAME_EVENTS (`Delivery.stream_seq`, `Delivery.origin_subject`), and every read (recovery, gaps,
    stored moments) goes to GAME_EVENTS, so a partition finds exactly the moments one detector finds.
    """

    durable = DETECTOR_DURABLE
    filter_subject = "game.*.events"

    def __init__(
        self, *, nats: NatsLink | None = None, idle_seconds: float | None = None, partition: int | None = None
    ) -> None:
        """``nats``: what it reads the stream and publishes moments with (made from its name when not given)."""
        self.partition = partition
        if partition is not None:
            self.durable = partition_durable(partition)
            self.filter_subject = partition_subject(partition)
        super().__init__(nats=nats)
        self.rooms: dict[str, Room] = {}
        # Earlier matches of a room whose events come late (held by a process that died): caught up on the side.
        self.earlier_matches: dict[str, Room] = {}
        self.idle_seconds = idle_seconds if idle_seconds is not None else settings.MOMENT_DETECTOR_IDLE_SECONDS
        self._last_sweep = time.monotonic()
        self.published = 0
        self.rebuilt_rooms = 0
        self._js: tuple[NATS, JetStreamContext] | None = None

    async def process_with_nats(self, batch: list[Delivery], in_worker_thread: InWorkerThread) -> list[Verdict]:
        client = self.nats.client
        outgoing: list[OutgoingMoment] = []
        touched: set[str] = set()
        verdicts: list[Verdict] = []
        poisons: list[Poison] = []
        now = time.monotonic()
        try:
            for delivery in batch:
                verdicts.append(await self._feed(client, delivery, outgoing, touched, poisons, now))
            await self._publish(client, outgoing)
            if poisons:
                await in_worker_thread(record_poisons, self.durable, poisons)
        except Exception:
            # Every room is forgotten and rebuilt from the stream at its next event, not only those this
            # batch touched: their states may have moved past moments that were not stored, and the
            # batch, nakked, comes back after its delay, behind the batch asked ahead and whatever is
            # fetched meanwhile, all first deliveries. A room whose events lay past the failure would
            # otherwise take its later events onto a state that never saw those (a cluster test saw a
            # new match's events fed to the previous match's state, and moments no in-order run has).
            self.rooms.clear()
            self.earlier_matches.clear()
            raise
        self._sweep_idle(now)
        DETECTOR_LIVE_MATCHES.set(sum(1 for room in self.rooms.values() if room.state is not None))
        return verdicts

    async def _feed(
        self,
        client: NATS,
        delivery: Delivery,
        outgoing: list[OutgoingMoment],
        touched: set[str],
        poisons: list[Poison],
        now: float,
    ) -> Verdict:
        try:
            room_id, event = detector_event(delivery.origin_subject, delivery.data)
        except InvalidEvent as error:
            poisons.append(Poison(delivery, str(error)))
            return Verdict.TERM
        seq = delivery.stream_seq
        rooms = self.rooms
        room = rooms.get(room_id)
        if room is not None and seq < room.start_seq:
            # An event of an earlier match of this room that nobody fed (its process died): catch that
            # match up on the side, leaving the room's current match as it is.
            rooms = self.earlier_matches
            room = rooms.get(room_id)
            if room is not None and seq < room.start_seq:
                room = None
        if room is not None and seq <= room.last_seq:
            return Verdict.ACK  # already fed: a redelivery
        rebuild = room is None
        position = event_msg_id_position(delivery.msg_id)
        if room is not None and (
            delivery.num_delivered > 1 or delivery.may_have_overtaken or _not_next(room.last_position, position)
        ):
            # Out of stream order: a redelivery, or a delivery that may have overtaken events lost in
            # flight on a dropped pull connection. A redelivered game_start may open a match whose
            # moments a process that died already stored: rebuilt, to learn them from the stream.
            if event.type == "game_start":
                rebuild = delivery.num_delivered > 1
            else:
                # The room's state is right up to its last event fed: the stored events between that
                # one and this (usually none) are fed first, and their redeliveries are then already
                # fed. A gap that opens another match is rebuilt instead.
                gap = await self._stored_between(client, room_id, room.last_seq, delivery)
                rebuild = gap is None
                if gap:
                    self._room_rebuilt()  # its state caught up from the stream
                for gap_seq, gap_event in gap or ():
                    self._apply(room, room_id, gap_seq, gap_event, outgoing)
                    if room.state is not None and room.state.ended:
                        room.state = None
        if rebuild:
            room = await self._recover(client, rooms, room_id, delivery, event, outgoing)
        touched.add(room_id)
        self._apply(room, room_id, delivery.stream_seq, event, outgoing)
        room.last_seen, room.last_position = now, position
        if room.state is not None and room.state.ended:
            room.state = None  # the match is over; the room keeps its positions for redeliveries
        return Verdict.ACK

    def _room_rebuilt(self) -> None:
        self.rebuilt_rooms += 1
        DETECTOR_ROOMS_REBUILT.inc()

    async def _stored_between(
        self, client: NATS, room_id: str, after_seq: int, delivery: Delivery
    ) -> list[tuple[int, GameEvent]] | None:
        """The room's stored events strictly between two sequences, in order; None when one is a game_start.

        One direct get when there are none, the usual case.
        """
        subject, before_seq = events_subject(room_id), delivery.stream_seq
        following = await direct_get_one(client, {"seq": after_seq + 1, "next_by_subj": subject})
        if following is None:  # the delivered event itself follows: this replica does not hold it yet
            self._lagging(delivery, room_id)
            return None
        if following.seq >= before_seq:
            return []
        between: list[tuple[int, GameEvent]] = []
        async for message in read_subject(client, subject, start_seq=following.seq, page_size=GAP_PAGE_SIZE):
            if message.seq >= before_seq:
                return between
            try:
                _, event = detector_event(subject, message.data)
            except InvalidEvent:
                continue  # poison: terminated, never fed
            if event.type == "game_start":
                return None
            between.append((message.seq, event))
        self._lagging(delivery, room_id)  # the read ended before the delivered event
        return None

    def _apply(self, room: Room, room_id: str, seq: int, event: GameEvent, outgoing: list[OutgoingMoment]) -> None:
        skipped = room.state.skipped if room.state is not None else 0
        state, moments = detect_moments(room.state, event)
        if state.skipped != skipped and event.type != "game_start":
            logger.warning("event skipped room_id=%s stream_seq=%d reason=%s", room_id, seq, state.last_skip)
        room.state, room.last_seq = state, seq
        if event.type == "game_start":
            room.start_seq = seq
        if moments:
            new = moments_not_stored(room.stored, state.started_at, seq, moments)
            outgoing.extend(OutgoingMoment(room_id, seq, moment, state.started_at) for moment in new)
            if new and state.started_at is not None:
                if room.stored is None or room.stored.started_at != state.started_at:
                    room.stored = StoredMoments(state.started_at, set())
                room.stored.keys.update((seq, moment.type, moment.player_id) for moment in new)

    async def _recover(
        self,
        client: NATS,
        rooms: dict[str, Room],
        room_id: str,
        delivery: Delivery,
        event: GameEvent,
        outgoing: list[OutgoingMoment],
    ) -> Room:
        """Rebuild the room's match in progress from the stream, up to (not including) ``delivery``."""
        earlier: list[tuple[int, GameEvent]] = []
        if event.type != "game_start":
            self._room_rebuilt()
            for start in self._rebuild_starts(delivery):
                found = await self._events_before(client, room_id, start, delivery)
                if found is not None:
                    earlier = found
                    break
        opening = earlier[0][1] if earlier else event
        started_at = opening.data.get("started_at") if opening.type == "game_start" else None
        stored = await read_stored_moments(client, room_id, started_at) if isinstance(started_at, str) else None
        known = rooms.get(room_id)
        if known is not None and known.stored is not None and known.stored.started_at == started_at:
            # Moments of this batch are not stored yet, but will be before any ack.
            stored = StoredMoments(known.stored.started_at, known.stored.keys | (stored.keys if stored else set()))
        start_seq = earlier[0][0] if earlier else delivery.stream_seq
        room = Room(state=None, start_seq=start_seq, last_seq=0, stored=stored, last_seen=time.monotonic())
        rooms[room_id] = room
        for seq, earlier_event in earlier:
            self._apply(room, room_id, seq, earlier_event, outgoing)
        if earlier:
            logger.info(
                "room recovered room_id=%s stream_seq=%d replayed=%d", room_id, delivery.stream_seq, len(earlier)
            )
        return room

    def _rebuild_starts(self, delivery: Delivery) -> list[datetime]:
        started = event_msg_id_started_at(delivery.msg_id)
        if started is not None:
            return [started - MATCH_START_MARGIN]
        stored_at = datetime.fromtimestamp(delivery.timestamp_ns / 1e9, tz=UTC)
        return [stored_at - window for window in REBUILD_WINDOWS]

    async def _events_before(
        self, client: NATS, room_id: str, start: datetime, delivery: Delivery
    ) -> list[tuple[int, GameEvent]] | None:
        """The room's events of the match in progress at ``delivery``: from its game_start, in order."""
        subject, before_seq = events_subject(room_id), delivery.stream_seq
        match_events: list[tuple[int, GameEvent]] | None = None
        reached = False
        async for message in read_subject(client, subject, start):
            if message.seq >= before_seq:
                reached = True
                break
            try:
                _, event = detector_event(subject, message.data)
            except InvalidEvent:
                continue  # poison: terminated, never fed
            if event.type == "game_start":
                match_events = []
            if match_events is not None:
                match_events.append((message.seq, event))
        if not reached:
            self._lagging(delivery, room_id)
        return match_events

    def _lagging(self, delivery: Delivery, room_id: str) -> None:
        """A read did not reach the delivered event: retry the batch (LaggingReplica) unless it was tried enough."""
        if delivery.num_delivered <= LAGGING_REPLICA_RETRIES:
            raise LaggingReplica(
                f"the stream read for room {room_id} ended before stream_seq {delivery.stream_seq}: "
                "a replica behind its leader answered"
            )
        logger.warning(
            "rebuild read ended before the delivered event room_id=%s stream_seq=%d delivered=%d: going on with it",
            room_id,
            delivery.stream_seq,
            delivery.num_delivered,
        )

    def _jetstream(self, client: NATS) -> JetStreamContext:
        # One context per connection: each context subscribes an inbox of its own for publish acks.
        if self._js is None or self._js[0] is not client:
            self._js = (client, client.jetstream())
        return self._js[1]

    async def _publish(self, client: NATS, outgoing: list[OutgoingMoment]) -> None:
        """Store every moment of ``outgoing`` or raise RetryLater (`publish_moments`)."""
        if not outgoing:
            return
        await publish_moments(self._jetstream(client), outgoing, consumer=self.durable)
        self.published += len(outgoing)

    def _sweep_idle(self, now: float) -> None:
        if now - self._last_sweep < min(60.0, self.idle_seconds):
            return
        self._last_sweep = now
        idle = [room_id for room_id, room in self.rooms.items() if now - room.last_seen > self.idle_seconds]
        for room_id in idle:
            del self.rooms[room_id]
        for room_id, room in list(self.earlier_matches.items()):
            if now - room.last_seen > self.idle_seconds or room.state is None:
                del self.earlier_matches[room_id]
        if idle:
            logger.info("forgot %d idle rooms; %d live", len(idle), len(self.rooms))
