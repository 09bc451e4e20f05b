"""The history, match page and replay viewer in headless Chromium on the real stack (issue 13):
Django from pytest-django's live server on the suite's PostgreSQL and NATS, the real
match projector and key moment detector, Debian's Chromium driven by web/e2e/history/journey.mjs.

A player registers through the form; their matches are then published to GAME_EVENTS as a game
server would (tests/web/seed.py: seconds, not minutes of bot games) and projected. One journey
through the pages is recorded once for the module; each test checks one thing the pages must show,
against the API's answers and against boards computed here from the replay's own events (never the
app's board model). Screenshots of every page go to .local/screenshots/ (git-ignored).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from devtools.debian import ensure_chromium
from devtools.web import build_if_changed
from history.models import Match
from history.projector import MatchProjector
from moments.consumer import MomentDetector
from tests.conftest import reset_stream
from tests.history.factories import api_client_for, user_create
from tests.support import BackgroundConsumer, publish_match, run_async, wait_until
from tests.web import seed
from tests.web.browser_script import browser_result

# Every test reads what the module's journey recorded; the marker makes pytest-django create the test
# database even when this module runs alone (each test's transaction is rolled back, the seed stays).
pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(__file__).resolve().parents[2] / ".local" / "screenshots"
PLAYER, PASSWORD = "alice", "a-long-passphrase-9"
# Names nobody escaped would run: a username made outside the register route's validators, and a
# guest's player_id as a game server published it.
SCRIPTED_USERNAME = "<img src=x onerror=\"window.__xss='username'\">"
SCRIPTED_GUEST = "<script>window.__xss='guest'</script>"
HISTORY_MATCHES = 25
TIMEZONE = "America/New_York"
FILTER_DAYS = ("2026-11-04", "2026-11-05")
NO_VALUE = "\N{EN DASH}"  # what the pages show for a missing figure
JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")


def journey(scenario: str, **config) -> dict:
    return browser_result("e2e/history/journey.mjs", scenario, json.dumps(config), timeout=240)


def seed_history(player: User, mallory: User) -> dict:
    """Publish the player's matches, let the projector and detector run, and return the API's view."""
    # The newest match, so the first row of the history.
    replay_started = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    replayed = seed.replay_match_events(str(player.id), str(mallory.id), started_at=replay_started)
    publish_match(seed.REPLAY_ROOM, replayed)
    for room, events in seed.history_matches(str(player.id), [str(mallory.id), SCRIPTED_GUEST], HISTORY_MATCHES):
        publish_match(room, events)
    client = api_client_for(player)
    for day in (3, 10, 20):
        ended_at = datetime(2026, 11, day, 18, 0, tzinfo=UTC).isoformat()
        body = {"score": 1200, "lines_cleared": 10, "level": 2, "pieces_placed": 40, "duration_ms": 60_000}
        answer = client.post(
            "/api/solo_results", {**body, "ended_at": ended_at}, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())
        )
        assert answer.status_code == 201
    with BackgroundConsumer(MatchProjector()), BackgroundConsumer(MomentDetector()):
        wait_until(lambda: Match.objects.filter(mode="multiplayer").count() == HISTORY_MATCHES + 1, timeout=60)
        replay_match = Match.objects.get(room_id=seed.REPLAY_ROOM)
        replay_url = f"/api/matches/{replay_match.id}/replay"
        wait_until(lambda: len(client.get(replay_url).json()["moments"]) == 2, timeout=60)
    matches = client.get("/api/matches", {"page_size": 100}).json()["results"]
    return {
        "matches": matches,
        "replay_match": client.get(f"/api/matches/{replay_match.id}").json(),
        "replay": client.get(replay_url).json(),
    }


@pytest.fixture(scope="module")
def pages(test_servers, django_db_setup, django_db_blocker):
    """The register journey, the seeding, then the tour of the pages; the DB emptied afterwards.

    A live server of its own: pytest-django's `live_server` would make every test of the module
    transactional, emptying the database after the first one.
    """
    build_if_changed()
    ensure_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The page is web/dist's index.html, found as DEBUG would (the live server serves static files
    # from the finders too): no collectstatic in the tests.
    overrides = override_settings(WHITENOISE_USE_FINDERS=True, NATS_SERVERS=[test_servers.nats.url])
    with overrides, django_db_blocker.unblock():
        live_server = LiveServer("localhost")
        if not test_servers.nats.is_running():
            test_servers.nats.start()
        run_async(reset_stream())
        caches["shared"].clear()  # sign-ins of earlier tests must not count against this module's throttle
        try:
            common = {"base": live_server.url, "screenshots": str(SCREENSHOTS)}
            registered = journey("register", **common, username=PLAYER, password=PASSWORD, weakPassword="short")
            player = User.objects.get(username=PLAYER)
            mallory = User.objects.create_user(username=SCRIPTED_USERNAME, password="unused-password-1")
            other = user_create(username="bob")
            api = seed_history(player, mallory)
            tour = journey(
                "tour",
                **common,
                timezone=TIMEZONE,
                filter={"from": FILTER_DAYS[0], "to": FILTER_DAYS[1]},
                replayRoom=seed.REPLAY_ROOM,
                player={"username": PLAYER, "password": PASSWORD},
                other={"username": other.username, "password": "correct-horse-battery"},
            )
            yield {"registered": registered, "tour": tour, "api": api, "base": live_server.url, "player": player}
        finally:
            live_server.stop()
            call_command("flush", interactive=False, verbosity=0)


def name_of(player: dict) -> str:
    return player["username"] or player["player_id"]


def mode_text(match: dict) -> str:
    """The Mode column: a solo match says its mode and, unless the server replayed it, "(unverified)"."""
    if match["mode"] != "solo":
        return match["mode"]
    names = {"marathon": "marathon", "sprint": "40-line sprint", "blitz": "2-minute blitz"}
    name = names[match["solo_mode"] or "marathon"]
    return f"solo {name}" if match["verified"] else f"solo {name} (unverified)"


def history_row(match: dict, player: User) -> dict:
    """A history row as the history page shows it, from the API's match (When is left to the locale)."""
    own = next(p for p in match["players"] if p["user_id"] == str(player.id))
    return {
        "Mode": mode_text(match),
        "Room": match["room_id"] or NO_VALUE,
        "Placement": f"{own['placement']} of {match['player_count']}",
        "Score": f"{own['score']:,}",
        "Level": str(own["level"]) if own["level"] is not None else NO_VALUE,
        "Players": ", ".join(name_of(p) for p in match["players"]),
    }


