"""A server that stops answering without closing its connections (a paused node, a half-open link).

NATS_URL names two servers, both TCP proxies in front of the session's real NATS server: every
process starts on the first (the second is down), then the first stalls and the second comes up.
The projector, the detector and the publisher must each call the stalled one dead within
NATS_STALE_SECONDS, go on through the other, and lose nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import UTC, datetime

import pytest

from contract.events import room_id_from_subject, validate_envelope
from history.models import Match, MatchPlayer
from history.projector import MatchProjector
from moments import detect_moments
from moments.consumer import MomentDetector
from streaming.connection import connect
from streaming.publisher import EventPublisher
from streaming.stream_reads import read_subject
from tests.streaming.factories import tetris_match_events
from tests.streaming.stall_proxy import StallProxy
from tests.support import BackgroundConsumer, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

STALE_SECONDS = 3.0
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
# Scheduling on a loaded two-core machine: how much later than the stale timeout a line may come.
MARGIN_SECONDS = 4.0


@pytest.fixture
def proxies(stream, test_servers, settings):
    first, second = StallProxy(test_servers.nats.url), StallProxy(test_servers.nats.url)
    first.forward()  # the second is down (its port refuses connections) until the first stalls
    settings.NATS_SERVERS = [first.url, second.url]
    settings.NATS_STALE_SECONDS = STALE_SECONDS
    # Whatever a stalled connection held unacknowledged comes back after the ack wait: a short one.
    settings.CONSUMER_ACK_WAIT_SECONDS = 3
    settings.CONSUMER_REDELIVERY_BACKOFF_SECONDS = [3.0]
    yield first, second
    first.close()
    second.close()


def read_all(url: str, subject: str) -> list[tuple[int, dict, dict]]:
    async def read():
        client = await connect("test-reader", servers=[url], retry_forever=False)
        try:
            return [(m.seq, json.loads(m.data), m.headers) async for m in read_subject(client, subject, EPOCH)]
        finally:
            await client.close()

    return asyncio.run(read())


def expected_moments(url: str) -> set[tuple]:
    states: dict[str, object] = {}
    expected = set()
    for seq, body, headers in read_all(url, "game.*.events"):
        room = room_id_from_subject(headers["Nats-Subject"])
        state, moments = detect_moments(states.get(room), validate_envelope(body))
        states[room] = state
        expected |= {(m.type, m.player_id, seq) for m in moments}
    return expected


def stored_moments(url: str) -> list[tuple]:
    return [(m["type"], m["player_id"], m["data"]["event_seq"]) for _, m, _ in read_all(url, "game.*.moments")]


def first_line_after(caplog, started: float, needle: str) -> float:
    """Seconds from ``started`` to the first log line containing ``needle``."""
    for record in caplog.records:
        if record.created >= started and needle in record.getMessage():
            return record.created - started
    raise AssertionError(f"no log line {needle!r} after the stall")


def test_a_stalled_server_is_left_for_the_other_within_the_stale_timeout_and_nothing_is_lost(
    proxies, test_servers, caplog
):
    caplog.set_level(logging.INFO, logger="streaming")
    first, second = proxies
    real = test_servers.nats.url
    matches = [(f"room-{n % 4}", tetris_match_events(f"room-{n % 4}", index=n)) for n in range(24)]
    publisher = EventPublisher(servers=[first.url, second.url], ack_timeout=STALE_SECONDS, name="event-publisher")
    with BackgroundConsumer(MatchProjector()), BackgroundConsumer(MomentDetector()):
        for room_id, events in matches[:8]:
            for event, msg_id in events:
                assert publisher.publish(room_id, event, msg_id=msg_id)
        assert publisher.flush(timeout=30)
        wait_until(lambda: Match.objects.count() == 8, timeout=60)
        wait_until(lambda: len(stored_moments(real)) == len(expected_moments(real)), timeout=60)
        assert first.connections >= 5, "every process should be on the first server"

        stalled_at = time.time()
        second.forward()
        first.stall()
        for room_id, events in matches[8:]:
            for event, msg_id in events:
                assert publisher.publish(room_id, event, msg_id=msg_id)
        assert publisher.flush(timeout=90), f"not everything was stored: {publisher.stats}"
        wait_until(lambda: Match.objects.count() == len(matches), timeout=90)
        wait_until(lambda: len(stored_moments(real)) >= len(expected_moments(real)), timeout=90)
        time.sleep(1.0)  # room for a duplicate to show
    assert publisher.close()

    # Nothing lost, nothing twice: every event once, every match and moment exact.
    stored_events = read_all(real, "game.*.events")
    assert len(stored_events) == sum(len(events) for _, events in matches)
    assert len({headers["Nats-Msg-Id"] for _, _, headers in stored_events}) == len(stored_events)
    assert Match.objects.count() == len(matches)
    assert MatchPlayer.objects.count() == 2 * len(matches)
    moments = stored_moments(real)
    assert len(moments) == len(set(moments))
    assert set(moments) == expected_moments(real)
    assert publisher.stats.dropped == 0

    # Each process called the stalled server dead within the stale timeout and went on through the other.
    deadline = STALE_SECONDS + MARGIN_SECONDS
    for needle in (
        "nats pull connection stale name=match-projector-pull",
        "nats pull connection stale name=key-moment-detector-pull",
        "nats disconnected name=match-projector",
        "nats disconnected name=key-moment-detector",
        "nats disconnected name=event-publisher",
    ):
        assert first_line_after(caplog, stalled_at, needle) <= deadline, needle
    for needle in (
        "nats pull connection reconnected name=match-projector-pull server=" + second.url.split("//")[1],
        "nats pull connection reconnected name=key-moment-detector-pull server=" + second.url.split("//")[1],
        "nats reconnected name=event-publisher server=" + second.url.split("//")[1],
        "nats reconnected name=match-projector server=" + second.url.split("//")[1],
        "nats reconnected name=key-moment-detector server=" + second.url.split("//")[1],
    ):
        first_line_after(caplog, stalled_at, needle)
