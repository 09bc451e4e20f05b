"""Tournament standings (docs/api.md, stats): the view against the raw rows, its refresh, the route."""

import io
import json
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from stats.standings import standings_refresh
from tests.history.factories import api_client_for, user_create
from tests.stats import reference
from tests.stats.builders import BASE, match_of, seat

URL = "/api/tournaments/{id}/standings"


@pytest.fixture
def viewer(db):
    return user_create(username="viewer")


def standings_of(viewer, tournament_id: str) -> dict:
    response = api_client_for(viewer).get(URL.format(id=tournament_id))
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def play(tournament_id: str, seats: list[dict], n: int = 0) -> None:
    match_of(seats, tournament_id=tournament_id, started_at=BASE + timedelta(minutes=n))


def test_standings_equal_the_raw_rows_with_every_tie_rule_and_guests_in(viewer):
    a, b, c, d, gone = (user_create(username=f"s{n}") for n in range(5))
    # a: 2 + 0 points, b: 1 + 1... each rule decides one pair below (checked against the reference).
    play("cup", [seat(a, score=10), seat(b, score=10), seat(player_id="guest-g", score=10)], 0)  # a 2, b 1, g 0
    play("cup", [seat(b, score=10), seat(c, score=10), seat(a, score=10)], 1)  # b 2, c 1, a 0
    play("cup", [seat(player_id="guest-g", score=10), seat(d, score=10), seat(c, score=10)], 2)  # g 2, d 1
    play("cup", [seat(d, score=99), seat(gone, score=1)], 3)  # d 1 win; gone 0
    play("cup", [seat(gone, score=500), seat(c, score=5)], 4)
    play("other-cup", [seat(a), seat(b)], 5)
    match_of([seat(a), seat(b)])  # no tournament
    gone_id = str(gone.id)
    gone.delete()
    call_command("refresh_standings", stdout=io.StringIO())

    body = standings_of(viewer, "cup")

    expected = reference.standings(reference.raw_rows(), "cup")
    assert body["standings"] == expected
    assert body["tournament_id"] == "cup" and body["refreshed_at"] is not None
    by_player = {row["player_id"]: row for row in body["standings"]}
    assert by_player["guest-g"]["user_id"] is None and by_player["guest-g"]["points"] == 2
    assert by_player[gone_id]["user_id"] is None and by_player[gone_id]["username"] is None
    assert [row["rank"] for row in body["standings"]] == list(range(1, len(expected) + 1))


def test_points_ties_go_by_wins_then_average_placement_then_total_score_then_player_id(viewer):
    # Four players of 4-player matches, each tie rule reached in turn; guests named so player_id decides last.
    p = {name: seat(player_id=name, score=0) for name in "abcdefgh"}

    def four(order, scores=None, n=0):
        play("ties", [{**p[x], "score": (scores or {}).get(x, 0)} for x in order], n)

    four("abcd", n=0)  # a 3 b 2 c 1 d 0
    four("dcba", n=1)  # d 3 c 2 b 1 a 0 -> all 3 points; a and d 1 win, b and c none
    four("efgh", {"g": 5}, n=2)
    four("hgfe", {"f": 5}, n=3)  # e..h 3 points; e,h 1 win; f,g equal placements: total score: tied 5
    # x and y: 2 points and 1 win each; x's average placement 1.5, y's 2.0.
    play("ties", [seat(player_id="x"), seat(player_id="q1"), seat(player_id="q2")], 4)
    play("ties", [seat(player_id="q3"), seat(player_id="x")], 5)
    play("ties", [seat(player_id="y"), seat(player_id="q4")], 6)
    play("ties", [seat(player_id="q5"), seat(player_id="q6"), seat(player_id="y"), seat(player_id="q7")], 7)
    call_command("refresh_standings", stdout=io.StringIO())
    rows = standings_of(viewer, "ties")["standings"]
    assert rows == reference.standings(reference.raw_rows(), "ties")
    order = [r["player_id"] for r in rows]
    # Points tie: more wins first (a, d, e, h over f, g, b, c); then total score (f, g over b, c); then player_id.
    assert [x for x in order if x in "abcdefgh"] == ["a", "d", "e", "h", "f", "g", "b", "c"]
    assert order.index("x") == order.index("y") - 1  # the lower average placement first


def test_a_new_match_shows_only_after_a_refresh_which_refreshed_at_tells(viewer):
    play("cup", [seat(player_id="x"), seat(player_id="y")], 0)
    first = standings_refresh()
    play("cup", [seat(player_id="z"), seat(player_id="y")], 1)
    before = standings_of(viewer, "cup")
    assert [r["player_id"] for r in before["standings"]] == ["x", "y"]
    second = standings_refresh()
    after = standings_of(viewer, "cup")
    assert second > first and after["refreshed_at"] == second.isoformat().replace("+00:00", "Z")
    assert {r["player_id"] for r in after["standings"]} == {"x", "y", "z"}


def test_a_tournament_with_no_match_is_404_and_one_not_refreshed_yet_is_empty(viewer):
    assert api_client_for(viewer).get(URL.format(id="nothing")).status_code == 404
    play("fresh", [seat(player_id="x")], 0)
    body = standings_of(viewer, "fresh")
    assert body["standings"] == [] and body["tournament_id"] == "fresh"


def test_numbers_are_json_numbers(viewer):
    play("cup", [seat(player_id="x"), seat(player_id="y"), seat(player_id="w")], 0)
    standings_refresh()
    for row in standings_of(viewer, "cup")["standings"]:
        for name in ("rank", "matches", "wins", "points", "average_placement", "total_score"):
            assert isinstance(row[name], int | float) and not isinstance(row[name], bool)


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_at_once_both_succeed():
    play("cup", [seat(player_id="x"), seat(player_id="y")], 0)
    errors, done = [], []

    def refresh() -> None:
        try:
            for _ in range(5):
                done.append(standings_refresh())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and len(done) == 15
