"""Partitioned detectors on a real NATS server (docs/operations.md): the moments of one detector, whatever is killed."""

from __future__ import annotations

import asyncio
import io
import random
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.core.management import call_command

from moments.consumer import MomentDetector
from streaming.connection import connect
from streaming.durables import PARTITIONED_STREAM
from streaming.stream_reads import read_subject
from tests.conftest import reset_stream
from tests.moments.test_consumer import (
    EPOCH,
    assert_stored_once,
    expected_moments,
    publish_rooms,
    wait_for_moments,
)
from tests.support import (
    BackgroundConsumer,
    publish_raw,
    run_async,
    stored_game_events,
    stream_info,
    subprocess_env,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True)


def stored_moments() -> list[tuple[str, bytes]]:
    """(Nats-Msg-Id, payload) of every stored moment."""

    async def read():
        client = await connect("test-reader", retry_forever=False)
        try:
            return [(m.headers["Nats-Msg-Id"], m.data) async for m in read_subject(client, "game.*.moments", EPOCH)]
        finally:
            await client.close()

    return asyncio.run(read())


def run_detectors(detectors: list[MomentDetector], events: int, *, stream: str | None = None) -> None:
    running = [BackgroundConsumer(detector, stream=stream) for detector in detectors]
    for consumer in running:
        consumer.__enter__()
    try:
        wait_until(lambda: sum(consumer.runner.processed for consumer in running) == events, timeout=180)
    finally:
        for consumer in running:
            consumer.stop()


def test_two_or_three_partitions_publish_exactly_the_moments_and_msg_ids_of_one_detector(stream, settings):
    call_command("simulate", rooms=6, matches=1, players=3, seed="12", stdout=io.StringIO(), stderr=io.StringIO())
    events = stored_game_events()
    run_detectors([MomentDetector()], len(events))
    one = stored_moments()
    assert len(one) > 20

    for partitions in (2, 3):
        # The same events in the same order on a fresh stream have the same sequences: now N partitions.
        run_async(reset_stream())
        assert publish_raw((subject, data, headers) for _, subject, data, headers in events) == [e[0] for e in events]
        settings.MOMENT_DETECTOR_PARTITIONS = partitions
        call_command("setup_stream", stdout=io.StringIO())
        detectors = [MomentDetector(partition=i) for i in range(partitions)]
        run_detectors(detectors, len(events), stream=PARTITIONED_STREAM)
        found = stored_moments()

        assert [msg_id for msg_id, count in Counter(msg_id for msg_id, _ in found).items() if count > 1] == []
        assert sorted(found) == sorted(one)  # the same Msg-Ids, byte for byte the same moments
        rooms = [set(detector.rooms) for detector in detectors]
        assert sum(len(r) for r in rooms) == len(set().union(*rooms)), rooms  # each room in one partition only
        assert set().union(*rooms) == {f"sim-room-{n}" for n in range(1, 7)}
        assert sum(1 for r in rooms if r) >= 2, rooms  # the rooms were spread


def start_partition(partition: int, log_path, env) -> subprocess.Popen:
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_moment_detector", "--partition", str(partition)],
            env=env,
            stdout=log,
            stderr=log,
        )


@pytest.mark.slow
def test_a_partitions_detector_killed_mid_stream_and_restarted_loses_and_duplicates_nothing(stream, tmp_path, settings):
    settings.MOMENT_DETECTOR_PARTITIONS = 2
    env = {
        **subprocess_env(),
        "MOMENT_DETECTOR_PARTITIONS": "2",
        # Short redelivery delays: messages held by a killed process come back within seconds.
        "CONSUMER_ACK_WAIT_SECONDS": "2",
        "CONSUMER_REDELIVERY_BACKOFF_SECONDS": "3,4",
    }
    call_command("setup_stream", stdout=io.StringIO())
    publish_rooms(rooms=8, matches_per_room=40, tetrises=4)
    expected = expected_moments()
    events = stream_info().state.messages
    other = start_partition(1, tmp_path / "partition-1.log", env)
    rng = random.Random(11)
    try:
        for attempt in range(3):
            before = stream_info().state.messages
            process = start_partition(0, tmp_path / f"partition-0-{attempt}.log", env)
            try:
                wait_until(lambda b=before: stream_info().state.messages > b, timeout=60, interval=0.01)
                time.sleep(rng.uniform(0.0, 0.1))
            finally:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
            assert stream_info().state.messages - events < len(expected), "partition 0 should be killed before the end"
        final = start_partition(0, tmp_path / "partition-0-final.log", env)
        try:
            wait_for_moments(expected, timeout=90)
            time.sleep(1.0)
        finally:
            final.send_signal(signal.SIGTERM)
            assert final.wait(timeout=30) == 0
    finally:
        other.send_signal(signal.SIGTERM)
        assert other.wait(timeout=30) == 0
    assert_stored_once(expected)
    log = (tmp_path / "partition-0-final.log").read_text()
    assert "consumer created" not in log  # setup_stream made the partitions' durables


def test_a_detector_waiting_for_nats_to_read_the_layout_exits_cleanly_on_sigterm(tmp_path):
    env = {**subprocess_env(), "NATS_URL": "nats://127.0.0.1:1", "MOMENT_DETECTOR_PARTITIONS": "2"}
    log_path = tmp_path / "partition-1.log"
    process = start_partition(1, log_path, env)
    try:
        wait_until(lambda: "nats unreachable name=moment-detector-setup" in log_path.read_text(), timeout=30)
    finally:
        process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0, log_path.read_text()
