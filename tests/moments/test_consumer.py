"""The detector on a real NATS server: moments published once, whatever is killed or restarted."""

from __future__ import annotations

import asyncio
import json
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime

import pytest

from contract.events import room_id_from_subject, validate_envelope
from moments import detect_moments
from moments.consumer import MomentDetector
from streaming.connection import connect
from streaming.stream_reads import read_subject
from streaming.streams import ensure_stream
from tests.streaming.factories import tetris_match_events
from tests.support import (
    BackgroundConsumer,
    consumer_info,
    publish_match,
    run_async,
    stream_info,
    subprocess_env,
    wait_until,
    with_jetstream,
)

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def read_all(subject: str) -> list[tuple[int, dict, dict]]:
    async def read():
        client = await connect("test-reader", retry_forever=False)
        try:
            return [(m.seq, json.loads(m.data), m.headers) async for m in read_subject(client, subject, EPOCH)]
        finally:
            await client.close()

    return asyncio.run(read())


def moment_keys() -> list[tuple]:
    return [
        (m["type"], m["player_id"], m["data"]["event_seq"], m["data"]["started_at"])
        for _, m, _ in read_all("game.*.moments")
    ]


def expected_moments() -> set[tuple]:
    """What an uninterrupted run finds: detect_moments over each room's events in stream order."""
    states: dict[str, object] = {}
    expected = set()
    for seq, body, headers in read_all("game.*.events"):
        event = validate_envelope(body)
        room = room_id_from_subject(headers["Nats-Subject"])
        state, moments = detect_moments(states.get(room), event)
        states[room] = state
        expected |= {(m.type, m.player_id, seq, state.started_at) for m in moments}
    return expected


def publish_rooms(rooms: int, matches_per_room: int, tetrises: int = 3) -> None:
    for match in range(matches_per_room):
        for room in range(rooms):
            room_id = f"room-{room}"
            publish_match(room_id, tetris_match_events(room_id, index=match, tetrises=tetrises))


def test_detector_publishes_every_moment_once_with_its_event_seq(stream):
    publish_rooms(rooms=2, matches_per_room=3)
    expected = expected_moments()
    assert len(expected) == 2 * 3 * 2 * (3 + 3 + 2)  # rooms x matches x players x (tetris, pc, b2b)
    with BackgroundConsumer(MomentDetector()):
        wait_until(lambda: len(moment_keys()) >= len(expected), timeout=30)
        wait_until(every_event_acked)  # nothing in hand: no moment, nor a duplicate, can still come
    keys = moment_keys()
    assert len(keys) == len(set(keys))
    assert set(keys) == expected
    _, first, headers = read_all("game.*.moments")[0]
    assert headers["Nats-Msg-Id"] == (f"room-0:{first['type']}:{first['player_id']}:{first['data']['event_seq']}")


def test_detector_consumes_only_events_subjects(stream):
    """Moments are read back only by direct get (a recovering room's high-water mark), never as input."""
    publish_rooms(rooms=1, matches_per_room=1)
    with BackgroundConsumer(MomentDetector()) as running:
        wait_until(lambda: len(moment_keys()) == len(expected_moments()), timeout=30)
        wait_until(every_event_acked)
    # A fresh process (no rooms in memory) on the next match of the room: its game_start makes it read
    # the room's stored moments, which are now in the stream after the events it consumes.
    publish_match("room-0", tetris_match_events("room-0", index=1))
    with BackgroundConsumer(MomentDetector()) as second:
        wait_until(lambda: len(moment_keys()) == len(expected_moments()), timeout=30)
        wait_until(every_event_acked)
    info = consumer_info(MomentDetector.durable)
    events = read_all("game.*.events")
    moments = read_all("game.*.moments")
    assert len(moments) == len(expected_moments()) > 0
    assert info.config.filter_subject == "game.*.events"
    # Every delivery was one of the events, once: none of the moments after them was fed back.
    assert info.delivered.consumer_seq == len(events)
    assert info.delivered.stream_seq == events[-1][0]
    assert info.num_pending == 0 and info.num_ack_pending == 0
    assert running.runner.processed + second.runner.processed == len(events)


def every_event_acked() -> bool:
    """The detector's durable has nothing pending and nothing in hand: every moment it would publish
    (before acking its event) is published, duplicates included."""
    info = consumer_info(MomentDetector.durable)
    return info.num_pending == 0 and info.num_ack_pending == 0


