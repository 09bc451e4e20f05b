"""The archiver under failure: SIGKILLed mid-stream, the object store stopped, PostgreSQL restarted."""

from __future__ import annotations

import signal
import subprocess
import sys

import boto3
import pytest
from django.conf import settings
from django.db import connection

from archive.archiver import MatchArchiver
from archive.document import encode_document, sha256_hex
from archive.services import match_document
from history.models import Match
from history.replay import replay_match
from streaming.models import PoisonEvent
from telemetry.metrics import CONSUMER_MESSAGES
from tests.archive.conftest import archive_env
from tests.archive.support import project, publish_and_project_many, publish_match_with_moment
from tests.support import BackgroundConsumer, subprocess_env, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Messages a killed archiver held come back after the ack wait: a short one for the tests.
SHORT_ACK_WAITS = {"CONSUMER_ACK_WAIT_SECONDS": "3", "CONSUMER_REDELIVERY_BACKOFF_SECONDS": "3"}


def archived() -> int:
    return Match.objects.filter(archived_at__isnull=False).count()


# `manage.py run_archiver` with batches of 1,000 events (about 40 matches) instead of 5,000: a few hundred
# matches then make several batches, and each kill falls between the first and the last.
ARCHIVER_WITH_SMALL_BATCHES = (
    "import django; django.setup(); from archive.archiver import MatchArchiver; MatchArchiver.batch_size = 1000; "
    "from django.core.management import call_command; call_command('run_archiver')"
)


def start_archiver(settings, log_path) -> subprocess.Popen:
    env = {**subprocess_env(), **archive_env(settings), **SHORT_ACK_WAITS, "ARCHIVE_SETTLE_SECONDS": "0"}
    with open(log_path, "ab") as log:
        command = [sys.executable, "-c", ARCHIVER_WITH_SMALL_BATCHES]
        return subprocess.Popen(command, env=env, stdout=log, stderr=log)


def listed_keys(store) -> list[str]:
    """The keys under the store's prefix, listed by another client than the store's own (boto3)."""
    keys = {"aws_access_key_id": "embedded", "aws_secret_access_key": "embedded"}
    client = boto3.client("s3", endpoint_url=settings.ARCHIVE_ENDPOINT_URL, region_name="us-east-1", **keys)
    bucket = store.location.bucket
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=store.location.prefix)
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def assert_every_match_archived_once_as_a_clean_run_writes(matches, store) -> None:
    rows = {row.pk: row for row in Match.objects.all()}
    assert all(rows[match.pk].archived_at is not None for match in matches)
    assert sorted(listed_keys(store)) == sorted(rows[match.pk].archive_key for match in matches)
    for match in matches:
        document = match_document(match=match, replay=replay_match(match.room_id, match.started_at))
        assert sha256_hex(store.get(rows[match.pk].archive_key)) == sha256_hex(encode_document(document))
    assert not PoisonEvent.objects.filter(consumer="match-archiver").exists()


def test_an_archiver_killed_three_times_mid_stream_archives_every_match_once(stream, archive_store, settings, tmp_path):
    settings.CONSUMER_ACK_WAIT_SECONDS = 3
    settings.CONSUMER_REDELIVERY_BACKOFF_SECONDS = [3.0]
    # ~7,500 events: several batches of 1,000, so that each kill falls between the first and the last.
    total = 300
    matches = publish_and_project_many(total, rooms=7)
    for kill in range(3):
        process = start_archiver(settings, tmp_path / f"archiver-{kill}.log")
        try:
            reached = archived()
            # A process's start, its first batch and the killed one's messages coming back: about 10 s
            # here, over 60 s when the machine is loaded by everything else (seen in CI).
            wait_until(lambda reached=reached: archived() > reached, timeout=180)
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
    assert archived() < total, "the stream should not be archived before the last kill"
    last = start_archiver(settings, tmp_path / "archiver-last.log")
    try:
        wait_until(lambda: archived() == total, timeout=120)
    finally:
        last.send_signal(signal.SIGTERM)
        exit_code = last.wait(timeout=30)
    assert exit_code == 0
    assert_every_match_archived_once_as_a_clean_run_writes(matches, archive_store)


def test_the_store_stopped_under_traffic_loses_nothing_and_poisons_nothing(stream, archive_store, archive_server):
    naks = CONSUMER_MESSAGES.labels(consumer="match-archiver", outcome="nak")
    first = [project("room-x", publish_match_with_moment("room-x", n)) for n in range(5)]
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=0)):
        wait_until(lambda: archived() == 5, timeout=30)
        archive_server.stop(timeout=0.5)  # SIGKILL half a second later: a store gone at once
        try:
            naks_before = naks._value.get()
            later = [project("room-y", publish_match_with_moment("room-y", n)) for n in range(5)]
            # The archiver met the store away and nakked (a failure of the world), archiving nothing.
            wait_until(lambda: naks._value.get() > naks_before, timeout=30)
            assert archived() == 5
        finally:
            archive_server.start()
        wait_until(lambda: archived() == 10, timeout=90)
    assert_every_match_archived_once_as_a_clean_run_writes(first + later, archive_store)


def test_postgresql_stopped_under_traffic_loses_nothing_and_poisons_nothing(
    stream, archive_store, test_servers, caplog
):
    first = [project("room-p", publish_match_with_moment("room-p", n)) for n in range(3)]
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=0)):
        wait_until(lambda: archived() == 3, timeout=30)
        connection.close()
        test_servers.postgres.stop()
        try:
            later_events = [publish_match_with_moment("room-q", n) for n in range(3)]
            wait_until(lambda: "retrying in" in caplog.text, timeout=30)  # a world failure, waited out
        finally:
            test_servers.postgres.start()
        later = [project("room-q", events) for events in later_events]  # the projector catches up too
        wait_until(lambda: archived() == 6, timeout=90)
    assert_every_match_archived_once_as_a_clean_run_writes(first + later, archive_store)
