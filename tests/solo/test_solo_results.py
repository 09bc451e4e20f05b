from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from history.models import Match, MatchPlayer
from tests.history.factories import api_client_for, user_create

URL = "/api/solo_results"
VALID = {"score": 12000, "lines_cleared": 40, "level": 7, "pieces_placed": 110, "duration_ms": 93_500}
INT32_MAX = 2**31 - 1


@pytest.fixture
def player(db):
    return user_create(username="soloist")


def post(user, body, **headers):
    return api_client_for(user).post(URL, body, format="json", **headers)


@pytest.mark.parametrize("url", [URL, URL + "/"])
def test_records_a_solo_match_for_the_caller(player, url):
    ended_at = datetime(2025, 3, 1, 18, 0, tzinfo=UTC)
    response = api_client_for(player).post(url, {**VALID, "ended_at": "2025-03-01T19:00:00+01:00"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["mode"] == "solo" and body["room_id"] is None and body["player_count"] == 1
    assert body["ended_at"] == "2025-03-01T18:00:00Z"
    assert body["started_at"] == "2025-03-01T17:58:26.500000Z"
    assert body["players"] == [
        {
            "user_id": str(player.id),
            "username": "soloist",
            "player_id": str(player.id),
            "placement": 1,
            "score": 12000,
            "lines_cleared": 40,
            "garbage_sent": 0,
            "garbage_received": 0,
            "pieces_placed": 110,
            "duration_ms": 93_500,
            "level": 7,
            "pps": 1.18,  # 110 pieces in 93.5 s: 1.176…
            "apm": 0.0,
        }
    ]
    row = MatchPlayer.objects.get(match_id=body["id"])
    # The denormalised columns the history list reads.
    assert row.started_at == ended_at - timedelta(milliseconds=93_500) and row.mode == "solo"
    assert body["id"] in [m["id"] for m in api_client_for(player).get("/api/matches").json()["results"]]


def test_ended_at_defaults_to_now(player):
    before = timezone.now()
    response = post(player, VALID)
    match = Match.objects.get(id=response.json()["id"])
    assert before <= match.ended_at <= timezone.now()
    assert match.ended_at - match.started_at == timedelta(milliseconds=VALID["duration_ms"])


# Each field at 0 and at its largest possible value, the other fields set so that a game could produce
# the result (docs/api.md's rules): 2^31 - 1 for score, level and duration_ms; pieces are bounded by
# 30 a second of a 2^31 - 1 ms game, and lines by what those pieces can fill.
MOST_PIECES = 30 * INT32_MAX // 1000
MOST_LINES = 4 * MOST_PIECES // 10
BOUNDS = {
    "score": [{**VALID, "score": 0}, {**VALID, "score": INT32_MAX, "level": INT32_MAX}],
    "lines_cleared": [
        {**VALID, "lines_cleared": 0, "score": 11000},
        {**VALID, "lines_cleared": MOST_LINES, "pieces_placed": MOST_PIECES, "duration_ms": INT32_MAX},
    ],
    "level": [{**VALID, "level": 0, "score": 11000}, {**VALID, "level": INT32_MAX}],
    "pieces_placed": [
        {"score": 0, "lines_cleared": 0, "level": 0, "pieces_placed": 0, "duration_ms": 0},
        {**VALID, "pieces_placed": MOST_PIECES, "duration_ms": INT32_MAX},
    ],
    "duration_ms": [
        {"score": 0, "lines_cleared": 0, "level": 7, "pieces_placed": 0, "duration_ms": 0},
        {**VALID, "duration_ms": INT32_MAX},
    ],
}


@pytest.mark.parametrize("bound", [0, 1], ids=["zero", "largest"])
@pytest.mark.parametrize("field", sorted(VALID))
def test_integer_bounds_are_accepted(player, field, bound):
    assert post(player, BOUNDS[field][bound]).status_code == 201


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("12", id="string"),
        pytest.param(1.5, id="fraction"),
        pytest.param(12.0, id="float"),
        pytest.param(True, id="true"),
        pytest.param(False, id="false"),
        pytest.param(None, id="null"),
        pytest.param([1], id="list"),
        pytest.param({"n": 1}, id="object"),
        pytest.param(-1, id="negative"),
        pytest.param(INT32_MAX + 1, id="beyond-int32"),
        pytest.param(2**63, id="beyond-int64"),
        pytest.param(10**400, id="huge"),
    ],
)
@pytest.mark.parametrize("field", sorted(VALID))
def test_bad_integers_get_400_naming_the_field(player, field, value):
    response = post(player, {**VALID, field: value})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Match.objects.exists()


@pytest.mark.parametrize("field", sorted(VALID))
def test_missing_fields_get_400(player, field):
    body = {name: value for name, value in VALID.items() if name != field}
    response = post(player, body)
    assert response.status_code == 400
    assert response.json()[field] == ["This field is required."]


@pytest.mark.parametrize(
    "ended_at",
    [
        pytest.param("2025-03-01T18:00:00", id="no-offset"),
        pytest.param("yesterday", id="not-a-date"),
        pytest.param(1740852000, id="number"),
        pytest.param("2025-03-01", id="date-only"),
        pytest.param((timezone.now() + timedelta(hours=1)).isoformat(), id="future"),
        pytest.param("1969-12-31T23:59:59Z", id="before-1970"),
        pytest.param("0001-01-01T00:00:00+01:00", id="overflow"),
    ],
)
def test_bad_ended_at_gets_400(player, ended_at):
    response = post(player, {**VALID, "ended_at": ended_at})
    assert response.status_code == 400
    assert list(response.json()) == ["ended_at"]


def test_a_little_clock_skew_is_tolerated(player):
    ended_at = (timezone.now() + timedelta(seconds=20)).isoformat()
    assert post(player, {**VALID, "ended_at": ended_at}).status_code == 201


@pytest.mark.parametrize("body", [[], "score", 12, None])
def test_a_body_that_is_not_an_object_gets_400(player, body):
    assert post(player, body).status_code == 400


def test_malformed_json_gets_400(player):
    response = api_client_for(player).post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400
