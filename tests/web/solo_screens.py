"""Screenshots of the solo pages (issue 26) for people to look at, by hand, never in the suite (its
name is not test_*.py): `SOLO_SCREENS_DIR=/tmp/screens .venv/bin/python -m pytest tests/web/solo_screens.py -n 0`.

The boards are filled with verified runs of simulated players (tests/solo/recorded_runs.py) posted
through the API, then web/e2e/solo/screens.mjs plays the seed-9 sprint in Chromium and takes the
pictures at 1280 and 390 px."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from analysis.services import solo_runs_analyse
from tests.history.factories import api_client_for, user_create
from tests.solo.recorded_runs import recorded_runs
from tests.web.browser_script import browser_result
from tests.web.test_solo_browser import PASSWORD, plans  # noqa: F401 - the fixture

OUT = os.environ.get("SOLO_SCREENS_DIR")
FIGURES = ("score", "lines_cleared", "level", "pieces_placed", "duration_ms")
pytestmark = pytest.mark.skipif(not OUT, reason="give SOLO_SCREENS_DIR, the folder for the pictures")


def test_solo_screens(live_server, transactional_db, settings, plans, tmp_path):  # noqa: F811
    settings.WHITENOISE_USE_FINDERS = True
    runs = recorded_runs(tmp_path / "runs", 1, 400)
    chosen = [r for r in runs if r["live"]["pieces_placed"] > 30][:14] + [
        r for r in runs if r["run"]["mode"] == "sprint" and r["live"]["ended"] == "goal"
    ]
    for n, recorded in enumerate(chosen):
        runner = user_create(username=f"runner{n + 1}")
        body = {name: recorded["live"][name] for name in FIGURES} | {"replay": recorded["run"]}
        assert api_client_for(runner).post("/api/solo_results", body, format="json").status_code == 201
    player = user_create(username="screens")
    for recorded in chosen[:3]:  # runs of its own before the one it plays, for the page's solo averages
        body = {name: recorded["live"][name] for name in FIGURES} | {"replay": recorded["run"]}
        assert api_client_for(player).post("/api/solo_results", body, format="json").status_code == 201
    solo_runs_analyse()  # what the archiver's process sweeps (docs/operations.md): KPP and finesse
    plan = json.loads(plans["sprint"].read_text()) | {"userId": str(player.id)}
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan))
    Path(OUT).mkdir(parents=True, exist_ok=True)
    result = browser_result(
        "e2e/solo/screens.mjs", live_server.url, player.username, PASSWORD, str(plan_file), OUT, timeout=900
    )
    assert len(result["shots"]) == 2 * 11
