"""POST /api/solo_results refuses results no game could produce (docs/api.md), each rule at its edge."""

import pytest

from history.models import Match
from solo.serializers import impossible_result_errors
from tests.history.factories import api_client_for, user_create

URL = "/api/solo_results"
INT32_MAX = 2**31 - 1


@pytest.fixture
def player(db):
    return user_create(username="soloist")


def post(user, body):
    return api_client_for(user).post(URL, body, format="json")


def result(**fields) -> dict:
    # Possible on every rule by a wide margin, so each test moves one rule to its edge alone.
    return {"score": 0, "lines_cleared": 0, "level": 1, "pieces_placed": 0, "duration_ms": 60_000, **fields}


# 10 x lines_cleared <= 4 x pieces_placed: 10 lines fill 100 cells, 25 pieces bring 100.
@pytest.mark.parametrize(
    ("lines_cleared", "pieces_placed", "possible"),
    [(10, 25, True), (10, 24, False), (2, 5, True), (1, 2, False), (1, 3, True)],
)
def test_more_lines_than_the_pieces_can_fill_is_refused_at_its_edge(player, lines_cleared, pieces_placed, possible):
    body = result(lines_cleared=lines_cleared, pieces_placed=pieces_placed, duration_ms=INT32_MAX)
    response = post(player, body)
    if possible:
        assert response.status_code == 201, response.json()
    else:
        assert response.status_code == 400
        assert list(response.json()) == ["lines_cleared"]
        assert "10 x lines_cleared <= 4 x pieces_placed" in response.json()["lines_cleared"][0]
        assert not Match.objects.exists()


# pieces_placed <= 30 x duration_ms / 1000: 30 pieces in 1000 ms, 3 in 100 ms, none in 0 ms.
@pytest.mark.parametrize(
    ("pieces_placed", "duration_ms", "possible"),
    [(30, 1000, True), (31, 1000, False), (30, 999, False), (3, 100, True), (1, 33, False), (1, 34, True),
     (0, 0, True), (1, 0, False)],
)  # fmt: skip
def test_more_than_30_pieces_a_second_is_refused_at_its_edge(player, pieces_placed, duration_ms, possible):
    response = post(player, result(pieces_placed=pieces_placed, duration_ms=duration_ms))
    if possible:
        assert response.status_code == 201, response.json()
    else:
        assert response.status_code == 400
        assert list(response.json()) == ["pieces_placed"]
        assert "30 pieces a second" in response.json()["pieces_placed"][0]


# score <= 100 x pieces_placed + 2000 x level x lines_cleared.
@pytest.mark.parametrize(
    ("score", "pieces_placed", "level", "lines_cleared", "possible"),
    [
        (100 * 40 + 2000 * 3 * 10, 40, 3, 10, True),
        (100 * 40 + 2000 * 3 * 10 + 1, 40, 3, 10, False),
        (100, 1, 0, 0, True),
        (101, 1, 0, 0, False),
        (1, 0, 0, 0, False),
        (INT32_MAX, 25, INT32_MAX, 10, True),  # the bound computed beyond 32 bits
    ],
)
def test_a_score_over_its_bound_is_refused_at_its_edge(player, score, pieces_placed, level, lines_cleared, possible):
    body = result(score=score, pieces_placed=pieces_placed, level=level, lines_cleared=lines_cleared)
    response = post(player, body)
    if possible:
        assert response.status_code == 201, response.json()
    else:
        assert response.status_code == 400
        assert list(response.json()) == ["score"]
        assert "100 x pieces_placed + 2000 x level x lines_cleared" in response.json()["score"][0]


def test_every_broken_rule_is_named_at_once(player):
    response = post(player, result(score=10**6, lines_cleared=100, pieces_placed=100, duration_ms=1000))
    assert response.status_code == 400
    assert set(response.json()) == {"lines_cleared", "pieces_placed", "score"}


def test_the_rules_accept_an_empty_game():
    assert impossible_result_errors(score=0, lines_cleared=0, level=0, pieces_placed=0, duration_ms=0) == {}
