"""The key moment detector: per-room match state in memory, moments published to `game.{room_id}.moments`.

Never twice, whatever crashed: each room knows the last moment it stored (its high-water mark), and
a moment is published only when it lies past that mark. A room this process has not seen yet (new
process, evicted idle room, or a delivery out of stream order) is recovered from the stream itself:
its high-water mark is the last message on its `.moments` subject (read once, never consumed as
input), and its state is rebuilt by feeding the room's events from its `game_start` up to the
delivered one. Moments of the rebuilt events are published only past the mark, so a crash between
storing a moment and acking its event loses nothing and duplicates nothing, long after the stream's
2-minute Msg-Id window.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from nats.aio.client import Client as NATS
from nats.js.errors import APIError

from streaming.events import (
    GameEvent,
    InvalidEvent,
    decode_payload,
    events_subject,
    moment_msg_id,
    moments_subject,
    parse_timestamp,
    room_id_from_subject,
    validate_envelope,
)
from streaming.moments.detection import MatchState, Moment, detect_moments
from streaming.replay import direct_get_one, read_subject
from streaming.runner import Consumer, Delivery, RetryLater, Verdict

logger = logging.getLogger("streaming.moments")

# How far back to look for a match's game_start when its events carry no Msg-Id (which names it).
REBUILD_WINDOWS = (timedelta(minutes=15), timedelta(hours=3), timedelta(days=2))
MATCH_START_MARGIN = timedelta(seconds=30)
PUBLISH_TIMEOUT_SECONDS = 10.0
LATER_MOMENTS_LOOKAHEAD = 2000


@dataclass(frozen=True, slots=True)
class Mark:
    """The last stored moment of one match: its triggering event and which of that event's moments."""

    started_at: str
    event_seq: int
    moment_type: str
    player_id: str | None


@dataclass(slots=True)
class Room:
    state: MatchState | None
    start_seq: int  # stream sequence of the game_start of the match in `state`: every event since was fed
    last_seq: int  # stream sequence of the last event fed to `state`
    mark: Mark | None  # the last moment stored for the match
    last_seen: float


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


def moments_past_mark(mark: Mark | None, started_at: str | None, event_seq: int, moments: list[Moment]) -> list[Moment]:
    """The moments of one event that were not stored yet, given the match's high-water mark.

    Moments of one match are always published in event order (a match is rebuilt from its game_start
    before anything of it is fed), so everything up to the mark is stored and nothing after it is.
    """
    if mark is None or mark.started_at != started_at or event_seq > mark.event_seq:
        return moments
    if event_seq < mark.event_seq:
        return []
    for index, moment in enumerate(moments):
        if moment.type == mark.moment_type and moment.player_id == mark.player_id:
            return moments[index + 1 :]
    return moments  # the stored one is not among them: rules changed; publishing is harmless (Msg-Id)


