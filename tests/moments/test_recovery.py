"""The detector's per-room order and recovery, driven delivery by delivery on a real NATS server.

The deliveries are the stream's own messages (read back by direct get, with their stream sequences),
handed to `MomentDetector.process` in orders that a crash or a redelivery can produce. What the detector
stores on `game.{room_id}.moments` is compared with `detect_moments` run over each room's events in
stream order, and what it sends is recorded: a moment sent twice counts as a duplicate even when the
stream's Msg-Id window would hide it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from datetime import UTC, datetime
from itertools import chain, zip_longest

import pytest

from contract.events import room_id_from_subject, validate_envelope
from moments import detect_moments
from moments.consumer import MomentDetector
from moments.stored import OutgoingMoment
from streaming.connection import NatsLink, connect
from streaming.consumer import Verdict
from streaming.delivery import Delivery
from streaming.stream_reads import read_subject
from tests.streaming.factories import tetris_match_events
from tests.support import publish_match, publish_raw

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

# In tetris_match_events(tetrises=3) (32 events), index 0 is the game_start, the line_clears (each a
# tetris and a perfect clear, back-to-back from a player's second one) are at 5, 10, ..., 30, and 31
# is the game_end. Index 10 is p2's first line_clear; 11..15 is p1's second tetris.
LATE = 10
OVERTAKING = slice(LATE + 1, LATE + 6)


class RecordingDetector(MomentDetector):
    """The detector, noting every moment it has the stream store (duplicates included)."""

    def __init__(self, client) -> None:
        super().__init__(nats=NatsLink("test-detector", client), idle_seconds=3600)
        self.sent: list[tuple] = []

    async def _publish(self, client, outgoing: list[OutgoingMoment]) -> None:
        await super()._publish(client, outgoing)
        self.sent += [(o.room_id, o.moment.type, o.moment.player_id, o.event_seq) for o in outgoing]


@contextlib.asynccontextmanager
async def on_nats():
    """A connected client, for the detectors to publish and read with (given in their constructor)."""
    client = await connect("test-detector", retry_forever=False)
    try:
        yield client
    finally:
        await client.close()


def _stored_ns(stamp: str) -> int:
    whole, _, fraction = stamp.rstrip("Z").partition(".")
    seconds = int(datetime.fromisoformat(whole).replace(tzinfo=UTC).timestamp())
    return seconds * 1_000_000_000 + int(fraction.ljust(9, "0")[:9] or 0)


async def stored_deliveries(client) -> dict[str, list[Delivery]]:
    """Every stored event as its first delivery, by room, in stream order."""
    rooms: dict[str, list[Delivery]] = {}
    async for message in read_subject(client, "game.*.events", EPOCH):
        subject = message.headers["Nats-Subject"]
        msg_id = message.headers.get("Nats-Msg-Id")
        delivery = Delivery(
            subject=subject,
            data=message.data,
            headers={"Nats-Msg-Id": msg_id} if msg_id else None,
            reply=None,  # process() never acks: the runner does
            position=(message.seq, 1, _stored_ns(message.headers["Nats-Time-Stamp"])),
        )
        rooms.setdefault(room_id_from_subject(subject), []).append(delivery)
    return rooms


async def stored_moments(client) -> list[tuple[str, dict]]:
    return [
        (room_id_from_subject(m.headers["Nats-Subject"]), json.loads(m.data))
        async for m in read_subject(client, "game.*.moments", EPOCH)
    ]


def redelivered(deliveries: list[Delivery], times: int = 2) -> list[Delivery]:
    return [
        Delivery(d.subject, d.data, d.headers, d.reply, position=(d.stream_seq, times, d.timestamp_ns))
        for d in deliveries
    ]


def in_stream_order(*groups: list[Delivery]) -> list[Delivery]:
    return sorted(chain(*groups), key=lambda delivery: delivery.stream_seq)


def alternating(*groups: list[Delivery]) -> list[Delivery]:
    return [delivery for row in zip_longest(*groups) for delivery in row if delivery is not None]


async def feed(detector: MomentDetector, *batches: list[Delivery]) -> None:
    for batch in batches:
        assert await detector.process_with_nats(batch, asyncio.to_thread) == [Verdict.ACK] * len(batch)


def in_order_moments(rooms: dict[str, list[Delivery]]) -> list[tuple[str, dict]]:
    """What an uninterrupted run stores: detect_moments over each room's events in stream order."""
    found = []
    for room_id, deliveries in rooms.items():
        state = None
        for delivery in deliveries:
            state, moments = detect_moments(state, validate_envelope(json.loads(delivery.data)))
            for moment in moments:
                body = moment.to_dict()
                body["data"].update(event_seq=delivery.stream_seq, started_at=state.started_at)
                found.append((room_id, body))
    return found


def key(room_id: str, body: dict) -> tuple:
    return (room_id, body["type"], body["player_id"], body["data"]["event_seq"])


def canonical(moments: list[tuple[str, dict]]) -> list[str]:
    return sorted(json.dumps([room_id, body], sort_keys=True) for room_id, body in moments)


