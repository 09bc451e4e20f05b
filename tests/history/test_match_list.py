from datetime import timedelta

import pytest

from history.models import Match
from tests.history.factories import BASE_TIME, api_client_for, match_create, user_create

URL = "/api/matches"


def ids(response) -> list[str]:
    return [match["id"] for match in response.json()["results"]]


def test_lists_only_the_callers_matches_newest_first_with_players_by_placement(alice, bob):
    older = match_create(users=[bob, alice, None], started_at=BASE_TIME)
    newer = match_create(users=[alice], mode=Match.Mode.SOLO, started_at=BASE_TIME + timedelta(hours=1))
    match_create(users=[bob], started_at=BASE_TIME + timedelta(hours=2))

    response = api_client_for(alice).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None and body["previous"] is None
    assert ids(response) == [str(newer.id), str(older.id)]
    first = body["results"][1]
    assert set(first) == {
        "id", "game_type", "room_id", "mode", "player_count", "started_at", "ended_at", "tournament_id", "players",
        "solo_mode", "verified",
    }  # fmt: skip
    assert first["solo_mode"] is None and first["verified"] is None  # a multiplayer match
    assert [p["placement"] for p in first["players"]] == [1, 2, 3]
    assert [p["user_id"] for p in first["players"]] == [str(bob.id), str(alice.id), None]
    assert set(first["players"][0]) == {
        "user_id", "username", "player_id", "placement", "score", "lines_cleared", "garbage_sent",
        "garbage_received", "pieces_placed", "duration_ms", "level", "pps", "apm",
    }  # fmt: skip
    assert first["game_type"] == "tetris" and first["mode"] == "multiplayer" and first["player_count"] == 3


def test_staff_list_only_their_own_matches_too(alice):
    staff = user_create(is_staff=True)
    match_create(users=[alice])
    assert ids(api_client_for(staff).get(URL)) == []


def test_default_page_is_twenty_and_links_walk_every_match_once(alice):
    created = [match_create(users=[alice], started_at=BASE_TIME + timedelta(minutes=i)) for i in range(45)]
    newest_first = [str(m.id) for m in reversed(created)]
    client = api_client_for(alice)

    pages = [client.get(URL)]
    while pages[-1].json()["next"]:
        pages.append(client.get(pages[-1].json()["next"]))

    assert [len(ids(page)) for page in pages] == [20, 20, 5]
    assert [i for page in pages for i in ids(page)] == newest_first
    assert pages[0].json()["previous"] is None
    # And back again from the last page.
    back = client.get(pages[2].json()["previous"])
    assert ids(back) == ids(pages[1])
    assert ids(client.get(back.json()["previous"])) == ids(pages[0])


def test_cursor_stays_stable_while_a_newer_match_arrives(alice):
    created = [match_create(users=[alice], started_at=BASE_TIME + timedelta(minutes=i)) for i in range(5)]
    newest_first = [str(m.id) for m in reversed(created)]
    client = api_client_for(alice)

    first = client.get(URL, {"page_size": 2})
    arrived = match_create(users=[alice], started_at=BASE_TIME + timedelta(days=1))
    second = client.get(first.json()["next"])
    third = client.get(second.json()["next"])

    assert ids(first) == newest_first[:2]
    assert ids(second) == newest_first[2:4]
    assert ids(third) == newest_first[4:]
    assert third.json()["next"] is None
    # Going back from the second page shows the first page's matches, and then the newcomer.
    back = client.get(second.json()["previous"])
    assert ids(back) == newest_first[:2]
    assert ids(client.get(back.json()["previous"])) == [str(arrived.id)]


def test_matches_starting_at_the_same_instant_are_neither_skipped_nor_repeated(alice):
    same_time = [match_create(users=[alice], started_at=BASE_TIME) for _ in range(5)]
    client = api_client_for(alice)

    seen, page = [], client.get(URL, {"page_size": 2})
    while True:
        seen += ids(page)
        if not page.json()["next"]:
            break
        page = client.get(page.json()["next"])

    assert sorted(seen) == sorted(str(m.id) for m in same_time)
    assert seen == sorted(seen, reverse=True)  # ties break on the match id, descending


