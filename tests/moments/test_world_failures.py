"""The detector when NATS fails it (issue 12's measured losses): retried, never poison, never a moment lost."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections import Counter

from django.conf import settings

from moments.consumer import MomentDetector
from tests.moments.test_consumer import expected_moments, moment_keys, read_all
from tests.streaming.factories import tetris_match_events
from tests.support import BackgroundConsumer, publish_match, publish_raw, run_async, wait_until, with_jetstream


def set_stream_subjects(subjects: list[str]) -> None:
    async def update(js):
        info = await js.stream_info(settings.GAME_EVENTS_STREAM)
        await js.update_stream(dataclasses.replace(info.config, subjects=subjects))

    run_async(with_jetstream(update))


def test_moments_that_no_stream_answers_are_retried_not_recorded_as_poison(stream, caplog):
    # While a stream has no leader, nats-py's publish raises NoStreamResponseError: here the real server
    # produces it by answering no stream for the moments' subjects. The detector once took it for a bug,
    # terminated the events as poison ("unexpected error") and skipped the rest of their rooms.
    caplog.set_level(logging.INFO)
    with BackgroundConsumer(MomentDetector()) as detector:
        wait_until(lambda: detector.runner.pull.is_connected)
        set_stream_subjects(["game.*.events"])
        for index in range(2):
            publish_match("room-w", tetris_match_events("room-w", index=index))
        # Until the batch is given back (RetryLater, after its publish attempts): restored sooner, a
        # later attempt succeeds and the retry is never seen.
        wait_until(lambda: "RetryLater" in caplog.text, timeout=30)
        set_stream_subjects(["game.>"])
        expected = expected_moments()
        wait_until(lambda: set(moment_keys()) >= expected, timeout=60)
    assert "NoStreamResponseError" in caplog.text
    assert "poison event terminated" not in caplog.text
    assert "unexpected" not in caplog.text
    assert "no game_start before it" not in caplog.text
    keys = moment_keys()
    assert [key for key, count in Counter(keys).items() if count > 1] == []
    assert set(keys) == expected


def test_a_moment_missing_before_stored_later_ones_of_its_match_is_still_published(stream):
    # Pipelined publishes that fail part-way (a stream leader lost mid-batch) can store a match's later
    # moments but not an earlier one. The detector used to take the last stored moment as a high-water
    # mark, and so skipped the earlier one for good although it acked every event.
    publish_match("room-g", tetris_match_events("room-g", index=0))
    expected = expected_moments()
    assert len(expected) > 3
    first, *later = sorted(expected, key=lambda key: key[2])
    publish_raw(
        (
            "game.room-g.moments",
            json.dumps(
                {"tick": 0, "type": kind, "player_id": player, "data": {"event_seq": seq, "started_at": started}}
            ).encode(),
            {"Nats-Msg-Id": f"room-g:{kind}:{player}:{seq}"},
        )
        for kind, player, seq, started in later
    )
    with BackgroundConsumer(MomentDetector(), stop_when_idle=True) as detector:
        detector.thread.join(timeout=60)
    keys = moment_keys()
    assert first in keys
    assert [key for key, count in Counter(keys).items() if count > 1] == []
    assert set(keys) == expected
    assert len(read_all("game.room-g.moments")) == len(expected)