def assert_stored_as_in_order_run(stored: list[tuple[str, dict]], rooms: dict[str, list[Delivery]]) -> None:
    duplicates = [k for k, count in Counter(key(*m) for m in stored).items() if count > 1]
    assert duplicates == []
    assert canonical(stored) == canonical(in_order_moments(rooms))
    # The high-water mark relies on this: a match's moments are stored in the order of their events.
    by_match: dict[tuple, list[int]] = {}
    for room_id, body in stored:
        by_match.setdefault((room_id, body["data"]["started_at"]), []).append(body["data"]["event_seq"])
    assert all(seqs == sorted(seqs) for seqs in by_match.values()), by_match


def publish_alternating(*room_ids: str, index: int = 0) -> None:
    """One match per room, their events interleaved in the stream."""
    matches = [
        [(f"game.{room_id}.events", json.dumps(event).encode(), {"Nats-Msg-Id": msg_id}) for event, msg_id in m]
        for room_id, m in ((r, tetris_match_events(r, index=index)) for r in room_ids)
    ]
    publish_raw(item for row in zip_longest(*matches) for item in row if item is not None)


@pytest.mark.parametrize("detector_was", ["following", "restarted"])
def test_a_room_delivered_out_of_stream_order_ends_with_the_moments_of_an_in_order_run(stream, detector_was):
    publish_alternating("room-a", "room-b")

    async def scenario():
        async with on_nats() as client:
            detector = RecordingDetector(client)
            rooms = await stored_deliveries(client)
            a, b = rooms["room-a"], rooms["room-b"]
            assert len(a) == len(b) == 32
            if detector_was == "following":
                # It has fed both rooms in order; then room-a's later events come back (a process that
                # held them died) before the line_clear just before them.
                await feed(detector, in_stream_order(a[:LATE], b[:LATE]))
                overtaking = redelivered(a[OVERTAKING])
            else:
                # A new process: the first it sees of room-a is past an event that is still out there.
                overtaking = a[OVERTAKING]
            await feed(detector, in_stream_order(overtaking, b[LATE:16]))
            await feed(detector, redelivered(a[LATE : LATE + 1]))
            if detector_was == "restarted":
                await feed(detector, redelivered(in_stream_order(a[:LATE], b[:LATE])))
            await feed(detector, in_stream_order(a[16:], b[16:]))
            assert detector.rebuilt_rooms >= 1
            return rooms, detector.sent, await stored_moments(client)

    rooms, sent, stored = asyncio.run(scenario())
    expected = in_order_moments(rooms)
    assert any(key(*m)[3] == rooms["room-a"][LATE].stream_seq for m in expected)  # the late event has moments
    assert_stored_as_in_order_run(stored, rooms)
    assert sorted(sent) == sorted(key(*m) for m in expected)  # each sent once: nothing was stored before


@pytest.mark.parametrize("stored_before", ["whole-match", "first-half"])
def test_a_redelivered_game_start_of_a_stored_match_publishes_nothing_again(stream, stored_before):
    publish_match("room-a", tetris_match_events("room-a"))

    async def scenario():
        async with on_nats() as client:
            first, second = RecordingDetector(client), RecordingDetector(client)
            a = (await stored_deliveries(client))["room-a"]
            stored_until = len(a) if stored_before == "whole-match" else 16  # through p1's second tetris
            # The first process stores the moments of these events, then dies before its acks arrive.
            await feed(first, a[:stored_until])
            assert first.sent
            # The second process, which knows nothing of the room, gets them all again, game_start first.
            await feed(second, redelivered(a[:1]))
            assert second.sent == []
            await feed(second, redelivered(a[1:stored_until]), a[stored_until:])
            return {"room-a": a}, a[stored_until - 1].stream_seq, first.sent, second.sent, await stored_moments(client)

    rooms, last_stored_seq, first_sent, second_sent, stored = asyncio.run(scenario())
    assert_stored_as_in_order_run(stored, rooms)
    if stored_before == "whole-match":
        assert second_sent == []
    else:
        assert second_sent == [k for k in (key(*m) for m in in_order_moments(rooms)) if k[3] > last_stored_seq]
        assert second_sent and not set(second_sent) & set(first_sent)


