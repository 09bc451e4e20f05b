"""GET /api/leaderboards/solo and /multiplayer (docs/api.md, stats): periods, ties, registered players only."""

import json
from dataclasses import asdict
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.history.factories import api_client_for, user_create
from tests.stats import reference
from tests.stats.builders import match_of, seat, solo


@pytest.fixture
def viewer(db):
    return user_create(username="viewer")


def board(viewer, kind: str, period: str | None = None) -> list[dict]:
    response = api_client_for(viewer).get(f"/api/leaderboards/{kind}", {} if period is None else {"period": period})
    assert response.status_code == 200, response.content
    body = json.loads(response.content)
    assert body["period"] == (period or "all")
    return body["results"]


def as_json(rows: list[dict]) -> list[dict]:
    return json.loads(json.dumps(rows, default=lambda v: v.isoformat().replace("+00:00", "Z")))


def test_solo_best_score_ties_go_to_the_earlier_achievement_then_user_id(viewer):
    now = timezone.now()
    a, b, c, d = (user_create() for _ in range(4))
    solo(a, score=500, ended_at=now - timedelta(hours=2))
    solo(b, score=500, ended_at=now - timedelta(hours=3))  # same score, earlier: above a
    first = solo(c, score=900, ended_at=now - timedelta(hours=5))
    solo(c, score=900, ended_at=now - timedelta(hours=1))  # reached twice: the earliest counts
    solo(c, score=100, ended_at=now - timedelta(minutes=1))
    low, high = sorted([a, d], key=lambda u: str(u.id))
    solo(d, score=500, ended_at=now - timedelta(hours=2))
    solo(a, score=500, ended_at=now - timedelta(hours=2), lines_cleared=1, pieces_placed=5)

    rows = board(viewer, "solo")

    assert rows == as_json(reference.solo_leaderboard(reference.raw_rows()))
    assert [r["user_id"] for r in rows] == [str(c.id), str(b.id), str(low.id), str(high.id)]
    assert rows[0]["match_id"] == str(first.id) and [r["rank"] for r in rows] == [1, 2, 3, 4]


def test_solo_leaderboard_counts_registered_players_only(viewer):
    now = timezone.now()
    a, gone = user_create(), user_create()
    solo(a, score=10, ended_at=now)
    solo(gone, score=1000, ended_at=now)
    gone.delete()
    match_of(
        [seat(a, score=10**6), seat(player_id="guest-1", score=10**7)],
        ended_at=now,
        started_at=now - timedelta(minutes=2),
    )
    assert [(r["user_id"], r["best_score"]) for r in board(viewer, "solo")] == [(str(a.id), 10)]


@pytest.mark.parametrize(("period", "days"), [("day", 1), ("week", 7), ("month", 30)])
def test_periods_count_matches_by_ended_at(viewer, period, days):
    now = timezone.now()
    inside, outside = user_create(), user_create()
    # started long before the period, ended inside it: counted; ended just before it: not.
    match_of(
        [seat(inside), seat(outside)],
        started_at=now - timedelta(days=days + 5),
        ended_at=now - timedelta(days=days) + timedelta(seconds=30),
    )
    match_of(
        [seat(outside), seat(inside)],
        started_at=now - timedelta(days=days + 5),
        ended_at=now - timedelta(days=days) - timedelta(seconds=30),
    )
    solo(inside, score=5, ended_at=now - timedelta(days=days) + timedelta(seconds=30))
    solo(outside, score=50, ended_at=now - timedelta(days=days) - timedelta(seconds=30))

    multiplayer = board(viewer, "multiplayer", period)
    assert [(r["user_id"], r["wins"], r["matches"]) for r in multiplayer] == [
        (str(inside.id), 1, 1),
        (str(outside.id), 0, 1),
    ]
    assert [r["user_id"] for r in board(viewer, "solo", period)] == [str(inside.id)]
    assert [r["wins"] for r in board(viewer, "multiplayer", "all")] == [1, 1]


def play(user, placement: int, size: int = 3) -> None:
    """A match of ``size`` players, ``user`` at ``placement``, the others guests."""
    seats = [seat() for _ in range(size)]
    seats[placement - 1] = seat(user)
    match_of(seats)


