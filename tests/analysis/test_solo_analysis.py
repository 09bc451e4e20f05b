"""A verified solo run's analysis through the API (docs/api.md, match analysis): the run recorded by the
browser's engine is posted, replayed by the server, waits for the archiver's sweep (solo_runs_analyse,
run here directly; tests/analysis/test_solo_sweep.py runs the archiver), and its analysis answers its KPP
and finesse faults, the pure function's over its replay and its key presses; a result without a run says
why it has none; `manage.py reanalyze` rewrites it with the multiplayer matches'."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from analysis.figures import RULES_VERSION, analyse_match
from analysis.finesse import run_placements
from analysis.models import MatchAnalysis, SoloRunUnanalysed
from analysis.services import solo_runs_analyse
from tests.history.factories import api_client_for, user_create
from tests.solo.recorded_runs import recorded_runs

FIGURES = ("score", "lines_cleared", "level", "pieces_placed", "duration_ms")


@pytest.fixture(scope="module")
def sprint(tmp_path_factory) -> dict:
    """Seed 40: a sprint of the skilled simulated player (143 pieces), who taps where holding a key would do."""
    (run,) = recorded_runs(tmp_path_factory.mktemp("human-runs"), 40, 1)
    assert run["run"]["mode"] == "sprint"
    return run


@pytest.fixture
def player(db):
    return user_create(username="finesser")


def posted(player, recorded: dict) -> str:
    body = {name: recorded["live"][name] for name in FIGURES} | {"replay": recorded["run"]}
    response = api_client_for(player).post("/api/solo_results", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def test_a_verified_run_waits_for_the_sweep_and_the_api_never_replays_it(player, sprint):
    match_id = posted(player, sprint)
    # Waiting for the sweep, written with the run.
    assert [str(waiting) for waiting in SoloRunUnanalysed.objects.values_list("match_id", flat=True)] == [match_id]

    response = APIClient().get(f"/api/matches/{match_id}/analysis")

    assert response.status_code == 404
    assert "not computed yet" in response.json()["detail"] and "after it is recorded" in response.json()["detail"]
    assert not MatchAnalysis.objects.exists() and SoloRunUnanalysed.objects.count() == 1  # the GET computed nothing


def test_a_verified_runs_analysis_has_its_kpp_and_finesse_faults(player, sprint):
    match_id = posted(player, sprint)
    assert solo_runs_analyse() == 1 and not SoloRunUnanalysed.objects.exists()

    response = APIClient().get(f"/api/matches/{match_id}/analysis")  # public, as the match is

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["rules_version"] == RULES_VERSION
    (entry,) = body["analysis"]["players"]
    inputs = sprint["run"]["inputs"]
    presses = sum(1 for _, direction, _ in inputs if direction == "down")
    pieces = sprint["live"]["pieces_placed"]
    assert (entry["pieces"], entry["key_presses"]) == (pieces, presses)
    assert entry["kpp"] == round(presses / pieces, 2)
    # The faults are the pure rules' over the server's replay of the run (its events) and its presses.
    replay = APIClient().get(f"/api/matches/{match_id}/replay").json()
    placements, counted = run_placements(inputs, [e for e in replay["events"] if e["player_id"] is not None])
    assert counted == presses and len(placements) == pieces
    faults = [p for p in placements if p.fault]
    assert entry["finesse_faults"] == len(faults) > 0
    assert entry["finesse_judged"] == sum(1 for p in placements if p.fewest is not None)
    assert [f["tick"] for f in entry["finesse_fault_placements"]] == [p.tick for p in faults]
    assert body["analysis"] == analyse_match(replay, {str(player.id): inputs})
    assert solo_runs_analyse() == 0  # nothing left waiting


def test_a_result_without_its_run_says_there_is_nothing_to_analyse(player):
    forged = {"score": 1000, "lines_cleared": 10, "level": 1, "pieces_placed": 30, "duration_ms": 60000}
    match_id = api_client_for(player).post("/api/solo_results", forged, format="json").json()["id"]

    response = APIClient().get(f"/api/matches/{match_id}/analysis")

    assert response.status_code == 404
    assert "without its run" in response.json()["detail"]
    assert not SoloRunUnanalysed.objects.exists()  # nothing waits for the sweep


def test_reanalyze_rewrites_a_verified_solo_matchs_row(player, sprint):
    match_id = posted(player, sprint)
    solo_runs_analyse()
    expected = APIClient().get(f"/api/matches/{match_id}/analysis").json()["analysis"]
    MatchAnalysis.objects.update(rules_version=0, figures={})

    out, err = io.StringIO(), io.StringIO()
    call_command("reanalyze", stdout=out, stderr=err)

    assert "analysed 1 matches" in out.getvalue() and "1/1 matches" in err.getvalue()
    row = MatchAnalysis.objects.get(match_id=match_id)
    assert (row.rules_version, row.figures) == (RULES_VERSION, expected)


def test_a_sweep_past_its_budget_starts_no_new_chunk(player, sprint):
    first, second = posted(player, sprint), posted(player, sprint)

    assert solo_runs_analyse(chunk=1, budget_seconds=0) == 0  # spent before the first chunk
    assert solo_runs_analyse(chunk=1, budget_seconds=60) == 2  # oldest first, a chunk at a time, until none
    assert {str(m) for m in MatchAnalysis.objects.values_list("match_id", flat=True)} == {first, second}