def test_page_size_and_filters_survive_in_the_links(alice):
    for i in range(3):
        match_create(users=[alice], mode=Match.Mode.SOLO, started_at=BASE_TIME + timedelta(minutes=i))
    response = api_client_for(alice).get(URL, {"page_size": 1, "mode": "solo"})
    assert "page_size=1" in response.json()["next"] and "mode=solo" in response.json()["next"]


def test_a_page_of_one_hundred_matches_takes_two_queries(alice, bob, django_assert_num_queries):
    for i in range(100):
        match_create(users=[alice, bob, None], started_at=BASE_TIME + timedelta(minutes=i))
    client = api_client_for(alice)

    # The caller's user row, then the page of matches with all their players, names and figures.
    with django_assert_num_queries(2):
        response = client.get(URL, {"page_size": 100})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 100
    players = [match["players"] for match in response.json()["results"]]
    assert all([p["username"] for p in match] == ["alice", "bob", None] for match in players)
    assert all(p["pps"] == 0.28 and p["apm"] == 0.7 for match in players for p in match)


def test_filter_by_mode(alice):
    solo = match_create(users=[alice], mode=Match.Mode.SOLO)
    multi = match_create(users=[alice, None])
    client = api_client_for(alice)
    assert ids(client.get(URL, {"mode": "solo"})) == [str(solo.id)]
    assert ids(client.get(URL, {"mode": "multiplayer"})) == [str(multi.id)]


def test_since_is_inclusive_and_until_exclusive_and_a_date_is_midnight_utc(alice):
    day = BASE_TIME.replace(hour=0)
    before = match_create(users=[alice], started_at=day - timedelta(microseconds=1))
    at_midnight = match_create(users=[alice], started_at=day)
    next_midnight = match_create(users=[alice], started_at=day + timedelta(days=1))
    client = api_client_for(alice)

    assert ids(client.get(URL, {"since": "2025-03-01"})) == [str(next_midnight.id), str(at_midnight.id)]
    assert ids(client.get(URL, {"until": "2025-03-01"})) == [str(before.id)]
    assert ids(client.get(URL, {"since": "2025-03-01", "until": "2025-03-02"})) == [str(at_midnight.id)]
    # A date-time with an offset: 01:00+01:00 is midnight UTC.
    assert ids(client.get(URL, {"until": "2025-03-01T01:00:00+01:00"})) == [str(before.id)]
    assert ids(client.get(URL, {"since": "2025-03-01T23:59:59Z", "until": "2025-03-02T00:00:00.000001Z"})) == [
        str(next_midnight.id)
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"mode": "ranked"}, "mode"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2025-02-30"}, "since"),
        ({"until": "2025-03-01T25:00:00Z"}, "until"),
        ({"until": "0001-01-01T00:00:00+01:00"}, "until"),
        ({"since": "2025-03-02", "until": "2025-03-01"}, "until"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "-1"}, "page_size"),
        ({"page_size": "abc"}, "page_size"),
        ({"page_size": "1.5"}, "page_size"),
        ({"page_size": "20.0"}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "WyJ4IiwieSIsIm4iXQ"}, "cursor"),  # well-formed base64 JSON of nonsense
    ],
)
def test_bad_query_parameters_get_400_with_the_field_named(alice, params, field):
    response = api_client_for(alice).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_empty_parameters_count_as_not_given(alice):
    match_create(users=[alice])
    response = api_client_for(alice).get(URL, {"mode": "", "since": "", "until": "", "page_size": ""})
    assert response.status_code == 200
    assert len(ids(response)) == 1


@pytest.mark.parametrize("page_size", ["1", "100"])
def test_page_size_bounds_are_accepted(alice, page_size):
    assert api_client_for(alice).get(URL, {"page_size": page_size}).status_code == 200


def test_answers_with_and_without_a_trailing_slash(alice):
    match_create(users=[alice])
    client = api_client_for(alice)
    assert len(ids(client.get(URL))) == len(ids(client.get(URL + "/"))) == 1
