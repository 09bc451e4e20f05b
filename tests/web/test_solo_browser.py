"""The solo game at /play in headless Chromium on the real stack (issue 14).

Django serves the built client and the API from pytest-django's live server on the suite's real
PostgreSQL; web/e2e/solo/browser.mjs drives Debian's Chromium through playwright-core with the
page's clock paused, feeding it keys planned on the very engine the page runs (web/e2e/solo/plan.ts,
built for Node by Vite). What the page showed is then checked against what the API recorded.
"""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from archive.archiver import MatchArchiver
from devtools.debian import ensure_chromium
from devtools.web import WEB, build_if_changed, node_env
from history.models import Match
from tests.archive.conftest import archive_store  # noqa: F401  (the archive's fixture: a clean archive)
from tests.history.factories import api_client_for, user_create
from tests.support import BackgroundConsumer
from tests.web.browser_script import browser_result

PASSWORD = "correct-horse-battery"  # tests.history.factories.user_create's
TOPOUT_SEED, TOPOUT_LINES = 11, 12
TSD_SEED = 2
# The planner's 40 lines from this seed hold two tetrises (key moments for the replay).
SPRINT_SEED = 9
# The game-over page of the first test, for people to look at (git-ignored under .local/).
SCREENSHOT = Path(__file__).resolve().parents[2] / ".local" / "solo-game-over.png"


def _node(*args: str, timeout: int = 300) -> str:
    done = subprocess.run(
        list(args), cwd=WEB, env=node_env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="session")
def plans(tmp_path_factory) -> dict[str, Path]:
    """The scripted games as JSON files: a game that clears 12 lines then tops out, a T-spin double."""
    build_if_changed()
    ensure_chromium()
    out = tmp_path_factory.mktemp("solo-plans")
    _node("npx", "vite", "build", "--ssr", "e2e/solo/planCli.ts", "--outDir", str(out), "--emptyOutDir")
    files = {}
    for name, args, seed in (
        ("topout", ["topout", str(TOPOUT_SEED), str(TOPOUT_LINES)], TOPOUT_SEED),
        ("tsd", ["tsd", str(TSD_SEED)], TSD_SEED),
        ("sprint", ["topout", str(SPRINT_SEED), "40"], SPRINT_SEED),
    ):
        plan = json.loads(_node("node", str(out / "planCli.js"), *args))
        assert plan is not None, f"no {name} plan for seed {seed}"
        files[name] = out / f"{name}.json"
        files[name].write_text(json.dumps({**plan, "seed": seed}))
    return files


@pytest.fixture
def player(transactional_db, settings):
    # The page is web/dist's index.html, found as DEBUG would (the live server serves static files
    # from the finders too): no collectstatic in the tests.
    settings.WHITENOISE_USE_FINDERS = True
    return user_create()


def run_scenario(scenario: str, live_server, player, plan: Path, **env: str) -> dict:
    args = (scenario, live_server.url, player.username, PASSWORD, str(plan))
    return browser_result("e2e/solo/browser.mjs", *args, env=env)


def solo_matches(player) -> list[dict]:
    response = api_client_for(player).get("/api/matches", {"mode": "solo"})
    assert response.status_code == 200
    return response.json()["results"]


def recorded_figures(match: dict) -> dict:
    (row,) = match["players"]
    return {
        "score": row["score"],
        "lines": row["lines_cleared"],
        "level": row["level"],
        "pieces": row["pieces_placed"],
    }


def test_a_seeded_game_that_clears_ten_lines_and_tops_out_is_in_the_history_as_shown(live_server, player, plans):
    planned = json.loads(plans["topout"].read_text())
    result = run_scenario("topout", live_server, player, plans["topout"], SCREENSHOT=str(SCREENSHOT))

    assert result["shown"] == planned["final"]
    assert result["shown"]["lines"] >= 10 and result["shown"]["level"] >= 2
    (match,) = solo_matches(player)
    assert recorded_figures(match) == result["shown"]
    # The page posted its run (real key presses, recorded as played) and the server's replay agreed.
    assert match["verified"] is True and match["solo_mode"] == "marathon"
    assert len(result["posts"]) == 1
    assert result["historyRow"]["Mode"] == "solo marathon"  # verified: no "(unverified)"
    assert result["historyRow"]["Level"] == str(result["shown"]["level"])
    body = json.loads(result["posts"][0]["body"])
    # A result the API accepts (docs/api.md): at most 30 pieces a second of play.
    assert body["pieces_placed"] / (body["duration_ms"] / 1000) <= 30
    assert datetime.fromisoformat(body["ended_at"]) == datetime.fromisoformat(match["ended_at"])


