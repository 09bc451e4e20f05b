import uuid

import pytest

from tests.history.factories import api_client_for, match_create, user_create


def test_a_player_sees_their_match_with_its_players(alice, bob):
    match = match_create(users=[bob, alice])
    for url in (f"/api/matches/{match.id}", f"/api/matches/{match.id}/"):
        response = api_client_for(alice).get(url)
        assert response.status_code == 200
        assert response.json()["id"] == str(match.id)
        assert [p["user_id"] for p in response.json()["players"]] == [str(bob.id), str(alice.id)]


def test_someone_who_did_not_play_sees_it_too(alice, bob):
    match = match_create(users=[bob, None])
    response = api_client_for(alice).get(f"/api/matches/{match.id}")
    assert response.status_code == 200
    assert response.json()["id"] == str(match.id)


def test_staff_see_every_match(bob):
    match = match_create(users=[bob])
    staff = user_create(is_staff=True)
    assert api_client_for(staff).get(f"/api/matches/{match.id}").status_code == 200


@pytest.mark.parametrize(
    "match_id", [str(uuid.uuid4()), "not-a-uuid", "123", "%20"], ids=["unknown", "not-a-uuid", "123", "%20"]
)
def test_unknown_or_malformed_ids_get_a_json_404(alice, match_id):
    response = api_client_for(alice).get(f"/api/matches/{match_id}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_detail_is_public_without_a_token(alice):
    match = match_create(users=[alice])
    from rest_framework.test import APIClient

    assert APIClient().get(f"/api/matches/{match.id}").json()["id"] == str(match.id)
