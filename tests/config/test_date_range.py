"""Dates outside 2000-01-01 … now + 1 day are a 400 naming the field wherever a client sends one
(docs/api.md): a solo result's ended_at, the match list's and the stats' since / until."""

from datetime import UTC, datetime, timedelta

import pytest

from history.dates import date_range_error
from tests.history.factories import api_client_for, user_create

OUT_OF_RANGE = ["1970-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "3000-01-01T00:00:00Z", "1970-01-01", "3000-01-01"]
SOLO = {"score": 12000, "lines_cleared": 40, "level": 7, "pieces_placed": 110, "duration_ms": 93_500}


@pytest.fixture
def alice(db):
    return user_create(username="alice")


@pytest.mark.parametrize("ended_at", ["1970-01-01T00:00:00Z", "1999-12-31T23:59:59+00:00", "3000-01-01T00:00:00Z"])
def test_a_solo_result_ending_outside_the_range_is_refused_and_not_stored(alice, ended_at):
    client = api_client_for(alice)
    response = client.post("/api/solo_results", {**SOLO, "ended_at": ended_at}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["ended_at"]
    assert client.get("/api/matches").json()["results"] == []


def test_a_solo_result_of_2000_01_01_is_taken(alice):
    body = {**SOLO, "ended_at": "2000-01-01T00:01:40Z"}  # its start, 93.5 s before, is still in 2000
    assert api_client_for(alice).post("/api/solo_results", body, format="json").status_code == 201


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("name", ["since", "until"])
@pytest.mark.parametrize("route", ["/api/matches", "/api/me/stats", "players"])
def test_a_filter_outside_the_range_is_refused(alice, route, name, value):
    url = f"/api/players/{alice.id}/stats" if route == "players" else route
    response = api_client_for(alice).get(url, {name: value})
    assert response.status_code == 400
    assert list(response.json()) == [name] and "2000-01-01" in response.json()[name][0]


def test_filters_inside_the_range_are_taken(alice):
    tomorrow = (datetime.now(UTC) + timedelta(hours=23)).isoformat()
    response = api_client_for(alice).get("/api/matches", {"since": "2000-01-01", "until": tomorrow})
    assert response.status_code == 200


def test_the_rule_itself():
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    assert date_range_error(datetime(2000, 1, 1, tzinfo=UTC), now=now) is None
    assert date_range_error(now + timedelta(days=1), now=now) is None
    assert date_range_error(now + timedelta(days=1, seconds=1), now=now).startswith("More than a day")
    assert date_range_error(datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC), now=now).startswith("Before 2000")
