"""GET /api/matches/{id}/replay on a real NATS stream and PostgreSQL."""

from __future__ import annotations

import json
import time

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from contract.events import game_end_from_event, validate_envelope
from history.models import Match
from history.services import matches_record_from_game_ends
from tests.streaming.factories import match_events
from tests.support import publish_match, publish_raw

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def project(room_id: str, events) -> Match:
    end = validate_envelope(events[-1][0])
    [match] = matches_record_from_game_ends(ends=[game_end_from_event(room_id, end)])
    return match


@pytest.fixture
def player(django_user_model):
    return django_user_model.objects.create_user(username="replayer", password="a-long-password-1")


def test_replay_returns_only_its_own_events_and_moments(stream, player):
    matches = [match_events("room-1", index=n, players=[str(player.id), "guest"]) for n in range(3)]
    for events in matches:
        seqs = publish_match("room-1", events)
        started = events[0][0]["data"]["started_at"]
        moment = {
            "tick": 1,
            "type": "tetris",
            "player_id": "guest",
            "data": {"lines": 4, "event_seq": seqs[3], "started_at": started},
        }
        publish_raw([("game.room-1.moments", json.dumps(moment).encode(), None)])
    middle = project("room-1", matches[1])
    for slash in ("", "/"):
        response = client_for(player).get(f"/api/matches/{middle.id}/replay{slash}")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["events"] == [event for event, _ in matches[1]]
        assert [m["data"]["started_at"] for m in body["moments"]] == [matches[1][0][0]["data"]["started_at"]]
        assert body["room_id"] == "room-1" and body["match_id"] == str(middle.id)


def test_replay_is_public_and_an_unknown_id_not_found(stream, player, django_user_model):
    events = match_events("room-1", players=[str(player.id), "guest"])
    publish_match("room-1", events)
    match = project("room-1", events)
    stranger = django_user_model.objects.create_user(username="stranger", password="a-long-password-1")
    assert client_for(stranger).get(f"/api/matches/{match.id}/replay").status_code == 200
    assert client_for(player).get("/api/matches/not-a-uuid/replay").status_code == 404
    assert APIClient().get(f"/api/matches/{match.id}/replay").json()["match_id"] == str(match.id)


def test_replay_of_a_solo_match_is_not_found(stream, player):
    response = client_for(player).post(
        "/api/solo_results",
        {"score": 10, "lines_cleared": 1, "level": 1, "pieces_placed": 3, "duration_ms": 1000},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert client_for(player).get(f"/api/matches/{response.json()['id']}/replay").status_code == 404


def test_replay_of_a_match_the_stream_no_longer_holds_is_gone(stream, player):
    events = match_events("room-1", players=[str(player.id), "guest"])
    match = project("room-1", events)  # recorded, but its events are not (any more) in the stream
    publish_match("room-2", match_events("room-2"))
    response = client_for(player).get(f"/api/matches/{match.id}/replay")
    assert response.status_code == 410
    assert "no longer holds" in response.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_replay_when_nats_is_down_is_service_unavailable(stream, player, test_servers):
    events = match_events("room-1", players=[str(player.id), "guest"])
    publish_match("room-1", events)
    match = project("room-1", events)
    test_servers.nats.stop()
    try:
        started = time.monotonic()
        response = client_for(player).get(f"/api/matches/{match.id}/replay")
        assert response.status_code == 503
        assert time.monotonic() - started < 10
    finally:
        test_servers.nats.start()
