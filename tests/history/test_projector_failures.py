"""The projector under failure: killed mid-backlog, NATS restarted, PostgreSQL restarted."""

import logging
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from history.models import Match, MatchPlayer
from history.projector import MatchProjector
from streaming.publisher import EventPublisher
from tests.streaming.factories import match_events
from tests.support import BackgroundConsumer, publish_match, subprocess_env, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


# Messages a killed projector held come back after the ack wait: a short one for the tests. Every
# projector process gets the same, since each brings the durable consumer to its own settings on start.
SHORT_ACK_WAITS = {"CONSUMER_ACK_WAIT_SECONDS": "3", "CONSUMER_REDELIVERY_BACKOFF_SECONDS": "3"}


def start_projector_process(log_path) -> subprocess.Popen:
    # A file, not a pipe: a full pipe would block the process on its own log lines.
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_projector"],
            env={**subprocess_env(), **SHORT_ACK_WAITS},
            stdout=log,
            stderr=log,
        )


def test_projector_killed_mid_backlog_and_restarted_beside_a_second_one_leaves_exact_rows(stream, tmp_path, settings):
    settings.CONSUMER_ACK_WAIT_SECONDS = 3
    settings.CONSUMER_REDELIVERY_BACKOFF_SECONDS = [3.0]
    total = 1500
    for n in range(total):
        publish_match(f"room-{n % 11}", match_events(f"room-{n % 11}", index=n, placements_per_player=4))
    first = start_projector_process(tmp_path / "first.log")
    try:
        wait_until(lambda: Match.objects.count() > 50, timeout=60)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert Match.objects.count() < total, "the backlog should not be done when the projector is killed"
    finally:
        if first.poll() is None:
            first.kill()
    restarted = start_projector_process(tmp_path / "restarted.log")
    try:
        # Up before the second one joins: on a slow machine the in-process projector could otherwise finish
        # the backlog while this one is still importing Django, and the SIGTERM would find no handler yet.
        wait_until(lambda: b"nats pull connection open" in (tmp_path / "restarted.log").read_bytes(), timeout=60)
        with BackgroundConsumer(MatchProjector()):  # a second projector on the same durable
            wait_until(lambda: Match.objects.count() == total, timeout=150)
    finally:
        restarted.send_signal(signal.SIGTERM)
        try:
            exit_code = restarted.wait(timeout=30)
        finally:
            if restarted.poll() is None:
                restarted.kill()
    assert exit_code == 0
    assert Match.objects.count() == total
    assert MatchPlayer.objects.count() == 2 * total


def test_sigterm_finishes_the_batch_and_exits_zero(stream, tmp_path):
    for n in range(200):
        publish_match("room-1", match_events("room-1", index=n, placements_per_player=1))
    process = start_projector_process(tmp_path / "projector.log")
    wait_until(lambda: Match.objects.count() > 0, timeout=30)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0
    assert "finishing the batch in hand" in (tmp_path / "projector.log").read_text()


@pytest.mark.timed
def test_nats_restart_while_projector_and_publisher_run_loses_nothing(stream, test_servers, caplog):
    caplog.set_level(logging.INFO, logger="streaming")
    publisher = EventPublisher(servers=[test_servers.nats.url], ack_timeout=2.0)
    matches = [match_events(f"room-{n % 3}", index=n, placements_per_player=2) for n in range(60)]
    try:
        with BackgroundConsumer(MatchProjector()):
            for n, events in enumerate(matches[:20]):
                for event, msg_id in events:
                    assert publisher.publish(f"room-{n % 3}", event, msg_id=msg_id)
            assert publisher.flush(timeout=20)
            wait_until(lambda: Match.objects.count() == 20, timeout=30)  # the projector is up and consuming
            test_servers.nats.stop()
            started = time.perf_counter()
            for n, events in enumerate(matches[20:], start=20):
                for event, msg_id in events:
                    assert publisher.publish(f"room-{n % 3}", event, msg_id=msg_id)
            assert time.perf_counter() - started < 0.5, "publish() must not wait for NATS"
            time.sleep(1.5)
            test_servers.nats.start()
            assert publisher.flush(timeout=60)
            wait_until(lambda: Match.objects.count() == 60, timeout=60)
            # The projector's nats-py client (setup only, idle here) reconnects on its own backoff, which may
            # end after the matches are in.
            wait_until(lambda: "nats reconnected name=match-projector " in caplog.text, timeout=30)
    finally:  # a failure above must not leave its sender thread publishing into the next test's stream
        closed = publisher.close()
    assert closed
    assert publisher.stats.dropped == 0
    assert MatchPlayer.objects.count() == 120
    # Each disconnect and reconnect of the projector's connections is logged.
    assert "nats pull connection closed by the server" in caplog.text or "nats pull connection lost" in caplog.text
    assert "nats pull connection reconnected name=match-projector-pull" in caplog.text
    assert "nats disconnected name=match-projector" in caplog.text
    assert "nats reconnected name=match-projector" in caplog.text


def test_postgresql_restart_makes_the_projector_back_off_then_catch_up(stream, test_servers, caplog):
    with BackgroundConsumer(MatchProjector()):
        publish_match("room-1", match_events("room-1", index=0))
        wait_until(lambda: Match.objects.count() == 1)
        connection.close()
        test_servers.postgres.stop()
        try:
            for n in range(1, 30):
                publish_match("room-1", match_events("room-1", index=n))
            wait_until(lambda: "retrying in" in caplog.text, timeout=30)
        finally:
            test_servers.postgres.start()
        wait_until(lambda: Match.objects.count() == 30, timeout=90)
    assert MatchPlayer.objects.count() == 60
    assert os.path.exists(test_servers.postgres.data_dir)
