"""The stall rule and the server's times (pure), and the expected consumers by the settings."""

from datetime import UTC, datetime

import pytest

from streaming.status import (
    ExpectedConsumer,
    consumer_health,
    detector_partitions,
    expected_consumers,
    parse_server_time,
)

NOW = "2026-12-02T06:00:00.5Z"


def info(*, pending=0, ack_pending=0, floor="2026-12-02T05:59:00Z", created="2026-12-01T00:00:00Z", ts=NOW):
    answer = {"num_pending": pending, "num_ack_pending": ack_pending, "ts": ts, "created": created, "ack_floor": {}}
    if floor is not None:
        answer["ack_floor"] = {"consumer_seq": 5, "stream_seq": 9, "last_active": floor}
    return answer


def test_server_times_keep_microseconds_of_nanoseconds():
    assert parse_server_time("2026-12-02T05:53:17.123456789Z") == datetime(2026, 12, 2, 5, 53, 17, 123456, tzinfo=UTC)
    assert parse_server_time("2026-12-02T05:53:17Z") == datetime(2026, 12, 2, 5, 53, 17, tzinfo=UTC)
    assert parse_server_time("2026-12-02T05:53:17.5Z") == datetime(2026, 12, 2, 5, 53, 17, 500000, tzinfo=UTC)
    assert parse_server_time("2026-12-02T06:53:17.25+01:00") == datetime(2026, 12, 2, 5, 53, 17, 250000, tzinfo=UTC)


def test_waiting_messages_behind_a_floor_older_than_the_limit_is_a_stall():
    assert consumer_health(info(pending=3), stall_seconds=60) == {"pending": 3, "ack_pending": 0, "stalled": True}
    assert consumer_health(info(ack_pending=2), stall_seconds=60)["stalled"] is True


def test_a_floor_that_moved_within_the_limit_is_no_stall():
    assert consumer_health(info(pending=3), stall_seconds=61)["stalled"] is False


def test_nothing_waiting_is_no_stall_however_old_the_floor():
    assert consumer_health(info(floor="2020-01-01T00:00:00Z"), stall_seconds=1) == {
        "pending": 0,
        "ack_pending": 0,
        "stalled": False,
    }


def test_a_floor_that_never_moved_counts_from_the_consumers_creation():
    just_created = info(pending=1, floor=None, created="2026-12-02T05:59:59Z")
    assert consumer_health(just_created, stall_seconds=5)["stalled"] is False
    assert consumer_health(info(pending=1, floor=None), stall_seconds=5)["stalled"] is True


def test_the_server_clock_decides_not_ours():
    # An info stamped long ago by the server: measured against its own ts, not against now.
    old = info(pending=1, ts="2001-01-01T00:00:10Z", floor="2001-01-01T00:00:00Z")
    assert consumer_health(old, stall_seconds=60)["stalled"] is False


def test_one_detector_by_default_and_when_the_setting_is_absent(settings):
    assert detector_partitions() == 1
    del settings.MOMENT_DETECTOR_PARTITIONS
    assert detector_partitions() == 1
    assert expected_consumers() == [
        ExpectedConsumer("GAME_EVENTS", "match-projector"),
        ExpectedConsumer("GAME_EVENTS", "key-moment-detector"),
    ]


@pytest.mark.parametrize("partitions", [2, 3])
def test_partitioned_detectors_are_expected_on_the_partitioned_stream(settings, partitions):
    settings.MOMENT_DETECTOR_PARTITIONS = partitions
    assert expected_consumers()[1:] == [
        ExpectedConsumer("GAME_EVENTS_PARTITIONED", f"key-moment-detector-{i}") for i in range(partitions)
    ]
