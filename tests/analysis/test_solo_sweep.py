"""Verified solo runs analysed by the archiver on the real servers (PostgreSQL, NATS, SeaweedFS): two runs
posted through the API get their analysis rows at the archiver's sweep, with no request for their
analysis, and the player's stats average their KPP and finesse faults a piece (docs/api.md)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from rest_framework.test import APIClient

from analysis.models import MatchAnalysis, SoloRunUnanalysed
from archive.archiver import MatchArchiver
from tests.history.factories import api_client_for, user_create
from tests.solo.recorded_runs import recorded_runs
from tests.support import BackgroundConsumer, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
FIGURES = ("score", "lines_cleared", "level", "pieces_placed", "duration_ms")


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> list[dict]:
    """Seeds 40 and 41: the skilled simulated player's runs, recorded by the browser's engine."""
    return recorded_runs(tmp_path_factory.mktemp("human-runs"), 40, 2)


def rounded(exact: Decimal, places: int) -> float:
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def test_the_archiver_analyses_verified_runs_and_the_player_averages_them(stream, archive_store, runs):
    player = user_create(username="sweeper")
    client = api_client_for(player)
    match_ids = []
    for run in runs:
        body = {name: run["live"][name] for name in FIGURES} | {"replay": run["run"]}
        response = client.post("/api/solo_results", body, format="json")
        assert response.status_code == 201, response.json()
        match_ids.append(response.json()["id"])
    assert SoloRunUnanalysed.objects.count() == 2

    # Solo runs never pass through the stream: the archiver's sweep finds them, no GET of their analysis.
    archiver = MatchArchiver(store=archive_store, settle_seconds=0, wait_for_detector=False, sweep_seconds=0.2)
    with BackgroundConsumer(archiver):
        wait_until(lambda: MatchAnalysis.objects.count() == 2, timeout=60)
    assert sorted(str(row.match_id) for row in MatchAnalysis.objects.all()) == sorted(match_ids)
    assert not SoloRunUnanalysed.objects.exists()

    # By hand: each run's KPP is its key downs over its pieces; its faults a piece, faults over judged.
    kpps, fault_rates = [], []
    for run, match_id in zip(runs, match_ids, strict=True):
        (entry,) = MatchAnalysis.objects.get(match_id=match_id).figures["players"]
        presses = sum(1 for _, direction, _ in run["run"]["inputs"] if direction == "down")
        pieces = run["live"]["pieces_placed"]
        assert (entry["key_presses"], entry["pieces"]) == (presses, pieces)
        kpp = (Decimal(presses) / pieces).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert entry["kpp"] == float(kpp)
        kpps.append(kpp)
        assert entry["finesse_judged"] > 0
        fault_rates.append(Decimal(entry["finesse_faults"]) / entry["finesse_judged"])
    stats = APIClient().get(f"/api/players/{player.id}/stats").json()["solo"]
    assert stats["analysed_runs"] == 2 and stats["matches"] == 2
    assert stats["kpp"] == rounded(sum(kpps) / 2, 2)
    assert stats["finesse_faults_per_piece"] == rounded(sum(fault_rates) / 2, 4)
    assert APIClient().get(f"/api/matches/{match_ids[0]}/analysis").status_code == 200
