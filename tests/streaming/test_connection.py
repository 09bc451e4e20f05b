import asyncio
import time

import pytest

from devtools.embedded import free_port
from streaming.connection import connect
from streaming.projector import MatchProjector
from tests.support import BackgroundConsumer


@pytest.mark.slow
def test_a_one_shot_connection_to_an_unreachable_nats_fails_fast_with_a_clear_error():
    started = time.monotonic()
    with pytest.raises(ConnectionError, match="cannot reach NATS"):
        asyncio.run(
            connect("test", servers=[f"nats://127.0.0.1:{free_port()}"], retry_forever=False, connect_timeout=0.5)
        )
    assert time.monotonic() - started < 5


@pytest.mark.slow
def test_a_forever_connection_gives_up_when_told_to_stop():
    stop_at = time.monotonic() + 1.0
    with pytest.raises(ConnectionError, match="stopped"):
        asyncio.run(
            connect(
                "test",
                servers=[f"nats://127.0.0.1:{free_port()}"],
                connect_timeout=0.5,
                should_stop=lambda: time.monotonic() > stop_at,
            )
        )
    assert time.monotonic() - stop_at < 5


@pytest.mark.django_db(transaction=True)
def test_a_consumer_started_while_nats_is_down_stops_on_request(stream, test_servers, settings):
    test_servers.nats.stop()
    try:
        consumer = BackgroundConsumer(MatchProjector())
        with consumer:
            time.sleep(1.5)
            started = time.monotonic()
        assert time.monotonic() - started < 5
    finally:
        test_servers.nats.start()


@pytest.mark.django_db(transaction=True)
def test_a_consumer_started_while_nats_is_down_starts_once_it_is_up(stream, test_servers):
    from history.models import Match
    from tests.streaming.factories import match_events
    from tests.support import publish_match, wait_until

    test_servers.nats.stop()
    try:
        with BackgroundConsumer(MatchProjector()):
            time.sleep(1.0)
            test_servers.nats.start()
            publish_match("room-1", match_events("room-1"))
            wait_until(lambda: Match.objects.count() == 1, timeout=60)
    finally:
        if not test_servers.nats.is_running():
            test_servers.nats.start()
