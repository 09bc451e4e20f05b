"""GET /api/players/{user_id}/matches/export: a player's matches as JSON lines, newest first (docs/operations.md)."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest

from contract.events import game_end_from_event, validate_envelope
from history.services import matches_record_from_game_ends
from tests.history.test_replay_api import client_for
from tests.streaming.factories import BASE_TIME, iso, match_events

pytestmark = pytest.mark.django_db


def record_matches(player_id: str, count: int) -> None:
    ends = []
    for n in range(count):
        end = match_events(f"room-{n % 9}", index=n, players=[player_id, "guest"], placements_per_player=0)[-1][0]
        ends.append(game_end_from_event(f"room-{n % 9}", validate_envelope(end)))
    matches_record_from_game_ends(ends=ends)


def export(client, user_id, query: str = ""):
    response = client.get(f"/api/players/{user_id}/matches/export{query}")
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().splitlines()
    return response, [json.loads(line) for line in lines]


def test_the_export_of_a_1000_match_player_has_every_match_once_newest_first(django_user_model):
    player = django_user_model.objects.create_user(username="exporter", password="a-long-password-1")
    record_matches(str(player.id), 1000)
    client = client_for(player)

    started = time.perf_counter()
    response, matches = export(client, player.id)
    took = time.perf_counter() - started

    assert response["Content-Type"] == "application/x-ndjson"
    assert response["Content-Disposition"] == f'attachment; filename="matches-{player.id}.jsonl"'
    assert len(matches) == len({match["id"] for match in matches}) == 1000
    starts = [match["started_at"] for match in matches]
    assert starts == sorted(starts, reverse=True)
    # Each line is the match as its own route answers it.
    assert matches[0] == client.get(f"/api/matches/{matches[0]['id']}").json()
    print(f"export: {1000 / took:,.0f} matches/s")


def test_the_export_takes_the_historys_filters_and_refuses_an_unknown_player(django_user_model):
    player = django_user_model.objects.create_user(username="filtered", password="a-long-password-1")
    record_matches(str(player.id), 10)
    client = client_for(player)
    since, until = iso(BASE_TIME + timedelta(minutes=2)), iso(BASE_TIME + timedelta(minutes=5))
    _, matches = export(client, player.id, f"?since={since}&until={until}")
    assert [match["started_at"] for match in matches] == [iso(BASE_TIME + timedelta(minutes=n)) for n in (4, 3, 2)]
    assert client.get("/api/players/00000000-0000-4000-8000-000000000000/matches/export").status_code == 404
    assert client.get(f"/api/players/{player.id}/matches/export?mode=chess").status_code == 400


def test_the_export_is_public_and_a_private_profiles_is_its_players_alone(django_user_model, client):
    """As a player's history (docs/api.md, private profiles): anyone without a token, 403 to others
    once the profile is private, 200 to its player; a bad token 401."""
    player = django_user_model.objects.create_user(username="sharer", password="a-long-password-1")
    other = django_user_model.objects.create_user(username="someone", password="a-long-password-1")
    record_matches(str(player.id), 3)
    assert len(export(client, player.id)[1]) == 3  # no token

    player.profile_private = True
    player.save(update_fields=["profile_private"])
    url = f"/api/players/{player.id}/matches/export"
    assert client.get(url).status_code == 403
    assert client_for(other).get(url).json() == {"detail": "This profile is private."}
    assert len(export(client_for(player), player.id)[1]) == 3
    assert client.get(url, HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401
