"""Public reads (docs/api.md, public reads): every public route without a token, a bad token still
401, the caller's own history still behind the token, private profiles, the per-address throttle."""

import pytest
from rest_framework.test import APIClient

from history.models import Match
from stats.standings import standings_refresh
from tests.history.factories import api_client_for, match_create

PRIVATE = {"detail": "This profile is private."}


@pytest.fixture
def world(alice, bob):
    """A tournament match alice won over bob, a solo match of alice's, the standings refreshed."""
    match = match_create(users=[alice, bob], tournament_id="cup-1")
    solo = match_create(users=[alice], mode=Match.Mode.SOLO)
    standings_refresh()
    return {"match": match, "solo": solo}


def public_urls(world, alice) -> list[str]:
    match = world["match"]
    return [
        f"/api/matches/{match.id}",
        f"/api/players/{alice.id}/stats",
        f"/api/players/{alice.id}/matches",
        "/api/leaderboards/solo",
        "/api/leaderboards/multiplayer",
        "/api/tournaments",
        "/api/tournaments/cup-1/standings",
        "/api/tournaments/cup-1/matches",
    ]


def test_every_public_route_answers_without_a_token(world, alice):
    for url in public_urls(world, alice):
        assert APIClient().get(url).status_code == 200, url


def test_every_public_route_refuses_a_bad_token_with_401(world, alice):
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    for url in [*public_urls(world, alice), f"/api/matches/{world['match'].id}/replay"]:
        assert bad.get(url).status_code == 401, url


def test_the_callers_own_history_still_needs_a_token(world):
    assert APIClient().get("/api/matches").status_code == 401


def test_a_players_public_history_has_the_shape_cursors_and_filters_of_the_callers_own(world, alice, bob):
    for _ in range(3):
        match_create(users=[bob, alice])
    mine = api_client_for(alice).get("/api/matches", {"page_size": 2}).json()
    theirs = APIClient().get(f"/api/players/{alice.id}/matches", {"page_size": 2}).json()
    assert [m["id"] for m in theirs["results"]] == [m["id"] for m in mine["results"]]
    following = APIClient().get(theirs["next"]).json()
    assert len(following["results"]) == 2 and following["previous"]
    solo = APIClient().get(f"/api/players/{alice.id}/matches", {"mode": "solo"}).json()
    assert [m["id"] for m in solo["results"]] == [str(world["solo"].id)]
    assert APIClient().get(f"/api/players/{alice.id}/matches", {"mode": "x"}).status_code == 400


def test_unknown_players_and_tournaments_get_404(db):
    for url in (
        "/api/players/6b0c2c8e-0b8f-4d39-9d6c-9d3f8a1d2e3f/matches",
        "/api/players/not-a-uuid/matches",
        "/api/tournaments/no-such-cup/matches",
    ):
        assert APIClient().get(url).status_code == 404, url


def test_the_tournament_list_gives_matches_players_and_dates(world):
    match = world["match"]
    (row,) = APIClient().get("/api/tournaments").json()["results"]
    assert row["tournament_id"] == "cup-1" and row["matches"] == 1 and row["players"] == 2
    assert row["first_match_at"] == row["last_match_at"] == match.started_at.isoformat().replace("+00:00", "Z")
    page = APIClient().get("/api/tournaments/cup-1/matches").json()
    assert [m["id"] for m in page["results"]] == [str(match.id)]


def test_a_private_profile_is_refused_to_others_and_shown_to_its_player(world, alice, bob):
    alice.profile_private = True
    alice.save()
    for url in (f"/api/players/{alice.id}/matches", f"/api/players/{alice.id}/stats"):
        assert APIClient().get(url).json() == PRIVATE
        refused = api_client_for(bob).get(url)
        assert refused.status_code == 403 and refused.json() == PRIVATE
        assert api_client_for(alice).get(url).status_code == 200
    # The matches they played stay public, with their name: they are bob's matches too.
    players = APIClient().get(f"/api/matches/{world['match'].id}").json()["players"]
    assert players[0]["username"] == "alice"


@pytest.mark.parametrize("period", ["all", "week"])
def test_a_private_profile_is_left_out_of_the_leaderboards(world, alice, bob, period):
    def names(kind: str) -> list[str]:
        return [
            r["username"] for r in APIClient().get(f"/api/leaderboards/{kind}", {"period": period}).json()["results"]
        ]

    match_create(users=[bob], mode=Match.Mode.SOLO)
    if period == "week":  # the fixtures' matches are from 2025: play again now
        from django.utils import timezone

        match_create(users=[alice, bob], started_at=timezone.now() - timezone.timedelta(hours=1))
        match_create(users=[alice], mode=Match.Mode.SOLO, started_at=timezone.now() - timezone.timedelta(hours=1))
        match_create(users=[bob], mode=Match.Mode.SOLO, started_at=timezone.now() - timezone.timedelta(hours=1))
    # The solo boards rank verified runs of a mode only (docs/api.md): these are marathons the server replayed.
    Match.objects.filter(mode=Match.Mode.SOLO).update(verified=True, solo_mode="marathon")
    assert "alice" in names("solo") and "alice" in names("multiplayer")
    alice.profile_private = True
    alice.save()
    assert names("solo") == ["bob"] and names("multiplayer") == ["bob"]


def test_anonymous_public_reads_are_throttled_per_address(world, settings):
    settings.PUBLIC_THROTTLE_RATE = "3/minute"
    url = f"/api/matches/{world['match'].id}"
    assert [APIClient().get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    # Another address has its own budget; a signed-in caller is not counted.
    assert APIClient(REMOTE_ADDR="10.0.0.9").get(url).status_code == 200
    assert api_client_for(world["match"].players.first().user).get(url).status_code == 200