def test_multiplayer_ties_by_lower_average_placement_then_more_matches_then_user_id(viewer):
    top, one_five, more, fewer, twin_a, twin_b, winless = (user_create() for _ in range(7))
    for user, placements in [
        (top, [1, 1]),
        (one_five, [1, 2]),  # 1 win, average 1.5
        (more, [1, 2, 3]),  # 1 win, average 2.0 in 3 matches: above...
        (fewer, [1, 3]),  # ...1 win, average 2.0 in 2 matches
        (twin_a, [1, 3, 3]),
        (twin_b, [3, 1, 3]),  # the same record as twin_a: user_id decides
        (winless, [2]),
    ]:
        for placement in placements:
            play(user, placement)
    twins = sorted([twin_a, twin_b], key=lambda u: str(u.id))

    rows = board(viewer, "multiplayer")

    assert rows == as_json(reference.multiplayer_leaderboard(reference.raw_rows()))
    assert [r["user_id"] for r in rows] == [str(u.id) for u in [top, one_five, more, fewer, *twins, winless]]
    assert rows[4]["average_placement"] == 2.33 and rows[4]["win_rate"] == 0.3333
    assert [r["rank"] for r in rows] == list(range(1, 8))


def test_guests_and_deleted_users_are_left_out_of_the_multiplayer_board(viewer):
    a, gone = user_create(), user_create()
    match_of([seat(gone), seat(player_id="guest-x"), seat(a)])
    gone.delete()
    assert [r["user_id"] for r in board(viewer, "multiplayer")] == [str(a.id)]


def test_at_most_100_rows_ranked_by_position(viewer):
    from accounts.models import User
    from history.models import Match, MatchPlayer

    users = User.objects.bulk_create([User(username=f"many{n}") for n in range(105)])
    now = timezone.now()
    matches = Match.objects.bulk_create(
        [
            Match(
                mode="solo",
                player_count=1,
                started_at=now - timedelta(minutes=1),
                ended_at=now,
                solo_mode="marathon",
                verified=True,
            )
            for _ in users
        ]
    )
    MatchPlayer.objects.bulk_create(
        MatchPlayer(
            match=m,
            user=user,
            player_id=str(user.id),
            placement=1,
            score=7,
            lines_cleared=0,
            garbage_sent=0,
            garbage_received=0,
            pieces_placed=0,
            duration_ms=60_000,
            level=1,
            started_at=m.started_at,
            ended_at=m.ended_at,
            mode="solo",
        )
        for m, user in zip(matches, users, strict=True)
    )
    rows = board(viewer, "solo")
    assert len(rows) == 100 and [r["rank"] for r in rows] == list(range(1, 101))
    assert [r["user_id"] for r in rows] == sorted(str(u.id) for u in users)[:100]


@pytest.mark.parametrize("period", ["year", "DAY", "all ", "0"])
@pytest.mark.parametrize("kind", ["solo", "multiplayer"])
def test_a_bad_period_is_400(viewer, kind, period):
    response = api_client_for(viewer).get(f"/api/leaderboards/{kind}/", {"period": period})
    assert response.status_code == 400
    assert list(response.json()) == ["period"]