def shown(rows: list[dict]) -> list[dict]:
    return [{column: text for column, text in row["cells"].items() if column != "When"} for row in rows]


def board_at(events: list[dict], player_id: str, tick: int) -> list[str]:
    """The replay viewer's board: the player's last piece_lock at or before `tick`, full rows removed."""
    locks = [e for e in events if e["type"] == "piece_lock" and e["player_id"] == player_id and e["tick"] <= tick]
    if not locks:
        return []
    rows = [row for row in locks[-1]["data"]["board"] if "." in row]
    while rows and set(rows[-1]) == {"."}:
        rows.pop()
    return rows


def expected_boards(api: dict, tick: int) -> dict[str, list[str]]:
    events = api["replay"]["events"]
    return {f"Board of {name_of(p)}": board_at(events, p["player_id"], tick) for p in api["replay_match"]["players"]}


def test_a_newcomer_registers_through_the_form_sees_the_apis_error_beside_the_field_and_an_empty_history(pages):
    registered = pages["registered"]

    assert registered["startedAt"] == "/signin"
    assert "8 characters" in registered["passwordError"]  # the API's words, beside the Password field
    assert registered["landedAt"] == "/matches"
    assert registered["afterSignOut"] == "/signin"


def test_the_history_lists_every_match_with_the_players_placement_twenty_at_a_time(pages):
    tour, api = pages["tour"], pages["api"]

    assert tour["afterSignIn"] == "/matches"
    assert tour["history"]["pages"] == [20, HISTORY_MATCHES + 1 + 3 - 20]
    assert shown(tour["history"]["rows"]) == [history_row(m, pages["player"]) for m in api["matches"]]
    assert [row["href"] for row in tour["history"]["rows"]] == [f"/matches/{m['id']}" for m in api["matches"]]
    # The placements the seeded matches gave the player, oldest first: 1, 2, 3, 1, 2, 3, …
    small = [row for row in shown(tour["history"]["rows"]) if row["Room"].startswith("room-")]
    assert [row["Placement"] for row in reversed(small)] == [f"{n % 3 + 1} of 3" for n in range(HISTORY_MATCHES)]
    assert tour["errors"] == []