# `manage.py run_moment_detector` with the stream's duplicate window given: the process brings the stream to
# its window on start, and the window is a parameter of the stream's configuration, not a setting.
DETECTOR_WITH_WINDOW = (
    "import sys; import streaming.streams as streams; streams.DUPLICATE_WINDOW_SECONDS = float(sys.argv[1]); "
    "from django.core.management import execute_from_command_line; "
    "execute_from_command_line(['manage.py', 'run_moment_detector'])"
)


def start_detector(log_path, env, window_seconds: float) -> subprocess.Popen:
    with open(log_path, "ab") as log:
        command = [sys.executable, "-c", DETECTOR_WITH_WINDOW, str(window_seconds)]
        return subprocess.Popen(command, env=env, stdout=log, stderr=log)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("window_seconds", "pause_seconds"), [(120, 0.0), (1, 3.0)], ids=["within-window", "after-window"]
)
def test_detector_killed_at_random_points_ends_with_the_uninterrupted_moment_set(
    stream, tmp_path, settings, window_seconds, pause_seconds
):
    # Within: the contract's 2-minute duplicate window, every restart inside it. After: a 1-second window and
    # 3-second pauses, so restarts cannot lean on Msg-Ids at all. The detector processes bring the stream
    # to their own window on start, so they are given the same one.
    # Short redelivery delays: messages held by a killed process come back within seconds.
    env = {
        **subprocess_env(),
        "CONSUMER_ACK_WAIT_SECONDS": "2",
        "CONSUMER_REDELIVERY_BACKOFF_SECONDS": "3,4",
    }
    # The fixture's stream gets that duplicate window, as the detector would on start.
    run_async(with_jetstream(lambda js: ensure_stream(js, duplicate_window_seconds=window_seconds)))
    assert stream_window() == window_seconds
    started = time.monotonic()
    # 3,520 moments: the kills fall within the first tenth of a second of detection, long before its end.
    publish_rooms(rooms=8, matches_per_room=20, tetrises=4)
    expected = expected_moments()
    events = stored_count()
    rng = random.Random(7)
    for attempt in range(3):
        before = stored_count()
        process = start_detector(tmp_path / f"detector-{attempt}.log", env, window_seconds)
        try:
            wait_until(lambda b=before: stored_count() > b, timeout=60, interval=0.01)
            time.sleep(rng.uniform(0.0, 0.1))
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        assert stored_count() - events < len(expected), "the detector should be killed before the end"
        time.sleep(pause_seconds)
    final = start_detector(tmp_path / "detector-final.log", env, window_seconds)
    try:
        wait_for_moments(expected, timeout=150)
        wait_until(every_event_acked, timeout=30)  # room for a duplicate: none held, none to come
    finally:
        final.send_signal(signal.SIGTERM)
        assert final.wait(timeout=30) == 0
    assert_stored_once(expected)
    assert stream_window() == window_seconds
    if pause_seconds == 0.0:
        assert time.monotonic() - started < window_seconds, "every restart should be within the window"


def wait_for_moments(expected: set[tuple], timeout: float) -> None:
    """Until every expected moment is stored; the missing ones named when they are not."""
    try:
        wait_until(lambda: set(moment_keys()) >= expected, timeout=timeout)
    except AssertionError:
        missing = sorted(expected - set(moment_keys()), key=lambda k: k[2])
        raise AssertionError(f"{len(missing)} moments missing, e.g. {missing[:5]}") from None


def assert_stored_once(expected: set[tuple]) -> None:
    """The stored moments are exactly ``expected``, none twice."""
    keys = moment_keys()
    assert [key for key, count in Counter(keys).items() if count > 1] == []
    assert set(keys) == expected


def stored_count() -> int:
    """Messages in the stream: events plus the moments stored so far."""
    return stream_info().state.messages


def stream_window() -> float:
    return stream_info().config.duplicate_window


def test_matches_idle_longer_than_the_setting_are_forgotten(stream):
    detector = MomentDetector(idle_seconds=0.5)
    with BackgroundConsumer(detector) as running:
        publish_match("room-a", tetris_match_events("room-a", tetrises=1)[:-1])  # under way, no game_end
        wait_until(lambda: "room-a" in detector.rooms)
        time.sleep(1.0)
        publish_match("room-b", tetris_match_events("room-b", tetrises=1)[:-1])
        wait_until(lambda: "room-b" in detector.rooms)
        wait_until(lambda: "room-a" not in detector.rooms, timeout=5)
    assert running.runner.processed == 2 * (len(tetris_match_events("room-a", tetrises=1)) - 1)