class MomentDetector(Consumer):
    durable = "key-moment-detector"
    filter_subject = "game.*.events"

    def __init__(self, *, idle_seconds: float | None = None) -> None:
        self.rooms: dict[str, Room] = {}
        # Earlier matches of a room whose events come late (held by a process that died): caught up on the side.
        self.earlier_matches: dict[str, Room] = {}
        self.idle_seconds = idle_seconds if idle_seconds is not None else settings.MOMENT_DETECTOR_IDLE_SECONDS
        self._last_sweep = time.monotonic()
        self.published = 0
        self.rebuilt_rooms = 0

    async def process(self, batch: list[Delivery]) -> list[Verdict]:
        client = self.runner.client
        assert client is not None
        outgoing: list[OutgoingMoment] = []
        touched: set[str] = set()
        verdicts: list[Verdict] = []
        now = time.monotonic()
        try:
            for delivery in batch:
                verdicts.append(await self._feed(client, delivery, outgoing, touched, now))
            await self._publish(client, outgoing)
        except Exception:
            # The states of these rooms may have moved past moments that were not stored: forget them;
            # they are rebuilt from the stream when their events come again.
            for room_id in touched:
                self.rooms.pop(room_id, None)
                self.earlier_matches.pop(room_id, None)
            raise
        self._sweep_idle(now)
        return verdicts

    async def _feed(
        self, client: NATS, delivery: Delivery, outgoing: list[OutgoingMoment], touched: set[str], now: float
    ) -> Verdict:
        try:
            room_id = room_id_from_subject(delivery.subject)
            event = validate_envelope(decode_payload(delivery.data))
        except InvalidEvent as error:
            logger.warning(
                "event skipped stream_seq=%d subject=%s reason=%s", delivery.stream_seq, delivery.subject, error
            )
            return Verdict.ACK
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
        if room is None or (
            delivery.num_delivered > 1 and await self._needs_recovery(client, room, room_id, event, seq)
        ):
            room = await self._recover(client, rooms, room_id, delivery, event, outgoing)
        touched.add(room_id)
        self._apply(room, room_id, delivery.stream_seq, event, outgoing)
        room.last_seen = now
        if room.state is not None and room.state.ended:
            room.state = None  # the match is over; the room keeps its positions for redeliveries
        return Verdict.ACK

    def _apply(self, room: Room, room_id: str, seq: int, event: GameEvent, outgoing: list[OutgoingMoment]) -> None:
        skipped = room.state.skipped if room.state is not None else 0
        state, moments = detect_moments(room.state, event)
        if state.skipped != skipped and event.type != "game_start":
            logger.warning("event skipped room_id=%s stream_seq=%d reason=%s", room_id, seq, state.last_skip)
        room.state, room.last_seq = state, seq
        if event.type == "game_start":
            room.start_seq = seq
        if moments:
            new = moments_past_mark(room.mark, state.started_at, seq, moments)
            outgoing.extend(OutgoingMoment(room_id, seq, moment, state.started_at) for moment in new)
            if new and state.started_at is not None:
                last = new[-1]
                room.mark = Mark(state.started_at, seq, last.type, last.player_id)

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
            self.rebuilt_rooms += 1
            for start in self._rebuild_starts(delivery):
                found = await self._events_before(client, room_id, start, delivery.stream_seq)
                if found is not None:
                    earlier = found
                    break
        opening = earlier[0][1] if earlier else event
        started_at = opening.data.get("started_at") if opening.type == "game_start" else None
        mark = await self._stored_mark(client, room_id, started_at) if isinstance(started_at, str) else None
        known = rooms.get(room_id)
        known_mark = known.mark if known is not None else None
        if (
            known_mark is not None
            and known_mark.started_at == started_at
            and (mark is None or known_mark.event_seq >= mark.event_seq)
        ):
            mark = known_mark  # moments of this batch are not stored yet, but will be before any ack
        start_seq = earlier[0][0] if earlier else delivery.stream_seq
        room = Room(state=None, start_seq=start_seq, last_seq=0, mark=mark, last_seen=time.monotonic())
        rooms[room_id] = room
        for seq, earlier_event in earlier:
            self._apply(room, room_id, seq, earlier_event, outgoing)
        if earlier:
            logger.info(
                "room recovered room_id=%s stream_seq=%d replayed=%d", room_id, delivery.stream_seq, len(earlier)
            )
        return room

    async def _needs_recovery(self, client: NATS, room: Room, room_id: str, event: GameEvent, seq: int) -> bool:
        """Whether a redelivered event must be fed through a rebuild of its room from the stream.

        A redelivered game_start may open a match whose moments a process that died already stored:
        its mark must come from the stream. Any other redelivery is rebuilt when the room has events
        between the last one fed and this one (delivery out of stream order).
        """
        if event.type == "game_start":
            return True
        following = await direct_get_one(client, {"seq": room.last_seq + 1, "next_by_subj": events_subject(room_id)})
        return following is not None and following.seq < seq

    def _rebuild_starts(self, delivery: Delivery) -> list[datetime]:
        msg_id = delivery.msg_id or ""
        room_and_rest = msg_id.split(":", 1)
        if len(room_and_rest) == 2:
            try:
                started = parse_timestamp(room_and_rest[1].rsplit(":", 1)[0], "Nats-Msg-Id")
                return [started - MATCH_START_MARGIN]
            except InvalidEvent:
                pass
        stored_at = datetime.fromtimestamp(delivery.timestamp_ns / 1e9, tz=UTC)
        return [stored_at - window for window in REBUILD_WINDOWS]

    async def _events_before(
        self, client: NATS, room_id: str, start: datetime, before_seq: int
    ) -> list[tuple[int, GameEvent]] | None:
        """The room's events of the match in progress at ``before_seq``: from its game_start, in order."""
        match_events: list[tuple[int, GameEvent]] | None = None
        async for message in read_subject(client, events_subject(room_id), start):
            if message.seq >= before_seq:
                break
            try:
                event = validate_envelope(decode_payload(message.data))
            except InvalidEvent:
                continue
            if event.type == "game_start":
                match_events = []
            if match_events is not None:
                match_events.append((message.seq, event))
        return match_events

    async def _stored_mark(self, client: NATS, room_id: str, started_at: str) -> Mark | None:
        """The last moment stored for the match (room_id, started_at), read from the room's moments."""
        try:
            start = parse_timestamp(started_at, "started_at")
        except InvalidEvent:
            return None
        mark = None
        later = 0
        async for message in read_subject(client, moments_subject(room_id), start - MATCH_START_MARGIN):
            try:
                body: dict[str, Any] = json.loads(message.data)
                moment_started = body["data"]["started_at"]
                if moment_started == started_at:
                    mark = Mark(started_at, int(body["data"]["event_seq"]), body["type"], body.get("player_id"))
                elif parse_timestamp(moment_started, "started_at") > start:
                    # A later match of the room. After a crash, the rest of ours may have been stored after
                    # some of its moments, so look on a little before concluding.
                    later += 1
                    if later > LATER_MOMENTS_LOOKAHEAD:
                        break
            except (ValueError, KeyError, TypeError):
                continue
        return mark

    async def _publish(self, client: NATS, outgoing: list[OutgoingMoment]) -> None:
        if not outgoing:
            return
        js = client.jetstream()
        try:
            futures = [
                await js.publish_async(
                    moments_subject(item.room_id), item.payload(), headers={"Nats-Msg-Id": item.msg_id()}
                )
                for item in outgoing
            ]
            await asyncio.wait_for(asyncio.gather(*futures), timeout=PUBLISH_TIMEOUT_SECONDS)
        except (APIError, TimeoutError, OSError) as error:
            raise RetryLater(f"publishing {len(outgoing)} moments failed: {error.__class__.__name__}") from error
        self.published += len(outgoing)
        for item in outgoing:
            logger.info(
                "moment published type=%s room_id=%s player_id=%s event_seq=%d started_at=%s",
                item.moment.type,
                item.room_id,
                item.moment.player_id,
                item.event_seq,
                item.started_at,
            )

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
