"""Partitioned detectors on the 3-node cluster: GAME_EVENTS_PARTITIONED replicated like GAME_EVENTS (moved R1 to R3
in place, its copies kept, none sourced twice), and two partitions finding exactly the moments of one detector."""

from __future__ import annotations

import contextlib
import io

import pytest
from django.core.management import call_command
from nats.js.errors import NotFoundError

from moments.consumer import MomentDetector
from streaming.durables import PARTITIONED_STREAM, partition_durable
from tests.cluster.harness import on_cluster
from tests.moments.test_consumer import assert_stored_once, expected_moments, moment_keys, publish_rooms
from tests.support import BackgroundConsumer, wait_until


@pytest.fixture
def on_the_cluster(nats_cluster, settings):
    settings.NATS_SERVERS = nats_cluster.urls
    nats_cluster.start()

    async def delete(js):
        for name in (PARTITIONED_STREAM, settings.GAME_EVENTS_STREAM):
            with contextlib.suppress(NotFoundError):
                await js.delete_stream(name)

    on_cluster(delete)
    yield nats_cluster
    on_cluster(delete)


def copies() -> int:
    return on_cluster(lambda js: js.stream_info(PARTITIONED_STREAM)).state.messages


def test_partitions_move_to_r3_with_game_events_and_find_one_detectors_moments(on_the_cluster, settings):
    settings.GAME_EVENTS_REPLICAS = 1
    settings.MOMENT_DETECTOR_PARTITIONS = 2
    call_command("setup_stream", stdout=io.StringIO())
    publish_rooms(rooms=4, matches_per_room=3)
    events = on_cluster(lambda js: js.stream_info(settings.GAME_EVENTS_STREAM)).state.messages
    wait_until(lambda: copies() == events, timeout=60, interval=0.2)

    settings.GAME_EVENTS_REPLICAS = 3
    out = io.StringIO()
    call_command("setup_stream", stdout=out)
    assert "GAME_EVENTS_PARTITIONED num_replicas: 1 -> 3" in out.getvalue()
    info = on_cluster(lambda js: js.stream_info(PARTITIONED_STREAM))
    assert info.config.num_replicas == 3
    wait_until(lambda: len(on_cluster(lambda js: js.stream_info(PARTITIONED_STREAM)).cluster.replicas or []) == 2)
    publish_rooms(rooms=4, matches_per_room=1)  # after the move: sourced on, from where it stood
    total = on_cluster(lambda js: js.stream_info(settings.GAME_EVENTS_STREAM)).state.messages
    wait_until(lambda: copies() == total, timeout=60, interval=0.2)
    assert copies() == total  # the update did not start the source over

    expected = expected_moments()
    detectors = [BackgroundConsumer(MomentDetector(partition=i), stream=PARTITIONED_STREAM) for i in range(2)]
    with detectors[0], detectors[1]:
        wait_until(lambda: len(moment_keys()) >= len(expected), timeout=90)
        wait_until(lambda: copies() == 0, timeout=30)  # a work queue: each copy went once acknowledged
    assert_stored_once(expected)
    for partition in range(2):
        durable = on_cluster(lambda js, p=partition: js.consumer_info(PARTITIONED_STREAM, partition_durable(p)))
        assert durable.config.num_replicas == 3
