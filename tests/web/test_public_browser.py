"""The public pages in headless Chromium (issue 27): a visitor's home page, the bar, the leaderboards,
/tournaments, a tournament and a player, signed out; then a player makes their profile private, a
second browser is refused it, and the account is deleted from /settings. Django from pytest-django's
live server on the suite's PostgreSQL, Debian's Chromium driven by web/e2e/public/journey.mjs.
Screenshots at 1280 and 390 px go to .local/screenshots/public/ (git-ignored).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from devtools.debian import ensure_chromium
from devtools.web import build_if_changed
from history.models import Match
from stats.standings import standings_refresh
from tests.history.factories import BASE_TIME, match_create, user_create
from tests.web.browser_script import browser_result

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parents[2] / ".local" / "screenshots" / "public"
PASSWORD = "correct-horse-battery"  # tests.history.factories' password
TOURNAMENT = "spring-cup"


def journey(scenario: str, **config) -> dict:
    return browser_result("e2e/public/journey.mjs", scenario, json.dumps(config), timeout=240)


@pytest.fixture(scope="module")
def pages(django_db_setup, django_db_blocker):
    """The seeded matches, the visitor's tour, then the private profile and the deletion; the DB emptied after."""
    build_if_changed()
    ensure_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with override_settings(WHITENOISE_USE_FINDERS=True), django_db_blocker.unblock():
        live_server = LiveServer("localhost")
        caches["shared"].clear()
        try:
            alice, bob, carol = (user_create(username=name) for name in ("alice", "bob", "carol"))
            for n in range(3):
                match_create(
                    users=[alice, bob, None], tournament_id=TOURNAMENT, started_at=BASE_TIME + timedelta(hours=n)
                )
            match_create(users=[bob, carol], started_at=BASE_TIME + timedelta(days=1))
            match_create(users=[alice], mode=Match.Mode.SOLO)
            standings_refresh()
            common = {"base": live_server.url, "screenshots": str(SCREENSHOTS)}
            player = {"id": str(alice.id), "username": "alice", "password": PASSWORD}
            visitor = journey("visitor", **common, player=player)
            private = journey("private", **common, player=player)
            yield {"visitor": visitor, "private": private, "alice": alice}
        finally:
            live_server.stop()
            call_command("flush", interactive=False, verbosity=0)


def test_a_visitor_lands_on_the_home_page_with_its_live_section_empty_and_the_top_five(pages):
    home = pages["visitor"]["home"]
    assert home["path"] == "/" and home["heading"] == "Tetris, played, recorded and replayed"
    assert home["live"] == 1  # GET /api/live/matches is not there yet: its empty state
    assert home["topFive"] == ["1alice3", "2bob1", "3carol0"]  # rank, name, wins
    assert home["play"] == "/play"


def test_the_bar_offers_the_public_pages_and_sign_in_to_a_visitor_and_more_once_signed_in(pages):
    assert pages["visitor"]["bar"] == ["Live", "Play", "Leaderboards", "Tournaments", "Sign in"]
    signed_in = pages["private"]["bar"]
    assert signed_in == ["Matches", "Live", "Play", "Leaderboards", "Tournaments", "Settings", "Sign out"]


def test_a_visitor_opens_the_leaderboards_the_tournaments_a_tournament_and_a_player(pages):
    visitor = pages["visitor"]
    assert visitor["leaderboards"]["path"] == "/leaderboards" and "alice" in visitor["leaderboards"]["rows"][0]
    assert visitor["tournaments"]["path"] == "/tournaments"
    (row,) = visitor["tournaments"]["rows"]
    assert row.startswith(TOURNAMENT) and "3" in row  # 3 matches, 3 players
    assert visitor["tournament"]["path"] == f"/tournaments/{TOURNAMENT}" and len(visitor["tournament"]["matches"]) == 3
    assert visitor["player"]["path"] == f"/players/{pages['alice'].id}" and visitor["player"]["heading"] == "alice"
    assert len(visitor["player"]["matches"]) == 4  # three tournament matches and a solo game
    assert visitor["errors"] == []


def test_no_page_scrolls_sideways_at_1280_or_390_px(pages):
    assert pages["visitor"]["overflow"] == [] and pages["private"]["overflow"] == []


def test_a_private_profile_is_refused_to_a_second_browser_and_shown_to_its_player(pages):
    private = pages["private"]
    assert private["refused"] == "This profile is private.Try again"
    assert private["ownPage"] == "alice"


def test_the_account_is_deleted_from_settings_behind_the_password(pages):
    private = pages["private"]
    assert private["wrongPassword"] == "This is not your password."
    assert private["afterDeletion"] == "/"
    assert not User.objects.filter(username="alice").exists()
    assert private["errors"] == []