def test_filters_live_in_the_url_take_whole_days_of_the_browsers_time_zone_and_survive_a_reload(pages):
    tour, api = pages["tour"], pages["api"]
    first, last = (date.fromisoformat(day) for day in FILTER_DAYS)

    def in_range(match: dict) -> bool:
        local_day = datetime.fromisoformat(match["started_at"]).astimezone(ZoneInfo(TIMEZONE)).date()
        return match["mode"] == "multiplayer" and first <= local_day <= last

    wanted = [history_row(m, pages["player"]) for m in api["matches"] if in_range(m)]
    query = dict(re.findall(r"[?&](\w+)=([^&]*)", tour["filters"]["url"]))
    assert query == {"mode": "multiplayer", "since": FILTER_DAYS[0], "until": FILTER_DAYS[1]}
    assert len(wanted) == 7  # two days of matches seven hours apart
    assert shown(tour["filters"]["rows"]) == wanted
    assert shown(tour["filters"]["reloadedRows"]) == wanted
    assert tour["filters"]["reloadedControls"] == {"mode": "multiplayer", "from": FILTER_DAYS[0], "to": FILTER_DAYS[1]}


def test_a_history_row_opens_its_match_with_names_pps_and_apm_by_placement(pages):
    tour, api = pages["tour"], pages["api"]
    match = api["replay_match"]

    assert tour["match"]["path"] == f"/matches/{match['id']}"
    players = sorted(match["players"], key=lambda p: p["placement"])
    assert [row["cells"] for row in tour["match"]["players"]] == [
        {
            "Placement": str(p["placement"]),
            "Name": name_of(p),
            "Score": f"{p['score']:,}",
            "Lines": str(p["lines_cleared"]),
            "Garbage sent": str(p["garbage_sent"]),
            "Garbage received": str(p["garbage_received"]),
            "Pieces": str(p["pieces_placed"]),
            "PPS": f"{p['pps']:.2f}",
            "APM": f"{p['apm']:.1f}",
            "Time": f"{p['duration_ms'] // 60000}:{p['duration_ms'] // 1000 % 60:02d}",
        }
        for p in players
    ]
    assert [p["Name"] for p in (row["cells"] for row in tour["match"]["players"])] == [PLAYER, SCRIPTED_USERNAME]


