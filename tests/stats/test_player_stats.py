"""GET /api/players/{user_id}/stats and /api/me/stats (docs/api.md, stats) against the raw rows."""

import json
from datetime import timedelta

import pytest

from tests.history.factories import api_client_for, user_create
from tests.stats import reference
from tests.stats.builders import BASE, match_of, seat, solo

ZERO_STATS = {
    "multiplayer": {"matches": 0, "wins": 0, "win_rate": None, "average_placement": None, "best_score": None,
                    "total_score": 0, "lines_cleared": 0, "garbage_sent": 0, "garbage_received": 0,
                    "pieces_placed": 0, "play_time_ms": 0, "pps": None, "apm": None, "last_played_at": None,
                    "analysed_matches": 0, "vs": None, "app": None, "ds_s": None},
    "solo": {"matches": 0, "best_score": None, "total_score": 0, "lines_cleared": 0, "pieces_placed": 0,
             "play_time_ms": 0, "pps": None, "best_level": None, "last_played_at": None,
             "analysed_runs": 0, "kpp": None, "finesse_faults_per_piece": None},
    "solo_bests": {"marathon": None, "sprint": None, "blitz": None},
}  # fmt: skip


@pytest.fixture
def alice(db):
    return user_create(username="alice")


@pytest.fixture
def bob(db):
    return user_create(username="bob")


