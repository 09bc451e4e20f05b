import asyncio
import time
from urllib.parse import urlparse

import pytest
from nats.aio.client import Server

from devtools.embedded import free_port
from history.projector import MatchProjector
from streaming.connection import (
    MAX_BACKOFF_SECONDS,
    REFUSING_PATIENCE_SECONDS,
    SHORT_BACKOFF_SECONDS,
    ReconnectPolicy,
    backoff_limit,
    connect,
    retry_delays,
)
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


def servers(*reconnects: int) -> list[Server]:
    return [Server(uri=urlparse(f"nats://127.0.0.1:{4222 + n}"), reconnects=n_) for n, n_ in enumerate(reconnects)]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_server_that_accepted_a_connection_is_tried_at_once():
    server, delay = ReconnectPolicy(Clock())(servers(0, 3, 3), {})
    assert (server.uri.port, delay) == (4222, 0.0)


def test_a_server_that_has_not_failed_goes_before_one_that_just_failed_however_long_its_attempt_took():
    clock = Clock()
    policy = ReconnectPolicy(clock)
    assert policy(servers(0, 0), {})[0].uri.port == 4222  # the one it was on, at once
    clock.now += 2.0  # held for the whole connect timeout: a server that accepts and answers nothing
    server, delay = policy(servers(1, 0), {})
    assert (server.uri.port, delay) == (4223, 0.0)


def test_a_refusing_server_is_tried_again_at_most_2_seconds_after_its_last_attempt_began():
    clock = Clock()
    policy = ReconnectPolicy(clock)
    waits = []
    for failures in range(1, 12):  # one server refusing, for longer and longer
        _, delay = policy(servers(failures), {})
        waits.append(delay)
        clock.now += delay + 0.01  # a refusal takes a moment
    assert max(waits) <= 2.0
    assert waits[-1] >= 1.6
    # An attempt that took the whole connect timeout (accepted, never answered) is followed at once.
    clock.now += 2.0
    assert policy(servers(12), {})[1] == 0.0


def test_only_a_server_refusing_for_minutes_waits_up_to_30_seconds_and_never_holds_up_the_others():
    clock = Clock()
    policy = ReconnectPolicy(clock)
    for failures in range(1, 4):
        policy(servers(failures, 0), {})
    clock.now += REFUSING_PATIENCE_SECONDS + 1
    assert backoff_limit(8, REFUSING_PATIENCE_SECONDS + 1) == MAX_BACKOFF_SECONDS
    server, delay = policy(servers(8, 8), {})
    assert delay <= 2.0  # the other one has refused for seconds only
    assert server.uri.port == 4223


def test_retry_delays_stay_under_2_seconds_for_two_minutes_then_grow_to_30():
    clock = Clock()
    delays = retry_delays(clock=clock)
    early = [next(delays) for _ in range(10)]
    assert max(early) <= SHORT_BACKOFF_SECONDS
    clock.now += REFUSING_PATIENCE_SECONDS
    late = [next(delays) for _ in range(10)]
    assert SHORT_BACKOFF_SECONDS < max(late) <= MAX_BACKOFF_SECONDS
