import asyncio
import time

import pytest
from django.conf import settings

from streaming.connection import connect
from streaming.publisher import EventPublisher
from tests.streaming.factories import match_events


def stored_events(subject: str = "game.*.events") -> list:
    async def read() -> list:
        client = await connect("test-reader", retry_forever=False)
        try:
            js = client.jetstream()
            info = await js.stream_info(settings.GAME_EVENTS_STREAM)
            messages = []
            for seq in range(info.state.first_seq, info.state.last_seq + 1):
                if info.state.messages == 0:
                    break
                messages.append(await js.get_msg(settings.GAME_EVENTS_STREAM, seq))
            return messages
        finally:
            await client.close()

    return asyncio.run(read())


@pytest.fixture
def publisher(stream, test_servers):
    publisher = EventPublisher(servers=[test_servers.nats.url], ack_timeout=2.0)
    yield publisher
    publisher.close(timeout=5)


def test_published_events_are_stored_in_order_with_their_msg_id(publisher):
    events = match_events("room-1")
    for event, msg_id in events:
        assert publisher.publish("room-1", event, msg_id=msg_id)
    assert publisher.flush(timeout=10)
    stored = stored_events()
    assert [m.headers["Nats-Msg-Id"] for m in stored] == [msg_id for _, msg_id in events]
    assert {m.subject for m in stored} == {"game.room-1.events"}


def test_a_resent_event_is_stored_once(publisher):
    event, msg_id = match_events("room-1")[0]
    for _ in range(3):
        publisher.publish("room-1", event, msg_id=msg_id)
    assert publisher.flush(timeout=10)
    assert len(stored_events()) == 1


@pytest.mark.parametrize("room_id", ["a.b", "*", ">", "room 1", "", "x" * 65, "game.>", None])
def test_a_bad_room_id_is_refused_before_publishing(publisher, room_id):
    event, msg_id = match_events("room-1")[0]
    assert publisher.publish(room_id, event, msg_id=msg_id) is False
    assert publisher.stats.refused == 1
    assert publisher.flush(timeout=5)
    assert stored_events() == []


def test_publish_with_nats_down_returns_at_once_and_events_arrive_when_it_returns(stream, test_servers):
    test_servers.nats.stop()
    publisher = EventPublisher(servers=[test_servers.nats.url], ack_timeout=2.0)
    try:
        events = match_events("room-1", placements_per_player=50)
        durations = []
        for event, msg_id in events:
            started = time.perf_counter()
            assert publisher.publish("room-1", event, msg_id=msg_id)
            durations.append(time.perf_counter() - started)
        assert max(durations) < 0.05
        assert sorted(durations)[len(durations) // 2] < 0.001
        time.sleep(1.0)
        assert publisher.stats.published == 0
    finally:
        test_servers.nats.start()
    assert publisher.flush(timeout=60)
    assert publisher.close()
    assert len(stored_events()) == len(events)


def test_past_its_bound_the_buffer_drops_and_counts(stream, test_servers):
    test_servers.nats.stop()
    publisher = EventPublisher(servers=[test_servers.nats.url], max_buffer=10)
    try:
        events = match_events("room-1", placements_per_player=5)
        accepted = [publisher.publish("room-1", event, msg_id=msg_id) for event, msg_id in events]
        assert accepted == [True] * 10 + [False] * (len(events) - 10)
        assert publisher.stats.dropped == len(events) - 10
    finally:
        test_servers.nats.start()
    assert publisher.flush(timeout=60)
    publisher.close()
    assert len(stored_events()) == 10


def test_disabled_publisher_is_a_silent_no_op(stream):
    publisher = EventPublisher(enabled=False)
    event, msg_id = match_events("room-1")[0]
    assert publisher.publish("room-1", event, msg_id=msg_id) is False
    assert publisher.flush(timeout=1)
    assert publisher.stats.accepted == 0
    assert stored_events() == []
