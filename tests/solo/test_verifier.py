"""The server's verifier (solo/verifier.py, docs/api.md) against runs the browser's engine recorded."""

from __future__ import annotations

import copy

import pytest

from solo.verifier import VerifierWorker
from tests.solo.recorded_runs import recorded_runs

RUNS = 1000


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> list[dict]:
    return recorded_runs(tmp_path_factory.mktemp("human-runs"), 1, RUNS)


@pytest.fixture(scope="module")
def worker():
    worker = VerifierWorker()
    yield worker
    worker.close()


def test_the_worker_replays_1000_recorded_runs_to_what_the_browser_played(runs, worker) -> None:
    assert len(runs) == RUNS
    mismatches = [r["seed"] for r in runs if worker.replay(r["run"])["result"] != r["live"]]
    assert mismatches == []
    # The runs are the varied kind the test means: every mode, and both endings.
    assert {r["run"]["mode"] for r in runs} == {"marathon", "sprint", "blitz"}
    assert {r["live"]["ended"] for r in runs} == {"top_out", "goal"}
    assert any(r["live"]["lines_cleared"] >= 40 and r["run"]["mode"] == "sprint" for r in runs)


def test_verification_is_deterministic_across_requests_and_workers(runs, worker) -> None:
    # Four runs of each mode in recorded order: a replay with its events costs up to 0.4 s (a marathon).
    sample = [r for mode in ("sprint", "blitz", "marathon") for r in [r for r in runs if r["run"]["mode"] == mode][:4]]
    first = [worker.replay(r["run"], events=True) for r in sample]
    again = [worker.replay(r["run"], events=True) for r in sample]
    other = VerifierWorker()
    try:
        fresh = [other.replay(r["run"], events=True) for r in sample]
    finally:
        other.close()
    strip = lambda answers: [{k: v for k, v in a.items() if k != "id"} for a in answers]  # noqa: E731
    assert strip(first) == strip(again) == strip(fresh)


def test_an_altered_input_changes_what_the_replay_yields(runs, worker) -> None:
    run = next(r for r in runs if len(r["run"]["inputs"]) > 100)
    altered = copy.deepcopy(run["run"])
    t, _, _ = altered["inputs"][50]
    altered["inputs"][50] = [t, "down", "hard_drop"]
    assert worker.replay(altered)["result"] != run["live"]


def test_a_dead_worker_is_started_again(runs, worker) -> None:
    run = runs[0]
    worker.replay(run["run"])
    worker._process.kill()  # what an out-of-memory kill would do
    worker._process.wait()
    assert worker.replay(run["run"])["result"] == run["live"]