@pytest.mark.parametrize("period", ["day", "week", "month"])
def test_a_period_counts_its_first_days_rest_and_the_whole_days_after_it(viewer, period):
    from datetime import UTC, datetime

    from stats.selectors import leaderboard_multiplayer, period_start

    # The period starts at 15:00 UTC: matches up to the next midnight come from the rows, the days
    # after from player_days; each edge on both sides.
    now = datetime(2025, 3, 31, 15, 0, tzinfo=UTC)
    start = period_start(period, now=now)
    midnight = datetime.combine(start.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    players = [user_create() for _ in range(4)]
    ends = [start - timedelta(microseconds=1), start, midnight - timedelta(microseconds=1), midnight, now]
    for n, ended_at in enumerate(ends):
        order = players[n % 4 :] + players[: n % 4]
        match_of([seat(p) for p in order], started_at=ended_at - timedelta(minutes=3), ended_at=ended_at)
    rows = [{**asdict(row), "user_id": str(row.user_id)} for row in leaderboard_multiplayer(period=period, now=now)]
    expected = reference.multiplayer_leaderboard(reference.raw_rows(), start)
    assert as_json(rows) == as_json(expected)
    assert sum(row["matches"] for row in rows) == 4 * 4  # all but the match that ended before the start


@pytest.mark.parametrize("period", ["day", "week", "month"])
@pytest.mark.slow
def test_counting_only_the_players_who_could_be_on_the_board_gives_the_board_of_everyone(viewer, period):
    import random

    from stats import multiplayer_period
    from stats.selectors import period_start

    rng = random.Random(period)
    now = timezone.now()
    players = [user_create() for _ in range(130)]
    for n in range(600):  # 130 players, 18 matches each on average, over 40 days, more of them lately
        seated = rng.sample(players, 4)
        ended_at = now - timedelta(hours=int(24 * 40 * rng.random() ** 3), minutes=n)
        match_of([seat(p) for p in seated], started_at=ended_at - timedelta(minutes=3), ended_at=ended_at)
    start = period_start(period, now=now)
    threshold = multiplayer_period._threshold(multiplayer_period.period_params(start))
    if period != "day":  # 100+ played and won: the pruned path is taken (a day has too few: everyone)
        assert threshold is not None and threshold[0] > 0

    pruned = multiplayer_period.multiplayer_period_rows(start, max_candidates=10**6)
    everyone = multiplayer_period.multiplayer_period_rows(start, max_candidates=0)
    assert pruned == everyone
    expected = reference.multiplayer_leaderboard(reference.raw_rows(), start)
    assert [(str(r[0]), r[2], r[3], r[4], r[5]) for r in pruned] == [
        (e["user_id"], e["wins"], e["matches"], e["win_rate"], e["average_placement"]) for e in expected
    ]


def test_unverified_results_are_never_ranked_however_high(viewer):
    a, b = user_create(), user_create()
    now = timezone.now()
    solo(a, score=10, ended_at=now - timedelta(hours=1))
    solo(b, score=999_999, ended_at=now - timedelta(hours=1), verified=False)

    for period in ("day", "all"):
        rows = board(viewer, "solo", period)
        assert [(r["user_id"], r["best_score"]) for r in rows] == [(str(a.id), 10)]


def test_each_mode_has_its_board_and_a_sprint_is_ranked_by_its_time_once_finished(viewer):
    fast, slow, failed, blitzer = user_create(), user_create(), user_create(), user_create()
    now = timezone.now()
    solo(slow, score=9000, ended_at=now, solo_mode="sprint", lines_cleared=40, duration_ms=90_000)
    solo(fast, score=5000, ended_at=now, solo_mode="sprint", lines_cleared=41, duration_ms=61_234)
    solo(failed, score=20_000, ended_at=now, solo_mode="sprint", lines_cleared=39, duration_ms=30_000)  # topped out
    solo(blitzer, score=40_000, ended_at=now, solo_mode="blitz", duration_ms=120_000)

    client = api_client_for(viewer)
    sprint = client.get("/api/leaderboards/solo", {"mode": "sprint", "period": "day"}).json()
    assert sprint["mode"] == "sprint"
    assert [(r["user_id"], r["duration_ms"]) for r in sprint["results"]] == [
        (str(fast.id), 61_234),
        (str(slow.id), 90_000),
    ]
    assert sprint["results"] == as_json(reference.solo_leaderboard(reference.raw_rows(), None, "sprint"))
    blitz = client.get("/api/leaderboards/solo", {"mode": "blitz"}).json()["results"]
    assert [r["user_id"] for r in blitz] == [str(blitzer.id)]
    assert client.get("/api/leaderboards/solo").json()["results"] == []  # marathon, the default: none
    assert client.get("/api/leaderboards/solo", {"mode": "ultra"}).status_code == 400


def test_the_player_page_has_personal_bests_by_mode(viewer):
    runner = user_create()
    now = timezone.now()
    solo(runner, score=100, ended_at=now, solo_mode="sprint", lines_cleared=40, duration_ms=80_000)
    best = solo(runner, score=50, ended_at=now, solo_mode="sprint", lines_cleared=40, duration_ms=70_000)
    solo(runner, score=10, ended_at=now, solo_mode="sprint", lines_cleared=12, duration_ms=10_000)  # failed
    solo(runner, score=10**6, ended_at=now, verified=False)

    bests = api_client_for(viewer).get(f"/api/players/{runner.id}/stats").json()["solo_bests"]

    assert bests["sprint"]["match_id"] == str(best.id) and bests["sprint"]["duration_ms"] == 70_000
    assert bests["marathon"] is None and bests["blitz"] is None
