"""The match archiver on the real stream, PostgreSQL and SeaweedFS: what it writes, when, and only once."""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings

from archive.archiver import MatchArchiver
from archive.document import encode_document, sha256_hex
from archive.services import match_document
from history.models import Match
from history.replay import replay_match
from streaming.models import PoisonEvent
from telemetry.metrics import MATCHES_ARCHIVED
from tests.archive.support import project, publish_match_with_moment
from tests.streaming.factories import match_events
from tests.support import (
    BackgroundConsumer,
    add_durable_consumers,
    publish_match,
    publish_raw,
    run_async,
    wait_until,
    with_jetstream,
)

pytestmark = pytest.mark.django_db(transaction=True)


def expected_sha(match: Match) -> str:
    """The SHA-256 of the object a clean archiving of ``match`` writes: its stream document, encoded."""
    return sha256_hex(
        encode_document(match_document(match=match, replay=replay_match(match.room_id, match.started_at)))
    )


def test_every_projected_match_is_archived_as_its_replay_document(stream, archive_store):
    matches = [project(f"room-{n % 3}", publish_match_with_moment(f"room-{n % 3}", n)) for n in range(6)]
    archiver = MatchArchiver(store=archive_store, settle_seconds=0)
    with BackgroundConsumer(archiver):
        wait_until(lambda: Match.objects.filter(archived_at__isnull=False).count() == 6, timeout=30)
    assert archiver.read_back == 0  # every match assembled from the events consumed, none read back
    for match in matches:
        row = Match.objects.get(pk=match.pk)
        body = archive_store.get(row.archive_key)
        assert row.archive_sha256 == sha256_hex(body) == expected_sha(match)


def test_a_game_end_is_archived_only_once_the_settle_time_has_passed(stream, archive_store):
    published = time.time()
    match = project("room-s", publish_match_with_moment("room-s", 0))
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=3)):
        time.sleep(1.0)  # the archiver has had the game_end for a while: it must still wait
        assert Match.objects.get(pk=match.pk).archived_at is None
        wait_until(lambda: Match.objects.get(pk=match.pk).archived_at is not None, timeout=20)
    assert Match.objects.get(pk=match.pk).archived_at.timestamp() >= published + 3


def test_a_game_end_before_its_match_is_projected_waits_for_the_projector(stream, archive_store):
    events = publish_match_with_moment("room-p", 0)
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=0)) as archiver:
        wait_until(lambda: archiver.runner.processed >= len(events) - 1, timeout=20)  # all but the game_end
        match = project("room-p", events)
        wait_until(lambda: Match.objects.get(pk=match.pk).archived_at is not None, timeout=20)
    assert not PoisonEvent.objects.filter(consumer="match-archiver").exists()


def test_a_redelivered_game_end_of_an_archived_match_writes_nothing(stream, archive_store):
    events = publish_match_with_moment("room-r", 0)
    match = project("room-r", events)
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=0)):
        wait_until(lambda: Match.objects.get(pk=match.pk).archived_at is not None, timeout=20)
    recorded = Match.objects.get(pk=match.pk).archived_at
    before = MATCHES_ARCHIVED._value.get()
    # The same game_end again without a Msg-Id (other publishers send none): the archiver sees it twice.
    publish_raw([("game.room-r.events", json.dumps(events[-1][0]).encode(), None)])
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=0), stop_when_idle=True) as archiver:
        archiver.thread.join(timeout=20)
    assert MATCHES_ARCHIVED._value.get() == before
    assert Match.objects.get(pk=match.pk).archived_at == recorded


def test_matches_published_without_msg_ids_are_read_back_from_the_stream_and_archived_the_same(stream, archive_store):
    matches = []
    for n in range(3):
        events = match_events("room-plain", index=n)
        publish_match("room-plain", events, with_headers=False)  # another game server's plain JSON
        matches.append(project("room-plain", events))
    archiver = MatchArchiver(store=archive_store, settle_seconds=0)
    with BackgroundConsumer(archiver):
        wait_until(lambda: Match.objects.filter(archived_at__isnull=False).count() == 3, timeout=30)
    assert archiver.read_back == 3
    for match in matches:
        assert Match.objects.get(pk=match.pk).archive_sha256 == expected_sha(match)


def test_a_match_waits_for_the_key_moment_detector_to_have_acknowledged_its_game_end(stream, archive_store):
    add_durable_consumers("key-moment-detector")  # a detector that has acknowledged nothing yet
    match = project("room-d", publish_match_with_moment("room-d", 0))
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=0)):
        time.sleep(1.5)  # settled and projected: only the detector holds it back
        assert Match.objects.get(pk=match.pk).archived_at is None
        run_async(with_jetstream(lambda js: js.delete_consumer(settings.GAME_EVENTS_STREAM, "key-moment-detector")))
        wait_until(lambda: Match.objects.get(pk=match.pk).archived_at is not None, timeout=20)


def test_a_game_end_the_projector_passed_without_a_match_is_let_go(stream, archive_store, caplog):
    events = publish_match_with_moment("room-n", 0)  # never projected: as a game_end the projector refused

    async def projector_acknowledges_everything(js):
        subscription = await js.pull_subscribe("game.*.events", durable="match-projector")
        for message in await subscription.fetch(len(events), timeout=5):
            await message.ack_sync()

    run_async(with_jetstream(projector_acknowledges_everything))
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=0), stop_when_idle=True) as archiver:
        archiver.thread.join(timeout=30)
        assert not archiver.thread.is_alive(), "the game_end was nakked again and again"
    assert "game_end never projected" in caplog.text
    assert not Match.objects.exists()
