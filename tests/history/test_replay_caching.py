"""Replay answers compressed and revalidated (issue 13): gzip, ETag, 304 only while the stream holds the match."""

from __future__ import annotations

import gzip
import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.history.test_replay_api import client_for, project
from tests.streaming.factories import match_events
from tests.support import publish_match, publish_raw, run_async, with_jetstream

pytestmark = pytest.mark.django_db


@pytest.fixture
def player(django_user_model):
    return django_user_model.objects.create_user(username="rewatcher", password="a-long-password-1")


def publish_moment(room_id: str, events, *, player_id: str = "guest", tick: int = 1) -> int:
    started = events[0][0]["data"]["started_at"]
    moment = {"tick": tick, "type": "tetris", "player_id": player_id, "data": {"lines": 4, "started_at": started}}
    [seq] = publish_raw([(f"game.{room_id}.moments", json.dumps(moment).encode(), None)])
    return seq


@pytest.fixture
def recorded(stream, player):
    """A match of ``player`` in room-1 with one moment, in the stream and in history."""
    events = match_events("room-1", players=[str(player.id), "guest"], placements_per_player=40)
    seqs = publish_match("room-1", events)
    moment_seq = publish_moment("room-1", events)
    match = project("room-1", events)
    return match, events, seqs, moment_seq


def test_replay_is_gzipped_when_the_client_accepts_it(recorded, player):
    match, events, _, _ = recorded
    url = f"/api/matches/{match.id}/replay"

    plain = client_for(player).get(url)
    zipped = client_for(player).get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert json.loads(gzip.decompress(zipped.content)) == plain.json()
    assert len(zipped.content) * 4 < len(plain.content)  # event JSON compresses well
    assert plain.json()["events"] == [event for event, _ in events]


def test_replay_carries_an_etag_of_its_last_event_and_moment_and_revalidates(recorded, player):
    match, _, seqs, moment_seq = recorded
    url = f"/api/matches/{match.id}/replay"

    first = client_for(player).get(url, HTTP_ACCEPT_ENCODING="gzip")
    etag = first["ETag"]
    assert etag == f'W/"replay-{seqs[-1]}-{moment_seq}"'
    assert set(first["Cache-Control"].replace(" ", "").split(",")) == {"private", "no-cache"}

    again = client_for(player).get(url, HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_ENCODING="gzip")
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag and "no-cache" in again["Cache-Control"]
    # A strong spelling of the same tag and a list holding it match too (weak comparison).
    assert client_for(player).get(url, HTTP_IF_NONE_MATCH=etag.removeprefix("W/")).status_code == 304
    assert client_for(player).get(url, HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
    assert client_for(player).get(url, HTTP_IF_NONE_MATCH='W/"replay-1-1"').status_code == 200


def test_a_moment_that_arrives_late_changes_the_etag(recorded, player):
    match, events, _, _ = recorded
    url = f"/api/matches/{match.id}/replay"
    etag = client_for(player).get(url)["ETag"]

    late_seq = publish_moment("room-1", events, player_id=str(player.id), tick=5)
    response = client_for(player).get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert response["ETag"] != etag and response["ETag"].endswith(f'-{late_seq}"')
    assert len(response.json()["moments"]) == 2


def test_a_cached_replay_the_stream_no_longer_holds_is_gone_not_revalidated(recorded, player):
    match, _, _, _ = recorded
    url = f"/api/matches/{match.id}/replay"
    etag = client_for(player).get(url)["ETag"]

    # The stream's retention dropped everything up to the next match's events.
    publish_match("room-2", match_events("room-2"))
    first_kept = run_async(with_jetstream(lambda js: js.stream_info(settings.GAME_EVENTS_STREAM))).state.last_seq
    run_async(with_jetstream(lambda js: js.purge_stream(settings.GAME_EVENTS_STREAM, seq=first_kept)))
    response = client_for(player).get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 410
    assert "ETag" not in response


def test_revalidation_still_checks_the_token_and_the_match(recorded, player):
    match, _, _, _ = recorded
    url = f"/api/matches/{match.id}/replay"
    etag = client_for(player).get(url)["ETag"]
    # The replay is public (docs/api.md, public reads): anyone revalidates it, but a bad token is
    # still refused and an unknown match is still not found, whatever ETag comes with them.
    assert APIClient().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert bad.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 401
    unknown = "/api/matches/6b0c2c8e-0b8f-4d39-9d6c-9d3f8a1d2e3f/replay"
    assert APIClient().get(unknown, HTTP_IF_NONE_MATCH=etag).status_code == 404
