"""`manage.py redetect ROOM_ID [--started-at T]` (issue 15): the detector's rules run again over a stored
match publish only the moments not stored yet, with the live detector's Msg-Ids and payloads.

The rules gap is the real detector run with its tetris rule taken out; what redetect then stores is
compared with what the clean detector stored for the same events at the same stream sequences (a
fresh stream each time). The stream's duplicate window is 1 s here and each redetect waits it out,
so a moment published twice would be stored twice: the stored-moment check alone prevents it.
"""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

import moments.consumer as detector_module
from moments.consumer import MomentDetector
from moments.detection import detect_moments
from streaming.durables import PARTITIONED_STREAM
from streaming.stream_reads import read_subject
from tests.conftest import reset_stream
from tests.moments.test_partitioned_detectors import run_detectors
from tests.moments.test_recovery import RecordingDetector, feed, on_nats, stored_deliveries
from tests.streaming.factories import match_events, tetris_match_events
from tests.support import publish_match, run_async

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
WINDOW_SECONDS = 1


@pytest.fixture
def short_window_stream(stream, monkeypatch):
    # The detectors these tests run bring the stream to the default window on start: shortened too.
    monkeypatch.setattr("streaming.streams.DUPLICATE_WINDOW_SECONDS", WINDOW_SECONDS)
    run_async(reset_stream(duplicate_window_seconds=WINDOW_SECONDS))
    return stream


def without_tetrises(state, event):
    state, moments = detect_moments(state, event)
    return state, [moment for moment in moments if moment.type != "tetris"]


async def _detect_all() -> None:
    async with on_nats() as client:
        detector = RecordingDetector(client)
        for deliveries in (await stored_deliveries(client)).values():
            await feed(detector, deliveries)


async def _stored() -> list[tuple[str, dict]]:
    """Every stored moment as (Msg-Id, body), in stream order."""
    async with on_nats() as client:
        return [
            (message.headers["Nats-Msg-Id"], json.loads(message.data))
            async for message in read_subject(client, "game.*.moments", EPOCH)
        ]


def stored_moments() -> list[tuple[str, dict]]:
    return run_async(_stored())


def publish_two_matches() -> tuple[str, str]:
    """Two finished matches of room-1 (tetrises in both); the start of each."""
    first, second = tetris_match_events("room-1", index=0), tetris_match_events("room-1", index=1)
    publish_match("room-1", first)
    publish_match("room-1", second)
    return first[0][0]["data"]["started_at"], second[0][0]["data"]["started_at"]


def redetect(*args: str) -> tuple[str, str]:
    asyncio.run(asyncio.sleep(WINDOW_SECONDS + 0.2))  # past the stream's duplicate window
    out, err = io.StringIO(), io.StringIO()
    call_command("redetect", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.slow
def test_after_a_rules_gap_redetect_adds_the_missing_moments_with_the_detectors_msg_ids_and_no_duplicate(
    short_window_stream, monkeypatch
):
    publish_two_matches()
    run_async(_detect_all())
    clean = stored_moments()
    assert any(body["type"] == "tetris" for _, body in clean)

    run_async(reset_stream())
    first, second = publish_two_matches()
    with monkeypatch.context() as patched:
        patched.setattr(detector_module, "detect_moments", without_tetrises)
        run_async(_detect_all())
    gap = stored_moments()
    missing = sorted(item for item in clean if item not in gap)
    assert missing and all(body["type"] == "tetris" for _, body in missing)

    out, _ = redetect("room-1", "--started-at", first)
    first_missing = [(msg_id, body) for msg_id, body in missing if body["data"]["started_at"] == first]
    assert f"found {sum(1 for _, b in clean if b['data']['started_at'] == first)} moment(s)" in out
    assert f"published {len(first_missing)}\n" in out
    for msg_id, body in first_missing:
        assert f"published tetris player_id={body['player_id']} event_seq={body['data']['event_seq']}" in out
        assert msg_id in out
    out, err = redetect("room-1")  # the latest finished match: the second
    assert "latest finished match" in err and second[:19] in err
    assert sorted(stored_moments()) == sorted(clean)

    out, _ = redetect("room-1", "--started-at", first)
    assert "published 0" in out
    assert sorted(stored_moments()) == sorted(clean)


def test_dry_run_says_what_is_missing_and_publishes_nothing(short_window_stream, monkeypatch):
    first, _ = publish_two_matches()
    monkeypatch.setattr(detector_module, "detect_moments", without_tetrises)
    run_async(_detect_all())
    before = stored_moments()
    out, _ = redetect("room-1", "--started-at", first, "--dry-run")
    assert "would publish 6\n" in out and out.count("would publish tetris") == 6  # 3 each of 2 players
    assert stored_moments() == before


@pytest.mark.slow
def test_no_such_match(stream):
    publish_match("room-1", match_events("room-1"))
    with pytest.raises(CommandError, match="no match of room 'room-1'"):
        redetect("room-1", "--started-at", "2099-01-01T00:00:00Z")
    with pytest.raises(CommandError, match="'room-9' has no finished match"):
        redetect("room-9")


def test_a_match_without_its_game_end_is_refused(stream):
    playing = match_events("room-1")[:-1]
    publish_match("room-1", playing)
    with pytest.raises(CommandError, match="has no game_end"):
        redetect("room-1", "--started-at", playing[0][0]["data"]["started_at"])
    assert stored_moments() == []


@pytest.mark.slow
def test_nats_unreachable(stream, settings):
    settings.NATS_SERVERS = ["nats://127.0.0.1:1"]
    with pytest.raises(CommandError, match="cannot reach NATS"):
        redetect("room-1", "--started-at", "2020-01-01T00:00:00Z")


def test_a_match_the_stream_no_longer_holds(stream):
    publish_match("room-1", match_events("room-1", index=5))
    with pytest.raises(CommandError, match="no longer holds"):
        redetect("room-1", "--started-at", "1999-01-01T00:00:00Z")


@pytest.mark.django_db(transaction=True)
def test_after_partitioned_detectors_with_a_rules_gap_redetect_gives_the_moments_of_one_clean_detector(
    stream, settings, monkeypatch
):
    rooms = [f"room-{n}" for n in range(1, 5)]
    matches = [tetris_match_events(room, index=n) for n, room in enumerate(rooms)]
    for room, events in zip(rooms, matches, strict=True):
        publish_match(room, events)
    run_async(_detect_all())
    clean = stored_moments()

    run_async(reset_stream())
    for room, events in zip(rooms, matches, strict=True):
        publish_match(room, events)
    settings.MOMENT_DETECTOR_PARTITIONS = 2
    call_command("setup_stream", stdout=io.StringIO())
    with monkeypatch.context() as patched:
        patched.setattr(detector_module, "detect_moments", without_tetrises)
        run_detectors(
            [MomentDetector(partition=i) for i in range(2)], sum(map(len, matches)), stream=PARTITIONED_STREAM
        )
    assert len(stored_moments()) < len(clean)

    for room, events in zip(rooms, matches, strict=True):
        redetect(room, "--started-at", events[0][0]["data"]["started_at"])
    assert sorted(stored_moments()) == sorted(clean)  # GAME_EVENTS sequences in the Msg-Ids, as one detector's
