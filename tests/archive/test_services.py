"""Writing a match to the archive and reading it back, on the real stream, PostgreSQL and SeaweedFS."""

from __future__ import annotations

import pytest

from archive.document import encode_document, sha256_hex
from archive.services import archived_document, match_archive_write, match_document
from history.models import Match
from history.replay import replay_match
from tests.archive.support import project, publish_match_with_moment

pytestmark = pytest.mark.django_db


def test_a_written_match_is_recorded_and_reads_back_as_the_stream_document(stream, archive_store):
    events = publish_match_with_moment("room-a", 0)
    match = project("room-a", events)
    document = match_document(match=match, replay=replay_match(match.room_id, match.started_at))

    key = match_archive_write(match=match, document=document, store=archive_store).key

    row = Match.objects.get(pk=match.pk)
    assert key == row.archive_key == archive_store.full_key(f"matches/2026/11/01/{match.id}.json.gz")
    assert row.archived_at is not None
    assert row.archive_sha256 == sha256_hex(archive_store.get(key)) == sha256_hex(encode_document(document))
    assert archived_document(match=row, store=archive_store) == document
    assert [event for event, _ in events] == document["events"] and len(document["moments"]) == 1


def test_writing_again_stores_the_same_bytes(stream, archive_store):
    match = project("room-b", publish_match_with_moment("room-b", 1))
    document = match_document(match=match, replay=replay_match(match.room_id, match.started_at))
    key = match_archive_write(match=match, document=document, store=archive_store).key
    first = archive_store.get(key)
    match_archive_write(match=match, document=document, store=archive_store)
    assert archive_store.get(key) == first


def test_a_match_never_archived_has_no_archived_document(stream, archive_store):
    match = project("room-c", publish_match_with_moment("room-c", 2))
    assert archived_document(match=match, store=archive_store) is None