def test_a_post_whose_answer_is_lost_is_resent_byte_for_byte_and_recorded_once(live_server, player, plans):
    result = run_scenario("lost-answer", live_server, player, plans["topout"])

    first, retry = result["posts"]
    assert retry == first  # the same bytes and the same Idempotency-Key
    (match,) = solo_matches(player)
    assert recorded_figures(match) == result["shown"]
    assert Match.objects.filter(mode="solo").count() == 1


def test_a_result_kept_while_the_api_is_unreachable_is_recorded_once_after_a_reload(live_server, player, plans):
    result = run_scenario("offline-reload", live_server, player, plans["topout"])

    assert result["failedPosts"] >= 1
    assert [kept["state"] for kept in result["kept"]] == ["saved"]
    (match,) = solo_matches(player)
    assert recorded_figures(match) == result["shown"]
    assert match["verified"] is True  # the run was kept with the result, and replayed once it arrived


def test_a_player_not_signed_in_finishes_signs_in_and_the_result_is_saved(live_server, player, plans):
    result = run_scenario("signed-out", live_server, player, plans["topout"])

    assert result["after"] == "/play"
    assert [kept["state"] for kept in result["kept"]] == ["saved"]
    (match,) = solo_matches(player)
    assert recorded_figures(match) == result["shown"]


def test_a_scripted_t_spin_double_scores_as_the_guideline_says(live_server, player, plans):
    planned = json.loads(plans["tsd"].read_text())
    result = run_scenario("tsd", live_server, player, plans["tsd"])

    before, after = result["before"], result["after"]
    assert (before, after) == (planned["before"], planned["after"])
    assert after["lines"] - before["lines"] == 2
    # A T-spin double is 1200 points a level; the soft drop into the slot adds a point a row.
    soft_drop_rows = after["score"] - before["score"] - 1200 * before["level"]
    assert 0 < soft_drop_rows <= 20


def test_a_sprint_finished_in_chromium_is_first_on_the_sprint_board_and_replays_with_its_moments_and_finesse(
    live_server,
    player,
    plans,
    stream,
    archive_store,  # noqa: F811
):
    # The archiver's sweep analyses the run a moment after it is recorded; the replay page asks again.
    archiver = MatchArchiver(store=archive_store, settle_seconds=0, wait_for_detector=False, sweep_seconds=0.2)
    with BackgroundConsumer(archiver):
        result = run_scenario("sprint", live_server, player, plans["sprint"])

    assert result["shown"]["lines"] >= 40
    assert result["headline"].startswith("Sprint: ")
    (match,) = solo_matches(player)
    assert match["solo_mode"] == "sprint" and match["verified"] is True
    assert recorded_figures(match) == result["shown"]
    rank, time, _achieved, name = result["firstRow"]
    assert (rank, name) == ("1", player.username)
    duration = match["players"][0]["duration_ms"]
    assert time == f"{duration // 60000}:{duration // 1000 % 60:02d}.{duration % 1000:03d}"
    # The viewer lists the moments the detector found in the server's run: the plan's two tetrises.
    assert [text for text in result["moments"] if text.startswith("Tetris by")] == [
        f"Tetris by {player.username} at {moment}" for moment in ("0:05", "0:09")
    ]
    # Its finesse faults, judged from the key presses Chromium typed, are marked one a fault (issue 29).
    (figures,) = api_client_for(player).get(f"/api/matches/{match['id']}/analysis").json()["analysis"]["players"]
    assert figures["key_presses"] > figures["pieces"] == match["players"][0]["pieces_placed"]
    assert result["finesseMarks"] == figures["finesse_faults"] == len(figures["finesse_fault_placements"]) > 0
    assert f"{figures['finesse_faults']} in {figures['finesse_judged']} judged placements" in result["finesseSummary"]
