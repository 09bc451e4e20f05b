"""manage.py archive_matches and /healthz's archive (docs/operations.md): nothing ages out unarchived."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client

from archive.document import encode_document, sha256_hex
from archive.health import update_archive_gauges
from archive.services import match_document
from history.models import Match
from history.replay import replay_match
from telemetry.metrics import ARCHIVE_OLDEST_UNARCHIVED
from tests.archive.support import project, publish_match_with_moment
from tests.streaming.factories import BASE_TIME, iso, match_events

pytestmark = pytest.mark.django_db(transaction=True)


def archive_matches(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("archive_matches", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def healthz_archive() -> dict:
    return Client().get("/healthz").json()["archive"]


def test_archive_matches_archives_what_the_stream_holds_once_and_reports_the_rest(stream, archive_store):
    matches = [project("room-b", publish_match_with_moment("room-b", n)) for n in range(5)]
    lost = project("room-lost", match_events("room-lost", index=9))  # its events never reached this stream
    health = healthz_archive()
    assert health["unarchived"] == 6 and health["oldest_unarchived_age_s"] > 0

    out, err = archive_matches()

    assert "archived 5 matches; 1 no longer in the stream" in out
    assert "6/6 matches" in err  # the progress, one line a tenth off a terminal
    for match in matches:
        row = Match.objects.get(pk=match.pk)
        document = match_document(match=match, replay=replay_match(match.room_id, match.started_at))
        assert (
            row.archive_sha256
            == sha256_hex(archive_store.get(row.archive_key))
            == sha256_hex(encode_document(document))
        )
    assert Match.objects.get(pk=lost.pk).archived_at is None
    assert healthz_archive()["unarchived"] == 1
    assert update_archive_gauges()["unarchived"] == 1
    assert ARCHIVE_OLDEST_UNARCHIVED._value.get() > 0
    # Run again: only the match the stream lost is left, and it stays so.
    assert "archived 0 matches; 1 no longer in the stream" in archive_matches()[0]


def test_since_and_until_bound_the_matches_by_their_start(stream, archive_store):
    matches = [project("room-w", publish_match_with_moment("room-w", n)) for n in range(5)]
    out, _ = archive_matches(
        "--since", iso(BASE_TIME + timedelta(minutes=1)), "--until", iso(BASE_TIME + timedelta(minutes=3))
    )
    assert "archived 2 matches" in out
    archived = {match.pk for match in Match.objects.filter(archived_at__isnull=False)}
    assert archived == {matches[1].pk, matches[2].pk}


def test_healthz_reports_nothing_unarchived_when_every_match_is(stream, archive_store):
    project("room-h", publish_match_with_moment("room-h", 0))
    archive_matches()
    assert healthz_archive() == {"unarchived": 0, "oldest_unarchived_age_s": None}
    # With an archive configured, its consumer is one /healthz expects (never run here: it says so).
    assert "error" in Client().get("/healthz").json()["consumers"]["match-archiver"]
