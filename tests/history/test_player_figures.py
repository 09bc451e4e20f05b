"""username, pps and apm of every player of a match (docs/api.md), in the list and in the detail."""

import json

import pytest

from history.models import MatchPlayer
from tests.history.factories import api_client_for, match_create

LIST, DETAIL = "/api/matches", "/api/matches/{id}"


def players_of(client, match) -> list[dict]:
    listed = next(m for m in client.get(LIST).json()["results"] if m["id"] == str(match.id))
    detail = client.get(DETAIL.format(id=match.id)).json()
    assert listed["players"] == detail["players"]
    return detail["players"]


def results_set(match, player_id: str, **results) -> None:
    assert MatchPlayer.objects.filter(match=match, player_id=player_id).update(**results) == 1


def test_username_is_the_registered_players_and_null_for_a_guest_or_a_deleted_user(alice, bob):
    match = match_create(users=[alice, bob, None])
    bob_id = str(bob.id)
    bob.delete()

    players = players_of(api_client_for(alice), match)

    assert [(p["username"], p["user_id"]) for p in players] == [("alice", str(alice.id)), (None, None), (None, None)]
    assert players[1]["player_id"] == bob_id  # the row stays, only the link to the user goes


@pytest.mark.parametrize(
    ("pieces_placed", "garbage_sent", "duration_ms", "pps", "apm"),
    [
        (1, 1, 1600, 0.63, 37.5),  # pps exactly 0.625: a half goes up (round-half-even would give 0.62)
        (1005, 0, 1_000_000, 1.01, 0.0),  # pps exactly 1.005, a float just below it: still 1.01
        (201, 1, 240_000, 0.84, 0.3),  # pps 0.8375 -> 0.84; apm exactly 0.25 goes up to 0.3
        (7, 7, 1_200_000, 0.01, 0.4),  # apm exactly 0.35 (the float is 0.34999…): 0.4
        (90, 12, 60_000, 1.5, 12.0),
    ],
)
def test_pps_and_apm_round_half_away_from_zero_from_the_exact_value(
    alice, pieces_placed, garbage_sent, duration_ms, pps, apm
):
    match = match_create(users=[alice])
    results_set(match, str(alice.id), pieces_placed=pieces_placed, garbage_sent=garbage_sent, duration_ms=duration_ms)

    (player,) = players_of(api_client_for(alice), match)

    assert (player["pps"], player["apm"]) == (pps, apm)


def test_pps_and_apm_are_null_when_the_duration_is_zero(alice):
    match = match_create(users=[alice, None])
    results_set(match, str(alice.id), duration_ms=0, pieces_placed=0, garbage_sent=0)

    players = players_of(api_client_for(alice), match)

    assert (players[0]["pps"], players[0]["apm"]) == (None, None)
    assert (players[1]["pps"], players[1]["apm"]) == (0.28, 0.7)  # 50 pieces, 2 rows in 3 minutes


def test_figures_are_json_numbers_never_strings(alice):
    match = match_create(users=[alice])
    results_set(match, str(alice.id), pieces_placed=1, garbage_sent=1, duration_ms=1600)
    client = api_client_for(alice)

    for response in (client.get(LIST), client.get(DETAIL.format(id=match.id))):
        body = json.loads(response.content, parse_float=lambda text: ("float", text))
        found = body["results"][0] if "results" in body else body
        player = found["players"][0]
        assert player["pps"] == ("float", "0.63") and player["apm"] == ("float", "37.5")
