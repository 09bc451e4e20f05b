import pytest

from history.models import Match
from solo.models import SoloIdempotencyKey
from tests.history.factories import api_client_for, user_create

URL = "/api/solo_results"
VALID = {"score": 500, "lines_cleared": 4, "level": 1, "pieces_placed": 30, "duration_ms": 60_000}


@pytest.fixture
def player(db):
    return user_create(username="repeater")


def post(user, body, key):
    return api_client_for(user).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_repeat_with_the_same_key_and_body_returns_the_first_match(player):
    first = post(player, VALID, "key-1")
    repeat = post(player, VALID, "key-1")

    assert first.status_code == 201 and repeat.status_code == 200
    assert repeat.json() == first.json()
    assert (first["Idempotent-Replayed"], repeat["Idempotent-Replayed"]) == ("false", "true")
    assert Match.objects.count() == 1


def test_the_same_instant_in_another_offset_is_the_same_body(player):
    first = post(player, {**VALID, "ended_at": "2025-03-01T18:00:00Z"}, "key-1")
    repeat = post(player, {**VALID, "ended_at": "2025-03-01T19:00:00+01:00"}, "key-1")
    assert repeat.status_code == 200 and repeat.json()["id"] == first.json()["id"]


def test_the_same_key_with_another_body_gets_409(player):
    post(player, VALID, "key-1")
    response = post(player, {**VALID, "score": 501}, "key-1")

    assert response.status_code == 409
    assert "key-1" in response.json()["detail"] and "different" in response.json()["detail"]
    assert Match.objects.count() == 1


def test_keys_belong_to_one_user(player):
    other = user_create()
    mine, theirs = post(player, VALID, "shared"), post(other, VALID, "shared")
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert theirs.json()["players"][0]["user_id"] == str(other.id)


def test_different_keys_record_different_matches(player):
    assert post(player, VALID, "a").json()["id"] != post(player, VALID, "b").json()["id"]


def test_without_a_key_every_post_records_a_match(player):
    client = api_client_for(player)
    assert [client.post(URL, VALID, format="json").status_code for _ in range(2)] == [201, 201]
    assert Match.objects.count() == 2
    assert not SoloIdempotencyKey.objects.exists()


@pytest.mark.parametrize(
    "key",
    [pytest.param("", id="empty"), pytest.param("k" * 256, id="too-long"), pytest.param("clé", id="non-ascii"),
     pytest.param("a\tb", id="control")],
)  # fmt: skip
def test_a_malformed_key_gets_400(player, key):
    response = post(player, VALID, key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()
    assert not Match.objects.exists()


def test_a_key_of_255_printable_characters_is_accepted(player):
    assert post(player, VALID, "~" * 255).status_code == 201


def test_a_bad_body_with_a_key_does_not_use_the_key_up(player):
    assert post(player, {**VALID, "score": -1}, "k").status_code == 400
    assert post(player, VALID, "k").status_code == 201