def test_late_events_of_an_earlier_match_are_caught_up_beside_the_rooms_current_match(stream):
    publish_match("room-a", tetris_match_events("room-a", index=0))
    publish_match("room-a", tetris_match_events("room-a", index=1))

    async def scenario():
        async with on_nats() as client:
            dead, detector = RecordingDetector(client), RecordingDetector(client)
            rooms = await stored_deliveries(client)
            first_match, second_match = rooms["room-a"][:32], rooms["room-a"][32:]
            # A process fed the first match through index 15, storing its moments, acked only 0..5, died.
            await feed(dead, first_match[:16])
            # Its successor gets the room's next match first, then the rest of the first one comes back,
            # mixed with the next match's later events.
            await feed(detector, second_match[: LATE + 1])
            await feed(detector, alternating(redelivered(first_match[6:]), second_match[LATE + 1 :]))
            current, earlier = detector.rooms["room-a"], detector.earlier_matches["room-a"]
            assert current.start_seq == second_match[0].stream_seq
            assert earlier.start_seq == first_match[0].stream_seq
            assert current.state is None and earlier.state is None  # both matches ended
            return rooms, first_match, dead.sent, detector.sent, await stored_moments(client)

    rooms, first_match, dead_sent, sent, stored = asyncio.run(scenario())
    assert_stored_as_in_order_run(stored, rooms)
    already = first_match[15].stream_seq
    # The second match whole, and the first one past what the dead process stored.
    assert sorted(sent) == sorted(k for k in (key(*m) for m in in_order_moments(rooms)) if k[3] > already)
    assert not set(sent) & set(dead_sent)


def test_a_game_end_frees_the_rooms_match_state(stream):
    publish_match("room-a", tetris_match_events("room-a", index=0, tetrises=1))
    publish_match("room-a", tetris_match_events("room-a", index=1, tetrises=1))

    async def scenario():
        async with on_nats() as client:
            detector = RecordingDetector(client)
            a = (await stored_deliveries(client))["room-a"]
            first_match, second_match = a[: len(a) // 2], a[len(a) // 2 :]
            assert json.loads(first_match[-1].data)["type"] == "game_end"
            for match in (first_match, second_match):
                await feed(detector, match[:-1])
                room = detector.rooms["room-a"]
                assert room.state is not None
                assert room.state.started_at == json.loads(match[0].data)["data"]["started_at"]
                assert room.start_seq == match[0].stream_seq
                await feed(detector, match[-1:])
                assert detector.rooms["room-a"].state is None  # nothing of the match is kept
                assert detector.rooms["room-a"].last_seq == match[-1].stream_seq  # only its positions
                # A redelivered game_end of the match is recognised, and does not bring the state back.
                await feed(detector, redelivered(match[-1:]))
                assert detector.rooms["room-a"].state is None
            assert list(detector.rooms) == ["room-a"] and detector.earlier_matches == {}
            return detector.sent

    sent = asyncio.run(scenario())
    assert len(sent) == len(set(sent)) == 2 * 2 * 2  # matches x players x (tetris, perfect clear)


class FailingAt(RecordingDetector):
    """The detector, meeting a failure of the world (a read timing out) at one delivery."""

    def __init__(self, client, failing_seq: int) -> None:
        super().__init__(client)
        self.failing_seq = failing_seq

    async def _feed(self, client, delivery, *args):
        if delivery.stream_seq == self.failing_seq:
            self.failing_seq = -1
            raise TimeoutError("nats: timeout")
        return await super()._feed(client, delivery, *args)


def test_after_a_failed_batch_later_first_deliveries_of_a_room_it_never_reached_overtake_nothing(stream):
    # The failed batch is nakked and comes back after its delay, behind the batch asked ahead: first
    # deliveries of room-a's later events, while room-a's state stopped before the failed batch.
    publish_alternating("room-a", "room-b")

    async def scenario():
        async with on_nats() as client:
            rooms = await stored_deliveries(client)
            a, b = rooms["room-a"], rooms["room-b"]
            failed_batch = b[LATE:16] + a[LATE:16]  # room-b's events first: the failure comes before room-a's
            detector = FailingAt(client, failing_seq=b[12].stream_seq)
            await feed(detector, in_stream_order(a[:LATE], b[:LATE]))
            with pytest.raises(TimeoutError):
                await detector.process_with_nats(failed_batch, asyncio.to_thread)
            await feed(detector, in_stream_order(a[16:], b[16:]))  # asked ahead: first deliveries
            await feed(detector, redelivered(failed_batch))
            return rooms, detector.sent, await stored_moments(client)

    rooms, sent, stored = asyncio.run(scenario())
    assert any(key(*m)[3] == rooms["room-a"][LATE].stream_seq for m in in_order_moments(rooms))
    assert_stored_as_in_order_run(stored, rooms)
    assert len(sent) == len(set(sent))


def test_first_deliveries_past_events_still_out_there_are_caught_by_their_msg_ids(stream):
    # Nothing flags these deliveries (first ones, no lost connection): a room's later events arrive while
    # those between are in a batch that comes back later. Their Msg-Ids say they do not follow.
    publish_alternating("room-a", "room-b")

    async def scenario():
        async with on_nats() as client:
            rooms = await stored_deliveries(client)
            a, b = rooms["room-a"], rooms["room-b"]
            detector = RecordingDetector(client)
            await feed(detector, in_stream_order(a[:LATE], b[:LATE]))
            await feed(detector, in_stream_order(a[16:], b[LATE:]))
            await feed(detector, redelivered(a[LATE:16]))
            assert detector.rebuilt_rooms >= 1
            return rooms, detector.sent, await stored_moments(client)

    rooms, sent, stored = asyncio.run(scenario())
    assert_stored_as_in_order_run(stored, rooms)
    assert len(sent) == len(set(sent))
