"""Long names in headless Chromium (docs/api.md): a player with a 30-character name on the
leaderboards, a tournament's standings, the history and their own page, at 1280 and 390 px wide.
No page scrolls sideways; in tables the name is cut with an ellipsis and stays whole in its title
(hover) and its text (screen readers). Screenshots go to SCREENS (git-ignored .local/ by default)."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from devtools.debian import ensure_chromium
from devtools.web import build_if_changed
from tests.stats.builders import match_of, seat, solo
from tests.web.browser_script import browser_result

pytestmark = pytest.mark.django_db

LONG_NAME = "Bartholomew_Fitzgerald-Quincy3"
PASSWORD = "a-long-passphrase-30"
TOURNAMENT = "autumn-cup"
SCREENS = Path(os.environ.get("SCREENS_DIR", Path(__file__).resolve().parents[2] / ".local" / "screens-long-names"))


def seed() -> User:
    long = User.objects.create_user(username=LONG_NAME, password=PASSWORD)
    others = [User.objects.create_user(username=name, password=PASSWORD) for name in ("ann", "bo_2", "Cyd")]
    now = timezone.now()
    for n, user in enumerate([long, *others]):
        solo(user, score=9000 - 1000 * n, ended_at=now - timedelta(hours=n + 1))
    for n in range(4):
        seats = [
            seat(user, score=5000 - 100 * k)
            for k, user in enumerate([long, *others][n % 2 :] + [long, *others][: n % 2])
        ]
        match_of(seats, started_at=now - timedelta(hours=10 + n), tournament_id=TOURNAMENT)
    call_command("refresh_standings", stdout=io.StringIO())
    return long


@pytest.fixture(scope="module")
def seen(test_servers, django_db_setup, django_db_blocker):
    build_if_changed()
    ensure_chromium()
    SCREENS.mkdir(parents=True, exist_ok=True)
    with override_settings(WHITENOISE_USE_FINDERS=True), django_db_blocker.unblock():
        live_server = LiveServer("localhost")
        caches["shared"].clear()  # earlier sign-ins must not count against this one's throttle
        try:
            long = seed()
            pages = [
                {"name": "leaderboards", "path": "/leaderboards"},
                {"name": "tournament", "path": f"/tournaments/{TOURNAMENT}"},
                {"name": "history", "path": "/matches"},
                {"name": "player", "path": f"/players/{long.id}"},
            ]
            config = {
                "base": live_server.url,
                "username": LONG_NAME,
                "password": PASSWORD,
                "pages": pages,
                "screenshots": str(SCREENS),
            }
            import json

            yield browser_result("e2e/layouts/long_names.mjs", json.dumps(config), timeout=240)["results"]
        finally:
            live_server.stop()
            call_command("flush", interactive=False, verbosity=0)


def test_no_page_scrolls_sideways_at_390_or_1280_px(seen):
    assert len(seen) == 8
    for result in seen:
        assert result["pageWidth"] <= result["viewportWidth"], (result["page"], result["width"], result["pageWidth"])


def test_in_tables_the_long_name_is_whole_in_its_text_and_title(seen):
    for result in seen:
        if result["page"] == "player":
            assert result["heading"] == LONG_NAME
            continue
        assert result["names"], (result["page"], result["width"])
        for name in result["names"]:
            assert name["text"] == LONG_NAME and name["title"] == LONG_NAME and name["ellipsis"] == "ellipsis"


def test_on_a_phone_the_long_name_is_cut(seen):
    for result in seen:
        if result["page"] != "player" and result["width"] == 390:
            assert all(name["cut"] for name in result["names"]), result["page"]
