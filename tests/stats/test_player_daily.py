"""GET /api/players/{user_id}/stats/daily (docs/api.md, stats): PPS, APM and VS by UTC day."""

from datetime import UTC, datetime, timedelta

import pytest

from analysis.models import MatchAnalysis
from tests.history.factories import api_client_for, user_create
from tests.stats.builders import match_of, seat

pytestmark = pytest.mark.django_db


def test_each_day_has_its_sums_figures_and_the_mean_vs_of_its_analysed_matches():
    alice, bob = user_create(username="alice"), user_create(username="bob")
    today = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    yesterday = today - timedelta(days=1)
    kw = {"pieces_placed": 30, "garbage_sent": 6, "duration_ms": 60_000}
    first = match_of([seat(alice, **kw), seat(bob)], started_at=yesterday, ended_at=yesterday + timedelta(minutes=1))
    match_of([seat(alice, **kw), seat(bob)], started_at=today, ended_at=today + timedelta(minutes=1))
    match_of([seat(alice, **kw), seat(bob)], started_at=today - timedelta(days=40), ended_at=today - timedelta(days=40))
    row = first.players.get(user=alice)
    MatchAnalysis.objects.create(
        match=first,
        rules_version=1,
        computed_at=today,
        figures={"players": [{"player_id": row.player_id, "vs": 12.345}, {"player_id": "other", "vs": 99}]},
    )
    response = api_client_for(bob).get(f"/api/players/{alice.id}/stats/daily", {"days": 30})
    assert response.status_code == 200, response.content
    assert response.json()["days"] == [
        {"day": str(yesterday.date()), "matches": 1, "pps": 0.5, "apm": 6.0, "vs": 12.35},
        {"day": str(today.date()), "matches": 1, "pps": 0.5, "apm": 6.0, "vs": None},
    ]


def test_days_out_of_range_is_a_field_error():
    alice = user_create(username="alice")
    assert api_client_for(alice).get(f"/api/players/{alice.id}/stats/daily", {"days": 0}).status_code == 400
    for written in ("30.0", "1e1", " 30"):  # digits only, as every other integer in a query string
        response = api_client_for(alice).get(f"/api/players/{alice.id}/stats/daily", {"days": written})
        assert response.status_code == 400 and "days" in response.json(), written


def test_a_private_profile_s_days_answer_403_but_to_its_player():
    # The private-profile rule of /stats (docs/api.md, private profiles); public otherwise, even without a token.
    from rest_framework.test import APIClient

    alice, bob = user_create(username="alice"), user_create(username="bob")
    url = f"/api/players/{alice.id}/stats/daily"
    assert APIClient().get(url).status_code == 200
    alice.profile_private = True
    alice.save(update_fields=["profile_private"])
    assert api_client_for(bob).get(url).status_code == 403
    assert APIClient().get(url).status_code == 403
    assert api_client_for(alice).get(url).status_code == 200
