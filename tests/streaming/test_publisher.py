import asyncio
import json
import logging
import time

import pytest
from django.conf import settings
from prometheus_client import REGISTRY

from streaming.connection import connect
from streaming.publisher import LIVENESS_CHECK_EVERY, EventPublisher
from streaming.streams import ensure_stream
from tests.streaming.factories import match_events
from tests.streaming.stall_proxy import StallProxy
from tests.support import run_async, wait_until, with_jetstream


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


def circular() -> dict:
    data: dict = {}
    data["self"] = data
    return data


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


@pytest.mark.slow
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


def metric(name: str) -> float:
    return REGISTRY.get_sample_value(f"tetris_history_{name}") or 0.0


def test_past_its_bound_the_buffer_drops_and_counts(stream, test_servers):
    dropped_before = metric("publisher_dropped_total")
    test_servers.nats.stop()
    publisher = EventPublisher(servers=[test_servers.nats.url], max_buffer=10)
    try:
        events = match_events("room-1", placements_per_player=5)
        accepted = [publisher.publish("room-1", event, msg_id=msg_id) for event, msg_id in events]
        assert accepted == [True] * 10 + [False] * (len(events) - 10)
        assert publisher.stats.dropped == len(events) - 10
        assert metric("publisher_dropped_total") - dropped_before == len(events) - 10
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


@pytest.mark.parametrize(
    "bad_value",
    [object(), {"a", "b"}, float("nan"), circular(), {("x", 1): 2}],
    ids=["object", "set", "nan", "circular", "tuple-key"],
)
def test_an_unencodable_event_is_dropped_and_counted_and_the_rest_are_stored_in_order(publisher, caplog, bad_value):
    events = match_events("room-1")
    bad = {"tick": 1, "type": "input", "player_id": "alice-guest", "data": {"action": "hold", "extra": bad_value}}
    (first, first_id), *rest = events
    assert publisher.publish("room-1", first, msg_id=first_id)
    assert publisher.publish("room-1", bad, msg_id="room-1:bad:1")
    for event, msg_id in rest:
        assert publisher.publish("room-1", event, msg_id=msg_id)
    with caplog.at_level(logging.ERROR, logger="streaming.publisher"):
        assert publisher.flush(timeout=10)
    stats = publisher.stats
    assert (stats.unencodable, stats.published, stats.buffered) == (1, len(events), 0)
    stored = stored_events()
    assert [m.headers["Nats-Msg-Id"] for m in stored] == [msg_id for _, msg_id in events]
    assert [json.loads(m.data) for m in stored] == [event for event, _ in events]
    assert any("room_id=room-1 msg_id=room-1:bad:1" in record.getMessage() for record in caplog.records)


def test_a_publish_the_server_refuses_is_retried_and_stored_once(publisher, caplog):
    published_before, retries_before = metric("publisher_published_total"), metric("publisher_retries_total")
    run_async(with_jetstream(lambda js: js.delete_stream(settings.GAME_EVENTS_STREAM)))
    events = match_events("room-1")
    with caplog.at_level(logging.WARNING, logger="streaming.publisher"):
        for event, msg_id in events:
            assert publisher.publish("room-1", event, msg_id=msg_id)
        wait_until(lambda: publisher.stats.retried > 0, timeout=10)
        assert publisher.stats.published == 0
        run_async(with_jetstream(ensure_stream))
        assert publisher.flush(timeout=30)
    stats = publisher.stats
    assert (stats.published, stats.buffered) == (len(events), 0)
    assert stats.retried >= 1
    assert metric("publisher_published_total") - published_before == stats.published
    assert metric("publisher_retries_total") - retries_before == stats.retried
    assert metric("publisher_buffered_events") == 0
    stored = stored_events()
    assert [m.headers["Nats-Msg-Id"] for m in stored] == [msg_id for _, msg_id in events]
    assert any("NoStreamResponseError" in record.getMessage() for record in caplog.records)


@pytest.fixture
def sender_fails_once(monkeypatch):
    """The sender thread's first window raises, as a bug would: the thread dies with events buffered."""
    real_publish_window = EventPublisher._publish_window
    calls = []

    async def fails_the_first_time(self, *args):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug in the sender")
        return await real_publish_window(self, *args)

    monkeypatch.setattr(EventPublisher, "_publish_window", fails_the_first_time)


@pytest.mark.slow
def test_a_sender_thread_killed_by_a_bug_is_replaced_and_nothing_is_lost(publisher, caplog, sender_fails_once):
    events = [pair for index in range(120) for pair in match_events("room-1", index=index)]
    assert len(events) > 2 * LIVENESS_CHECK_EVERY
    with caplog.at_level(logging.ERROR, logger="streaming.publisher"):
        assert publisher.publish("room-1", events[0][0], msg_id=events[0][1])
        wait_until(lambda: any("sender thread failed" in r.getMessage() for r in caplog.records), timeout=10)
        # publish() alone notices the dead thread within LIVENESS_CHECK_EVERY events and starts another.
        for event, msg_id in events[1:]:
            assert publisher.publish("room-1", event, msg_id=msg_id)
        wait_until(lambda: publisher.stats.restarts == 1, timeout=10)
        assert publisher.flush(timeout=30)
    stats = publisher.stats
    assert (stats.published, stats.buffered, stats.restarts) == (len(events), 0, 1)
    stored = stored_events()
    assert [m.headers["Nats-Msg-Id"] for m in stored] == [msg_id for _, msg_id in events]
    assert any("starting a new one" in record.getMessage() for record in caplog.records)


def test_flush_replaces_a_dead_sender_thread(publisher, sender_fails_once):
    events = match_events("room-1")
    for event, msg_id in events:
        assert publisher.publish("room-1", event, msg_id=msg_id)
    assert publisher.flush(timeout=30)
    assert (publisher.stats.published, publisher.stats.restarts) == (len(events), 1)
    assert [m.headers["Nats-Msg-Id"] for m in stored_events()] == [msg_id for _, msg_id in events]


@pytest.mark.timed
def test_publishing_resumes_within_2_seconds_of_a_black_holed_server_healing(stream, test_servers, record_property):
    # The proxy accepts connections and forwards nothing for 20 s (a paused host, a partition that
    # drops packets): nats-py calls the connection stale and keeps trying; the backlog waits.
    proxy = StallProxy(test_servers.nats.url)
    proxy.forward()
    publisher = EventPublisher(servers=[proxy.url])
    try:
        before = match_events("room-1", index=0)
        for event, msg_id in before:
            assert publisher.publish("room-1", event, msg_id=msg_id)
        assert publisher.flush(timeout=10)
        proxy.stall()
        during = [pair for index in range(1, 21) for pair in match_events("room-1", index=index)]
        stalled_at = time.monotonic()
        for event, msg_id in during:
            assert publisher.publish("room-1", event, msg_id=msg_id)
        time.sleep(max(0.0, 20.0 - (time.monotonic() - stalled_at)))
        assert publisher.stats.published == len(before)
        proxy.forward()
        healed = time.monotonic()
        wait_until(lambda: publisher.stats.published > len(before), timeout=10, interval=0.02)
        resumed = time.monotonic() - healed
        assert publisher.flush(timeout=30)
    finally:
        publisher.close(timeout=5)
        proxy.close()
    record_property("resumed_seconds", round(resumed, 3))
    assert resumed < 2.0, f"publishing resumed {resumed:.2f} s after the heal"
    assert [m.headers["Nats-Msg-Id"] for m in stored_events()] == [msg_id for _, msg_id in before + during]
