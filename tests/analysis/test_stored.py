"""Every match analysed on the real stream, PostgreSQL and SeaweedFS: simulated matches archived by the
archiver are analysed as it records them, the API answers the pure function's figures over the replay,
and `manage.py reanalyze` rewrites every row with a progress report."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from analysis.figures import RULES_VERSION, analyse_match
from analysis.models import MatchAnalysis
from archive.archiver import MatchArchiver
from archive.reads import match_replay_document
from game.simulation import simulate_match_events
from history.models import Match
from tests.archive.support import project
from tests.history.test_replay_api import client_for
from tests.support import BackgroundConsumer, publish_match, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
MATCHES = 3


@pytest.fixture
def alice(db):
    return get_user_model().objects.create_user(username="alice", password="x" * 12)


@pytest.fixture
def analysed(stream, archive_store, alice) -> list[Match]:
    matches = []
    for index in range(MATCHES):
        room = f"analysed-{index % 2}"
        events = simulate_match_events(room, index=index, seed=index, players=2 + index % 3, registered=[str(alice.id)])
        publish_match(room, events)
        matches.append(project(room, events))
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=0, wait_for_detector=False)):
        wait_until(lambda: MatchAnalysis.objects.count() == MATCHES, timeout=60)
    return matches


def test_the_api_answers_the_pure_analysis_of_each_archived_match(analysed):
    staff = get_user_model().objects.create_user(username="staff", password="x" * 12, is_staff=True)
    for match in analysed:
        response = client_for(staff).get(f"/api/matches/{match.id}/analysis")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["rules_version"] == RULES_VERSION
        assert body["analysis"] == analyse_match(match_replay_document(Match.objects.get(pk=match.pk)))
        players = body["analysis"]["players"]
        assert len(players) == len(match.players.all()) and all(p["timeline"]["attack"] for p in players)


def test_the_analysis_is_as_public_as_the_match(analysed):
    # No token, not a player: the match detail answers it (docs/api.md, public reads), so does its analysis.
    from rest_framework.test import APIClient

    match = analysed[0]
    assert APIClient().get(f"/api/matches/{match.id}").status_code == 200
    response = APIClient().get(f"/api/matches/{match.id}/analysis")
    assert response.status_code == 200, response.content
    assert response.json()["analysis"] == analyse_match(match_replay_document(Match.objects.get(pk=match.pk)))


def test_the_api_says_why_there_is_no_analysis_yet(analysed):
    staff = get_user_model().objects.create_user(username="staff", password="x" * 12, is_staff=True)
    MatchAnalysis.objects.filter(match_id=analysed[0].id).delete()
    response = client_for(staff).get(f"/api/matches/{analysed[0].id}/analysis")
    assert response.status_code == 404
    assert "not computed yet" in response.json()["detail"]


def test_reanalyze_rewrites_every_row_and_reports_progress(analysed):
    MatchAnalysis.objects.update(rules_version=0, figures={})  # as rows of older rules would be
    out, err = io.StringIO(), io.StringIO()
    call_command("reanalyze", stdout=out, stderr=err)
    assert f"{MATCHES}/{MATCHES} matches" in err.getvalue()
    assert f"analysed {MATCHES} matches" in out.getvalue()
    for row in MatchAnalysis.objects.select_related("match"):
        assert row.rules_version == RULES_VERSION
        assert row.figures == analyse_match(match_replay_document(row.match))


def test_reanalyze_since_leaves_older_matches_alone(analysed):
    MatchAnalysis.objects.update(rules_version=0)
    newest = max(analysed, key=lambda match: match.started_at)
    call_command("reanalyze", "--since", newest.started_at.isoformat(), stdout=io.StringIO(), stderr=io.StringIO())
    assert sorted(MatchAnalysis.objects.values_list("rules_version", flat=True)) == [0] * (MATCHES - 1) + [
        RULES_VERSION
    ]


def test_player_stats_average_the_figures_of_the_analysed_matches(analysed, alice):
    mine = [
        entry
        for row in MatchAnalysis.objects.all()
        for entry in row.figures["players"]
        if entry["player_id"] == str(alice.id)
    ]
    response = client_for(alice).get(f"/api/players/{alice.id}/stats")
    body = response.json()["multiplayer"]
    assert body["analysed_matches"] == len(mine) == MATCHES

    def mean(key: str, places: int) -> float:
        exact = sum(Decimal(str(entry[key])) for entry in mine) / len(mine)
        return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))

    assert (body["vs"], body["app"], body["ds_s"]) == (mean("vs", 2), mean("app", 3), mean("ds_s", 4))
