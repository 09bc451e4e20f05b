"""A match watched live, and a history page that updates itself, in headless Chromium on the real stack
(issue 28): gunicorn with uvicorn's workers serving the built client and the live routes, NATS, the
projector and the key moment detector; the match published at a game's pace while web/e2e/live/watch.mjs
watches /live and /live/{room} to the end, and e2e/live/history.mjs keeps /matches open while a match of
the player's is recorded.

Screenshots (1280 and 390 px wide) go to .local/screenshots/live/ (git-ignored), or to
LIVE_SCREENSHOTS when set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from devtools.debian import ensure_chromium
from devtools.web import build_if_changed
from game.simulation import simulate_match_events
from history.models import Match
from history.projector import MatchProjector
from moments.consumer import MomentDetector
from tests.conftest import reset_stream
from tests.live.conftest import asgi_serving
from tests.support import BackgroundConsumer, publish_match, run_async, subprocess_env, wait_until
from tests.web.browser_script import browser_result

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
ROOM = "live-browser-1"


def _served_settings(folder: Path) -> str:
    """The test settings with WhiteNoise serving the collected build (the test settings leave it out)."""
    (folder / "live_served_settings.py").write_text(
        "from config.settings.test import *  # noqa: F403\n"
        "MIDDLEWARE = [*MIDDLEWARE[:3], 'whitenoise.middleware.WhiteNoiseMiddleware', *MIDDLEWARE[3:]]  # noqa: F405\n"
        f"STATIC_ROOT = {str(folder / 'static')!r}\n"
    )
    return "live_served_settings"


def final_boards(events: list[dict]) -> dict[str, list[str]]:
    """Each player's board after their last lock, full rows removed and empty rows above left out: what
    the replay shows at the last tick, computed here from the events, not by the app's model."""
    boards: dict[str, list[str]] = {}
    for event in events:
        if event["type"] == "piece_lock":
            rows = [row for row in event["data"]["board"] if "." in row]
            while rows and set(rows[-1]) == {"."}:
                rows.pop()
            boards[f"Board of {event['player_id']}"] = rows
    return boards


@pytest.fixture(scope="module")
def served(test_servers, tmp_path_factory, django_db_setup):
    """The built client and the API under gunicorn with uvicorn's workers, on the session's servers."""
    ensure_chromium()
    build_if_changed()
    run_async(reset_stream())
    folder = tmp_path_factory.mktemp("live-served")
    env = {**subprocess_env(), "NATS_URL": test_servers.nats.url, "PYTHONPATH": f"{folder}:{ROOT}"}
    env["DJANGO_SETTINGS_MODULE"] = _served_settings(folder)
    collect = [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"]
    subprocess.run(collect, cwd=ROOT, env=env, check=True)
    with asgi_serving(env) as (port, _):
        yield f"http://127.0.0.1:{port}"


def test_a_match_watched_live_ends_with_the_replays_boards(served, test_servers, tmp_path, settings):
    settings.NATS_SERVERS = [test_servers.nats.url]
    events = simulate_match_events(ROOM, index=0, seed=2801, players=2, started_at=datetime.now(UTC))
    screenshots = Path(os.environ.get("LIVE_SCREENSHOTS") or ROOT / ".local" / "screenshots" / "live")
    screenshots.mkdir(parents=True, exist_ok=True)

    ready = tmp_path / "watching"
    shots = str(screenshots)

    def play() -> None:  # the start, then (once the page watches) about 15 s of play, as a game server publishes
        publish_match(ROOM, events[:25])
        wait_until(ready.exists, timeout=180, interval=0.2)
        for start in range(25, len(events), 25):
            publish_match(ROOM, events[start : start + 25])
            threading.Event().wait(15 / (len(events) / 25))

    with BackgroundConsumer(MomentDetector()), BackgroundConsumer(MatchProjector()):
        player = threading.Thread(target=play)
        player.start()
        try:
            watch = {"base": served, "room": ROOM, "ready": str(ready), "screenshots": shots}
            seen = browser_result("e2e/live/watch.mjs", json.dumps(watch))
        finally:
            player.join()
    match = Match.objects.get(room_id=ROOM)
    assert f"Room {ROOM}" in seen["listed"]
    assert seen["badge"] and seen["goLiveShown"] and seen["followsAgain"]
    assert seen["matchLink"] == f"/matches/{match.id}"
    assert seen["boards"] == final_boards([event for event, _ in events])


def test_a_history_page_left_open_shows_a_match_recorded_meanwhile(
    served, test_servers, settings, django_user_model, tmp_path
):
    settings.NATS_SERVERS = [test_servers.nats.url]
    password = "a-long-passphrase-7"
    player = django_user_model.objects.create_user(username="onlooker", password=password)
    room = "live-history-1"
    events = simulate_match_events(room, index=0, seed=2802, players=2, registered=[str(player.pk)])
    ready = tmp_path / "history-open"

    def record_once_open() -> None:
        wait_until(ready.exists, timeout=180, interval=0.2)
        publish_match(room, events)
        with BackgroundConsumer(MatchProjector()):
            wait_until(lambda: Match.objects.filter(room_id=room).exists(), timeout=60)

    recorder = threading.Thread(target=record_once_open)
    recorder.start()
    try:
        config = {"base": served, "username": "onlooker", "password": password, "ready": str(ready)}
        seen = browser_result("e2e/live/history.mjs", json.dumps(config))
    finally:
        recorder.join()
    assert seen["rowsAfter"] == seen["rowsBefore"] + 1 == 1
    assert seen["navigations"] == 0, "no reload"
