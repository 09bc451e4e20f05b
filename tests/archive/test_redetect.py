"""redetect rewrites the archived document of the match it changed (docs/operations.md)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from archive.archiver import MatchArchiver
from archive.services import archived_document, match_document
from history.models import Match
from history.replay import replay_match
from tests.archive.support import project
from tests.streaming.factories import tetris_match_events
from tests.support import BackgroundConsumer, publish_match, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_redetect_rewrites_the_archived_document_with_the_moments_it_published(stream, archive_store):
    events = tetris_match_events("room-t", tetrises=2)
    publish_match("room-t", events)  # no detector ran: the stream holds no moment of it
    match = project("room-t", events)
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=0)):
        wait_until(lambda: Match.objects.get(pk=match.pk).archived_at is not None, timeout=20)
    assert archived_document(match=Match.objects.get(pk=match.pk), store=archive_store)["moments"] == []

    out = io.StringIO()
    call_command("redetect", "room-t", "--started-at", events[0][0]["data"]["started_at"], stdout=out)

    assert "archived document rewritten" in out.getvalue()
    rewritten = archived_document(match=Match.objects.get(pk=match.pk), store=archive_store)
    assert [moment["type"] for moment in rewritten["moments"]].count("tetris") == 4  # two players, two each
    assert rewritten == match_document(match=match, replay=replay_match("room-t", match.started_at))
