"""The replay read archive first, stream second (archive/reads.py), while the stream still holds the match."""

from __future__ import annotations

import gzip
import json

import pytest
from rest_framework.test import APIClient

from archive.archiver import MatchArchiver
from devtools.embedded import free_port
from history.models import Match
from tests.archive.support import project, publish_match_with_moment
from tests.history.test_replay_api import client_for
from tests.streaming.factories import match_events
from tests.support import BackgroundConsumer, publish_match, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def archived_match(stream, archive_store, django_user_model):
    player = django_user_model.objects.create_user(username="reader", password="a-long-password-1")
    match = project("room-r", publish_match_with_moment("room-r", 0, players=[str(player.id), "guest"]))
    before = client_for(player).get(f"/api/matches/{match.id}/replay")
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=0)):
        wait_until(lambda: Match.objects.get(pk=match.pk).archived_at is not None, timeout=20)
    return player, match, before


def test_an_archived_match_answers_the_same_from_the_archive_as_from_the_stream(archived_match):
    player, match, before = archived_match
    after = client_for(player).get(f"/api/matches/{match.id}/replay")
    assert after.status_code == 200
    assert after.content == before.content and after["ETag"] == before["ETag"]


def test_the_archived_object_is_the_replay_apis_answer_byte_for_byte(archived_match, archive_store):
    _player, match, before = archived_match
    assert gzip.decompress(archive_store.get(Match.objects.get(pk=match.pk).archive_key)) == before.content


def test_payloads_the_two_json_libraries_read_or_write_differently_answer_the_same_either_way(
    stream, archive_store, django_user_model
):
    """contract/json_bytes.py: orjson where it agrees with json.loads, json where not; the answer is the same
    bytes from the stream, from the archive, and in the archived object, and the content json.loads reads."""
    player = django_user_model.objects.create_user(username="odd", password="a-long-password-1")
    events = match_events("room-odd", index=0, players=[str(player.id), "guest"])
    odd = {"small": 1e-05, "wide": 2**70, "past a float": float("inf"), "name": "J\u00fcrgen \U0001f600"}
    events[2][0]["data"]["extra"] = odd
    publish_match("room-odd", events)
    match = project("room-odd", events)
    before = client_for(player).get(f"/api/matches/{match.id}/replay")
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=0)) as archiver:
        wait_until(lambda: Match.objects.get(pk=match.pk).archived_at is not None, timeout=20)
    assert archiver.runner.consumer.read_back == 0  # the archiver's own path: the events it consumed
    after = client_for(player).get(f"/api/matches/{match.id}/replay")
    assert after.content == before.content and after["ETag"] == before["ETag"]
    assert gzip.decompress(archive_store.get(Match.objects.get(pk=match.pk).archive_key)) == before.content
    answered = json.loads(before.content)["events"]
    assert len(answered) == len(events)
    assert answered[2]["data"]["extra"] == {**odd, "past a float": None}  # JSON has no Infinity: null


def test_with_the_store_away_the_stream_still_answers(archived_match, settings):
    player, match, before = archived_match
    settings.ARCHIVE_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    after = client_for(player).get(f"/api/matches/{match.id}/replay")
    assert after.status_code == 200
    assert after.content == before.content


def test_with_nats_away_an_archived_match_is_answered_from_the_archive(archived_match, settings):
    player, match, before = archived_match
    settings.NATS_SERVERS = [f"nats://127.0.0.1:{free_port()}"]  # nothing listens there
    after = client_for(player).get(f"/api/matches/{match.id}/replay")
    assert after.status_code == 200
    assert after.content == before.content


def test_download_names_a_file(archived_match):
    player, match, before = archived_match
    response = client_for(player).get(f"/api/matches/{match.id}/replay?download=1")
    assert response.status_code == 200 and response.content == before.content
    assert response["Content-Disposition"] == f'attachment; filename="replay-{match.id}.json"'
    assert "Content-Disposition" not in before


def test_download_takes_1_only_and_an_archived_replay_is_public(archived_match):
    """download is the enum ["1"] of the schema: another value is a 400 naming it (empty: not given).
    The replay answers without a token (docs/api.md, public reads), from the archive as from the stream."""
    player, match, before = archived_match
    client = client_for(player)
    bad = client.get(f"/api/matches/{match.id}/replay?download=yes")
    assert bad.status_code == 400 and "download" in bad.json()
    assert client.get(f"/api/matches/{match.id}/replay?download=").content == before.content
    anonymous = APIClient().get(f"/api/matches/{match.id}/replay")
    assert anonymous.status_code == 200 and anonymous.content == before.content