def test_the_replay_plays_and_jumps_to_the_tetris_showing_the_boards_the_events_give(pages):
    replay, api = pages["tour"]["replay"], pages["api"]
    events, moments = api["replay"]["events"], api["replay"]["moments"]
    start = events[0]["tick"]
    tetris = next(m for m in moments if m["type"] == "tetris")
    elimination = next(m for m in moments if m["type"] == "elimination")

    assert replay["moments"] == [
        f"Tetris by {PLAYER} at 0:{(tetris['tick'] - start) // seed.TICK_RATE:02d}",
        f"Elimination by {SCRIPTED_USERNAME} at 0:{(elimination['tick'] - start) // seed.TICK_RATE:02d}",
    ]
    assert replay["opened"]["t"] == start == seed.FIRST_TICK
    assert replay["opened"]["boards"] == expected_boards(api, start)
    assert replay["opened"]["boards"] == {f"Board of {PLAYER}": [], f"Board of {SCRIPTED_USERNAME}": []}
    played = replay["played"]
    assert start < played["t"] and played["slider"] == played["t"]
    assert played["boards"] == expected_boards(api, played["t"])

    jumped = replay["tetris"]
    assert (jumped["t"], jumped["slider"], jumped["current"]) == (tetris["tick"], tetris["tick"], "true")
    assert jumped["boards"] == expected_boards(api, tetris["tick"])
    assert jumped["boards"][f"Board of {PLAYER}"] == ["OO........", "OO........"]  # the tetris's four rows are gone

    assert replay["nextMoment"]["t"] == elimination["tick"]
    lock_ticks = sorted({e["tick"] for e in events if e["type"] == "piece_lock" and e["tick"] < elimination["tick"]})
    assert replay["previousPiece"]["t"] == lock_ticks[-1]
    assert replay["previousPiece"]["boards"] == expected_boards(api, lock_ticks[-1])


def test_a_copied_t_link_opens_on_the_same_frame(pages):
    replay = pages["tour"]["replay"]

    assert (replay["reloaded"]["t"], replay["reloaded"]["slider"]) == (replay["tetris"]["t"],) * 2
    assert replay["reloaded"]["boards"] == replay["tetris"]["boards"]


def test_no_token_is_kept_where_a_script_could_read_it(pages):
    tour = pages["tour"]
    readable, traffic = tour["readable"], tour["sessionTraffic"]
    (refresh,) = [cookie for cookie in tour["cookies"] if cookie["name"] == "refresh_token"]
    access_tokens = [json.loads(body)["access"] for body in traffic["bodies"] if body.startswith('{"access"')]

    assert (refresh["httpOnly"], refresh["sameSite"], refresh["path"]) == (True, "Strict", "/api/auth/session")
    assert "refresh_token" not in readable["documentCookie"]
    assert readable["indexedDB"] == []
    assert readable["sessionStorage"] == {}
    kept = json.dumps([readable["localStorage"], readable["sessionStorage"]])
    assert access_tokens and traffic["refreshTokens"]
    assert not JWT.search(kept)
    assert not any(token in kept for token in access_tokens + traffic["refreshTokens"])
    # No answer of the session routes carries a refresh token in its body.
    assert not any(token in body for body in traffic["bodies"] for token in traffic["refreshTokens"])


def test_signing_out_closes_the_history_and_the_old_refresh_token_is_refused(pages):
    tour = pages["tour"]
    (refresh,) = [cookie["value"] for cookie in tour["cookies"] if cookie["name"] == "refresh_token"]

    assert tour["signedOut"] == {"path": "/signin", "cookies": []}
    request = urllib.request.Request(
        f"{pages['base']}/api/auth/session/refresh",
        method="POST",
        headers={"Cookie": f"refresh_token={refresh}", "Origin": pages["base"]},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 401


def test_a_signed_out_visitor_opens_a_shared_match_and_a_replay_link_at_its_frame(pages):
    tour = pages["tour"]
    shared, replay = tour["shared"], tour["replay"]

    assert shared["matchPath"] == tour["match"]["path"] and shared["signInLinks"] == 1
    assert (shared["replay"]["t"], shared["replay"]["slider"]) == (replay["tetris"]["t"],) * 2
    assert shared["replay"]["boards"] == replay["tetris"]["boards"]
    assert shared["copied"] == f"{pages['base']}{replay['path']}?t={replay['tetris']['t']}"  # Copy link
    assert tour["errors"] == []


def test_scripts_in_names_or_injected_into_the_page_do_not_run(pages):
    tour = pages["tour"]

    assert SCRIPTED_GUEST in {name for row in shown(tour["history"]["rows"]) for name in row["Players"].split(", ")}
    assert tour["namesRan"] is False
    assert tour["injected"]["scriptRan"] is False and tour["injected"]["handlerRan"] is False
    assert "script-src-elem" in tour["injected"]["refused"] or "script-src" in tour["injected"]["refused"]
