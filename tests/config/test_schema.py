import json

import pytest
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from tests.history.factories import api_client_for, match_create, user_create

API_ROUTES = {
    "/api/auth/register": {"post"},
    "/api/auth/token": {"post"},
    "/api/auth/token/refresh": {"post"},
    "/api/auth/session": {"post", "delete"},
    "/api/auth/session/refresh": {"post"},
    "/api/matches": {"get"},
    "/api/matches/{match_id}": {"get"},
    "/api/matches/{match_id}/replay": {"get"},
    "/api/solo_results": {"post"},
    "/api/events/schema": {"get"},
    "/api/players/{user_id}/stats": {"get"},
    "/api/players/{user_id}/matches/export": {"get"},
    "/api/me/stats": {"get"},
    "/api/leaderboards/solo": {"get"},
    "/api/leaderboards/multiplayer": {"get"},
    "/api/tournaments/{tournament_id}/standings": {"get"},
    "/api/players/{user_id}/matches": {"get"},
    "/api/tournaments": {"get"},
    "/api/tournaments/{tournament_id}/matches": {"get"},
    "/api/me": {"get", "patch", "delete"},
    "/api/matches/{match_id}/analysis": {"get"},
    "/api/players/{user_id}/stats/daily": {"get"},
    "/api/live/matches": {"get"},
    "/api/live/matches/stream": {"get"},
    "/api/live/rooms/{room_id}": {"get"},
    "/api/me/events": {"get"},
    "/api/live/status": {"get"},
}


@pytest.fixture
def schema(db) -> dict:
    response = APIClient().get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_valid_openapi_listing_every_route(schema):
    validate_schema(schema)
    assert {path: set(operations) - {"parameters"} for path, operations in schema["paths"].items()} == API_ROUTES


def test_schema_describes_requests_responses_and_parameters(schema):
    paths = schema["paths"]
    assert set(paths["/api/auth/register"]["post"]["responses"]) >= {"201", "400"}
    list_params = {p["name"] for p in paths["/api/matches"]["get"]["parameters"]}
    assert list_params == {"mode", "since", "until", "page_size", "cursor"}
    solo = paths["/api/solo_results"]["post"]
    assert {p["name"] for p in solo["parameters"]} == {"Idempotency-Key"}
    assert set(solo["responses"]) >= {"200", "201", "400", "409"}
    match_fields = set(schema["components"]["schemas"]["MatchOutput"]["properties"])
    assert match_fields == {
        "id", "game_type", "room_id", "mode", "player_count", "started_at", "ended_at", "tournament_id", "players",
        "solo_mode", "verified",
    }  # fmt: skip
    player = schema["components"]["schemas"]["MatchPlayerOutput"]
    assert set(player["required"]) == set(player["properties"]) >= {"username", "pps", "apm"}
    assert player["properties"]["username"] == {**player["properties"]["username"], "type": "string", "nullable": True}
    for figure in ("pps", "apm"):
        assert player["properties"][figure] == {**player["properties"][figure], "type": "number", "nullable": True}


def test_the_live_routes_document_their_streams_and_refusals(schema):
    paths = schema["paths"]
    room = paths["/api/live/rooms/{room_id}"]["get"]
    assert set(room["responses"]) == {"200", "404", "429", "503"}
    assert "text/event-stream" in room["responses"]["200"]["content"]
    assert {p["name"] for p in room["parameters"]} == {"room_id", "Last-Event-ID", "last_event_id"}
    assert {"401", "429"} <= set(paths["/api/me/events"]["get"]["responses"])
    assert {"401", "403"} <= set(paths["/api/live/status"]["get"]["responses"])
    assert "application/json" in paths["/api/live/matches"]["get"]["responses"]["200"]["content"]


@pytest.mark.parametrize("url", ["/api/schema", "/api/schema/", "/api/docs", "/api/docs/"])
def test_schema_and_docs_answer_without_a_token(db, url):
    assert APIClient().get(url).status_code == 200


def test_stats_routes_document_their_figures(schema):
    components = schema["components"]["schemas"]
    multiplayer = components["MultiplayerStats"]["properties"]
    assert "wins / matches, 4 decimals" in multiplayer["win_rate"]["description"]
    assert "half away from zero" in multiplayer["pps"]["description"]
    assert multiplayer["apm"]["type"] == "number" and multiplayer["apm"]["nullable"] is True
    assert "N - p points" in components["StandingRow"]["properties"]["points"]["description"]
    periods = {p["name"]: p for p in schema["paths"]["/api/leaderboards/solo"]["get"]["parameters"]}
    assert periods["period"]["schema"]["enum"] == ["day", "week", "month", "all"]


def test_docs_page_points_at_the_schema(db):
    # The split view: the page loads its start-up script from /api/docs?script=, which names the schema.
    content = APIClient().get("/api/docs").content.decode()
    assert "swagger" in content.lower() and '<script src="/api/docs?script="></script>' in content
    assert "/api/schema" in APIClient().get("/api/docs?script=").content.decode()


@pytest.mark.parametrize("slash", ["", "/"])
def test_every_route_answers_with_and_without_a_trailing_slash(db, slash):
    user = user_create()
    match = match_create(users=[user])
    client, anonymous = api_client_for(user), APIClient()
    body = {"score": 1, "lines_cleared": 0, "level": 1, "pieces_placed": 1, "duration_ms": 1000}
    assert client.get(f"/api/matches{slash}").status_code == 200
    assert client.get(f"/api/matches/{match.id}{slash}").status_code == 200
    assert client.post(f"/api/solo_results{slash}", body, format="json").status_code == 201
    assert client.get(f"/api/players/{user.id}/stats{slash}").status_code == 200
    assert client.get(f"/api/me/stats{slash}").status_code == 200
    assert client.get(f"/api/leaderboards/solo{slash}").status_code == 200
    assert client.get(f"/api/leaderboards/multiplayer{slash}").status_code == 200
    assert client.get(f"/api/tournaments/no-such-cup/standings{slash}").status_code == 404
    # A bad body, so only the routing is tested, not the (throttled) auth work.
    assert anonymous.post(f"/api/auth/register{slash}", {}, format="json").status_code == 400
    assert anonymous.post(f"/api/auth/token{slash}", {}, format="json").status_code == 400
    assert anonymous.post(f"/api/auth/token/refresh{slash}", {}, format="json").status_code == 400
    assert anonymous.get(f"/healthz{slash}").status_code == 200
