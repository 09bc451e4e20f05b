"""POST /api/solo_results with a run (docs/api.md): the server replays it and records what it yields."""

from __future__ import annotations

import copy
import json

import pytest

from history.models import Match
from solo.inputs import inputs_decode
from solo.models import SoloRun
from tests.history.factories import api_client_for, user_create
from tests.solo.recorded_runs import recorded_runs

URL = "/api/solo_results"
FORGED = {"score": 999999, "lines_cleared": 150, "level": 16, "pieces_placed": 380, "duration_ms": 600000}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> list[dict]:
    return recorded_runs(tmp_path_factory.mktemp("human-runs"), 1, 400)


@pytest.fixture
def sprint(runs) -> dict:
    """A finished 40-line sprint of the skilled simulated player."""
    return next(r for r in runs if r["run"]["mode"] == "sprint" and r["live"]["ended"] == "goal")


@pytest.fixture
def player(db):
    return user_create(username="speedrunner")


def body_of(recorded: dict) -> dict:
    live = recorded["live"]
    figures = {name: live[name] for name in ("score", "lines_cleared", "level", "pieces_placed", "duration_ms")}
    return {**figures, "replay": recorded["run"]}


def post(user, body, **headers):
    return api_client_for(user).post(URL, body, format="json", **headers)


def test_a_run_is_replayed_and_recorded_verified_with_its_inputs(player, sprint):
    response = post(player, body_of(sprint))

    assert response.status_code == 201, response.json()
    match = response.json()
    assert match["solo_mode"] == "sprint" and match["verified"] is True
    assert match["players"][0]["duration_ms"] == sprint["live"]["duration_ms"]
    assert match["players"][0]["lines_cleared"] >= 40
    stored = SoloRun.objects.get(match_id=match["id"])
    assert inputs_decode(bytes(stored.inputs)) == sprint["run"]["inputs"]
    assert (stored.mode, stored.seed, stored.settings) == ("sprint", sprint["run"]["seed"], sprint["run"]["settings"])


def test_the_forged_result_without_a_run_is_recorded_unverified(player):
    response = post(player, FORGED)

    assert response.status_code == 201
    assert response.json()["verified"] is False and response.json()["solo_mode"] == "marathon"
    assert not SoloRun.objects.exists()
    # On no board: the account was first on the solo board without a game played.
    for period in ("day", "all"):
        board = api_client_for(player).get("/api/leaderboards/solo", {"period": period}).json()
        assert board["results"] == []


def test_the_forged_figures_with_a_real_run_are_refused_naming_the_score(player, sprint):
    response = post(player, {**FORGED, "replay": sprint["run"]})

    assert response.status_code == 400
    errors = response.json()
    assert errors["score"] == [f"the replay ends at {sprint['live']['score']:,}, not 999,999"]
    assert set(errors) == {"score", "lines_cleared", "level", "pieces_placed", "duration_ms"}
    assert not Match.objects.exists()


def test_one_figure_off_is_refused_naming_only_it(player, sprint):
    body = body_of(sprint)
    body["score"] += 100

    response = post(player, body)

    assert response.status_code == 400
    assert response.json() == {"score": [f"the replay ends at {body['score'] - 100:,}, not {body['score']:,}"]}


def test_inputs_altered_after_the_game_are_refused(player, sprint):
    body = body_of(sprint)
    altered = copy.deepcopy(body["replay"])
    # A move pressed halfway through becomes a hard drop: a piece lands elsewhere.
    index = next(i for i, (_, d, key) in enumerate(altered["inputs"]) if i > 200 and d == "down" and key == "left")
    altered["inputs"][index] = [altered["inputs"][index][0], "down", "hard_drop"]

    response = post(player, {**body, "replay": altered})

    assert response.status_code == 400
    assert not Match.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"engine": "guideline-0"}, "engine"),
        ({"mode": "ultra"}, "mode"),
        ({"inputs": [[0, "down", "jump"]]}, "inputs"),
        ({"inputs": [[0, ["down"], {"key": "left"}]]}, "inputs"),
        ({"inputs": [[True, "down", "left"]]}, "inputs"),
        ({"inputs": "left"}, "inputs"),
        ({"inputs": [[10, "down", "left"], [5, "up", "left"]]}, "inputs"),
        ({"inputs": [[7_200_001, "down", "left"]]}, "inputs"),
        ({"inputs": [[0, "down", "left"]] * 200_001}, "inputs"),
    ],
)
def test_a_run_out_of_bounds_is_refused_saying_so(player, sprint, change, field):
    body = body_of(sprint)
    body["replay"] = {**body["replay"], **change}

    response = post(player, body)

    assert response.status_code == 400
    # {"replay": ["engine: Unknown engine 'guideline-0'; ..."]}: strings, as every 400 of the API.
    assert any(message.startswith(f"{field}: ") for message in response.json()["replay"]), response.json()


def test_the_same_run_twice_with_one_key_is_recorded_once(player, sprint):
    body = body_of(sprint)
    first = post(player, body, HTTP_IDEMPOTENCY_KEY="run-1")
    again = post(player, body, HTTP_IDEMPOTENCY_KEY="run-1")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Match.objects.count() == 1 and SoloRun.objects.count() == 1


def test_a_body_over_the_general_limit_is_taken_up_to_8_mb(player, sprint, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # far below this run's JSON
    body = body_of(sprint)
    assert len(json.dumps(body)) > 1000

    assert post(player, body).status_code == 201
    big = {**body, "padding": "x" * (8 * 1024 * 1024)}
    refused = post(player, big)
    assert refused.status_code == 413
    assert refused.json() == {"detail": "The request body is larger than 8,388,608 bytes."}