def stats_of(viewer, user, **params) -> dict:
    response = api_client_for(viewer).get(f"/api/players/{user.id}/stats", params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def as_json(value):
    """The reference's values as the API writes them (instants as DRF's 'Z' strings)."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat().replace("+00:00", "Z")))


def test_a_player_with_no_match_has_zeros_and_nulls(alice, bob):
    assert stats_of(bob, alice) == {"user_id": str(alice.id), "username": "alice", **ZERO_STATS}


def test_every_figure_equals_the_raw_rows_computation_with_solo_and_multiplayer_apart(alice, bob):
    match_of([seat(alice, score=5000, pieces_placed=91, garbage_sent=7), seat(bob), seat()])
    match_of(
        [seat(bob), seat(alice, score=9000, lines_cleared=12, duration_ms=45_123)], started_at=BASE + timedelta(hours=1)
    )
    match_of([seat(), seat(), seat(alice, garbage_received=9)], started_at=BASE + timedelta(hours=2),
             ended_at=BASE + timedelta(hours=5))  # fmt: skip
    best = solo(alice, score=40_000, ended_at=BASE + timedelta(hours=3), pieces_placed=333, level=9)
    solo(alice, score=12_000, ended_at=BASE + timedelta(hours=4), level=4)
    solo(bob, score=99_000, ended_at=BASE + timedelta(hours=4))

    body = stats_of(bob, alice)

    expected = reference.stats(reference.raw_rows(), alice.id)
    bests = body.pop("solo_bests")
    assert body == {"user_id": str(alice.id), "username": "alice", **as_json(expected)}
    assert bests["marathon"]["match_id"] == str(best.id) and bests["marathon"]["score"] == 40_000
    assert body["multiplayer"]["matches"] == 3 and body["multiplayer"]["wins"] == 1
    assert body["multiplayer"]["last_played_at"] == "2025-03-01T17:00:00Z"  # the latest ended_at, not started_at
    assert body["solo"]["matches"] == 2 and body["solo"]["best_level"] == 9 and body["solo"]["best_score"] == 40_000


def test_figures_are_json_numbers_never_strings(alice, bob):
    match_of([seat(alice), seat(bob)])
    solo(alice, score=100, ended_at=BASE + timedelta(hours=1))
    body = stats_of(bob, alice)
    for mode in ("multiplayer", "solo"):
        for name, value in body[mode].items():
            # The analysis averages are null without analysed matches (numbers: tests/analysis/test_stored.py).
            if name not in ("last_played_at", "vs", "app", "ds_s", "kpp", "finesse_faults_per_piece"):
                assert isinstance(value, int | float) and not isinstance(value, bool), (mode, name, value)


@pytest.mark.parametrize(
    ("placements", "win_rate", "average_placement"),
    [
        ([1, 2, 2, 2, 2, 2, 2, 2], 0.125, 1.88),  # 1.875 exactly: a half goes up
        ([1] + [2] * 15, 0.0625, 1.94),  # 1.9375
        ([1, 2, 2], 0.3333, 1.67),
        ([2, 2, 1, 1, 1, 1, 1, 1] * 2 + [2] * 4, 0.6, 1.4),
    ],
)
def test_rates_round_half_away_from_zero(alice, bob, placements, win_rate, average_placement):
    for n, placement in enumerate(placements):
        seats = [seat(alice), seat(bob)] if placement == 1 else [seat(bob), seat(alice)]
        match_of(seats, started_at=BASE + timedelta(minutes=n))
    body = stats_of(bob, alice)["multiplayer"]
    assert (body["win_rate"], body["average_placement"]) == (win_rate, average_placement)


def test_win_rate_at_an_exact_half_of_its_last_decimal(alice, bob):
    # 1 win in 16 matches is 0.0625 exactly (4 decimals kept); 1 in 32 is 0.03125: a half, up to 0.0313.
    for n in range(32):
        match_of(
            [seat(alice), seat(bob)] if n == 0 else [seat(bob), seat(alice)], started_at=BASE + timedelta(minutes=n)
        )
    assert stats_of(bob, alice)["multiplayer"]["win_rate"] == 0.0313


def test_pps_and_apm_over_summed_play_time_round_at_exact_halves(alice, bob):
    # 5 pieces in 8 s: 0.625 -> 0.63; 1 garbage row in 240 s: 0.25 -> 0.3 (over the sums of both matches).
    match_of([seat(alice, pieces_placed=2, garbage_sent=1, duration_ms=3000), seat(bob)])
    match_of(
        [seat(alice, pieces_placed=3, garbage_sent=0, duration_ms=5000), seat(bob)],
        started_at=BASE + timedelta(hours=1),
    )
    body = stats_of(bob, alice)["multiplayer"]
    assert (body["pps"], body["apm"], body["play_time_ms"]) == (0.63, 7.5, 8000)
    match_of(
        [seat(alice, pieces_placed=0, garbage_sent=0, duration_ms=232_000), seat(bob)],
        started_at=BASE + timedelta(hours=2),
    )
    assert stats_of(bob, alice)["multiplayer"]["apm"] == 0.3


def test_zero_durations_give_null_rates_but_counted_matches(alice, bob):
    match_of([seat(alice, duration_ms=0, pieces_placed=0, garbage_sent=0), seat(bob, duration_ms=0)])
    solo(alice, score=0, ended_at=BASE, duration_ms=0, pieces_placed=0, lines_cleared=0)
    body = stats_of(bob, alice)
    assert body["multiplayer"]["matches"] == 1 and body["multiplayer"]["win_rate"] == 1.0
    assert (body["multiplayer"]["pps"], body["multiplayer"]["apm"], body["solo"]["pps"]) == (None, None, None)


def test_since_is_inclusive_and_until_exclusive_on_started_at(alice, bob):
    at = BASE + timedelta(days=1)
    match_of([seat(alice), seat(bob)], started_at=at - timedelta(microseconds=1))
    match_of([seat(alice), seat(bob)], started_at=at)
    match_of([seat(alice), seat(bob)], started_at=at + timedelta(hours=1))
    stamp = at.isoformat().replace("+00:00", "Z")
    rows = reference.raw_rows()

    since = stats_of(bob, alice, since=stamp)["multiplayer"]
    until = stats_of(bob, alice, until=stamp)["multiplayer"]
    day = stats_of(bob, alice, since="2025-03-02", until="2025-03-02T13:00:00Z")["multiplayer"]

    assert since == as_json(reference.stats(rows, alice.id, since=at)["multiplayer"]) and since["matches"] == 2
    assert until["matches"] == 1
    assert day["matches"] == 2  # a date is midnight UTC; the match at 13:00 is at the exclusive end


def test_me_stats_is_the_callers(alice, bob):
    match_of([seat(alice), seat(bob)])
    response = api_client_for(alice).get("/api/me/stats/")
    assert response.status_code == 200
    assert response.json() == stats_of(bob, alice)


def test_a_deleted_user_is_404_and_the_others_keep_the_match(alice, bob):
    match_of([seat(alice), seat(bob)])
    bob_id = bob.id
    bob.delete()
    response = api_client_for(alice).get(f"/api/players/{bob_id}/stats")
    assert response.status_code == 404
    assert stats_of(alice, alice)["multiplayer"]["matches"] == 1


@pytest.mark.parametrize("user_id", ["00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_unknown_user_is_404(alice, user_id):
    assert api_client_for(alice).get(f"/api/players/{user_id}/stats").status_code == 404


@pytest.mark.parametrize(
    "params", [{"since": "yesterday"}, {"until": "2025-13-01"}, {"since": "2025-03-02", "until": "2025-03-01"}]
)
def test_bad_since_or_until_is_400_naming_the_field(alice, params):
    response = api_client_for(alice).get("/api/me/stats", params)
    assert response.status_code == 400
    assert set(response.json()) <= {"since", "until"} and response.json()


def test_stats_are_public_without_a_token(alice):
    from rest_framework.test import APIClient

    assert APIClient().get(f"/api/players/{alice.id}/stats").status_code == 200
