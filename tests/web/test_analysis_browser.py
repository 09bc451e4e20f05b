"""The match page's analysis and the replay viewer's hold, garbage, marks and shortcuts in headless
Chromium on the real stack (issue 29): Django from a live server on the suite's PostgreSQL and NATS,
the real projector and key moment detector, a simulated 3-player match (game.simulation), its analysis
stored as the archive's hook stores it, and Debian's Chromium driven by web/e2e/analysis/journey.mjs.
Screenshots at 1280 and 390 px go to .local/screenshots-29/ (git-ignored) or SCREENSHOTS_29."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from analysis.models import MatchAnalysis
from analysis.services import matches_analysis_store
from archive.reads import match_replay_document
from devtools.debian import ensure_chromium
from devtools.web import build_if_changed
from game.simulation import simulate_match_events
from history.models import Match
from history.projector import MatchProjector
from moments.consumer import MomentDetector
from tests.conftest import reset_stream
from tests.support import BackgroundConsumer, publish_match, run_async, wait_until
from tests.web.browser_script import browser_result

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_29", ROOT / ".local" / "screenshots-29"))
PASSWORD = "a-long-passphrase-9"
ROOM = "analysis-arena"


def ticks_for_screens(events: list[dict]) -> dict:
    """A tick after the first hold; one after the first elimination while garbage is on its way to a
    player still in; a start for the shortcuts with pieces and moments either side."""
    first_hold = next(e["tick"] for e in events if e["type"] == "input" and e["data"].get("action") == "hold")
    first_out = next(e for e in events if e["type"] == "elimination")
    out_ids = {e["player_id"] for e in events if e["type"] == "elimination"}
    sent = next(
        e["tick"]
        for e in events
        if (e["type"] == "garbage_sent" and e["tick"] >= first_out["tick"] and e["data"]["to"] not in out_ids - {None})
        or (e["type"] == "garbage_sent" and e["tick"] >= first_out["tick"])
    )
    last = events[-1]["tick"]
    return {"holdTick": first_hold + 1, "screenshotTick": sent, "startTick": last // 2}


@pytest.fixture(scope="module")
def journey(test_servers, django_db_setup, django_db_blocker):
    build_if_changed()
    ensure_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    overrides = override_settings(WHITENOISE_USE_FINDERS=True, NATS_SERVERS=[test_servers.nats.url], ARCHIVE_URL="")
    with overrides, django_db_blocker.unblock():
        live_server = LiveServer("localhost")
        run_async(reset_stream())
        caches["shared"].clear()
        try:
            alice = User.objects.create_user(username="alice", password=PASSWORD)
            # Played an hour ago: the player page's last 30 days hold it.
            an_hour_ago = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
            published = simulate_match_events(
                ROOM, index=0, seed=7, players=3, registered=[str(alice.id)], started_at=an_hour_ago
            )
            publish_match(ROOM, published)
            events = [event for event, _ in published]
            with BackgroundConsumer(MatchProjector()), BackgroundConsumer(MomentDetector()):
                wait_until(lambda: Match.objects.filter(room_id=ROOM).exists(), timeout=60)
                match = Match.objects.get(room_id=ROOM)
                wait_until(lambda: len(match_replay_document(match)["moments"]) >= 2, timeout=60)
            document = match_replay_document(match)
            matches_analysis_store([(match, document)])
            analysis = MatchAnalysis.objects.get(match=match).figures
            config = {
                "base": live_server.url,
                "matchId": str(match.id),
                "userId": str(alice.id),
                "username": "alice",
                "password": PASSWORD,
                "screenshots": str(SCREENSHOTS),
                **ticks_for_screens(events),
            }
            seen = browser_result("e2e/analysis/journey.mjs", json.dumps(config), timeout=300)
            yield {"seen": seen, "analysis": analysis, "events": events, "config": config, "alice": alice}
        finally:
            live_server.stop()
            call_command("flush", interactive=False, verbosity=0)


def test_each_chart_has_a_line_for_every_player_by_name(journey):
    alice = journey["alice"]
    names = [
        "alice" if entry["player_id"] == str(alice.id) else entry["player_id"]
        for entry in journey["analysis"]["players"]
    ]
    charts = journey["seen"]["charts"]
    assert [chart["title"] for chart in charts] == [
        "Attack sent (rows, cumulative)",
        "Garbage received (rows, cumulative)",
        "Stack height (rows)",
        "Pieces placed (cumulative)",
    ]
    for chart in charts:
        assert chart["series"] == names, chart
        assert chart["canvases"] >= 1


def test_each_knock_out_is_told_with_a_link_to_its_tick(journey):
    knockouts = journey["analysis"]["knockouts"]
    seen = journey["seen"]["knockouts"]
    assert len(seen) == len(knockouts) == 2
    for shown, knockout in zip(seen, knockouts, strict=True):
        assert shown["href"] == f"/matches/{journey['config']['matchId']}/replay?t={knockout['tick']}"
        if knockout["kind"] == "spike":
            assert f"by a spike: {knockout['spike_rows']} rows landed within 3 s" in shown["text"]
        elif knockout["kind"] == "pressure":
            assert f"by pressure: {knockout['rows']} rows over the last 10 s" in shown["text"]


def test_the_figures_table_shows_each_players_vs(journey):
    shown = {row[0]: row for row in journey["seen"]["figures"]}
    for entry in journey["analysis"]["players"]:
        name = "alice" if entry["player_id"] == str(journey["alice"].id) else entry["player_id"]
        assert shown[name][1] == f"{entry['vs']:.2f}"


def test_a_held_piece_is_shown_where_the_events_say_a_hold_happened(journey):
    # The first effective hold keeps the piece that was falling: the holder's last piece_spawn before it.
    falling: dict[str, str] = {}
    for event in journey["events"]:
        if event["type"] == "piece_spawn":
            falling[event["player_id"]] = event["data"]["piece"]
        elif event["type"] == "input" and event["data"].get("action") == "hold" and event["data"].get("ok", True):
            holder, piece = event["player_id"], falling[event["player_id"]]
            break
    name = "alice" if holder == str(journey["alice"].id) else holder
    shown = {board["name"]: board["hold"] for board in journey["seen"]["held"]}
    assert shown[name] == piece


def test_the_shortcuts_move_the_replay_as_the_buttons_do(journey):
    seen = journey["seen"]
    start = journey["config"]["startTick"]
    for move in seen["moves"]:
        assert move["byKey"] == move["byButton"], move
        assert move["byKey"] != str(start), move
    assert (seen["tickForward"], seen["tickBack"]) == (str(start + 1), str(start - 1))
    assert seen["playing"]


def test_eliminated_boards_are_marked_and_the_help_lists_the_shortcuts(journey):
    seen = journey["seen"]
    assert seen["marks"] and all(mark.startswith("Out · ") for mark in seen["marks"])
    assert "Shift + ← / →" in seen["help"] and "Play or pause" in seen["help"]


def test_the_player_page_charts_pps_apm_and_vs_by_day(journey):
    assert journey["seen"]["daily"] == [
        {"title": "PPS by day", "series": ["PPS"]},
        {"title": "APM by day", "series": ["APM"]},
        {"title": "VS by day (analysed matches)", "series": ["VS"]},
    ]
