"""The admin is a read-only window: every page renders for staff, and nothing can be added or changed."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from history.models import Match
from streaming.models import PoisonEvent
from tests.history.factories import match_create, user_create
from tests.streaming.poison_rows import projector_poison_of_a_valid_game_end


@pytest.fixture
def matches(alice, bob):
    return [
        match_create(users=[alice, bob, None], room_id="room-a", tournament_id="cup-1"),
        match_create(users=[alice], mode=Match.Mode.SOLO),
    ]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?q=room-a",
        "?q=alice",
        "?q=cup-1",
        "?mode__exact=solo",
        "?has_tournament=yes",
        "?has_tournament=no",
        "?started_at__gte=2025-03-01+00%3A00%3A00%2B00%3A00",
        "?tournament_id=cup-1",
        "?o=1",
    ],
)
def test_match_changelist_renders_with_search_and_filters(admin_client, matches, query):
    response = admin_client.get(f"/admin/history/match/{query}")
    assert response.status_code == 200


def listed(admin_client, **params) -> list:
    response = admin_client.get("/admin/history/match/", params)
    assert response.status_code == 200
    return [match.id for match in response.context["cl"].result_list]


@pytest.fixture
def bobs_match(bob):
    return match_create(users=[bob, None], room_id="room-b")


def test_search_by_player_id_lists_that_players_matches_only(admin_client, matches, bobs_match, alice, bob):
    multiplayer, solo = matches
    assert sorted(listed(admin_client, q=str(alice.id))) == sorted([multiplayer.id, solo.id])
    assert listed(admin_client, q=str(bob.id)) == [bobs_match.id, multiplayer.id]  # newest first
    guest = multiplayer.players.get(user=None).player_id
    assert listed(admin_client, q=guest) == [multiplayer.id]
    assert listed(admin_client, q=str(alice.id)[:8]) == []  # exact ids, not substrings


def test_search_by_username_lists_that_users_matches_only(admin_client, matches, bobs_match):
    multiplayer, solo = matches
    assert sorted(listed(admin_client, q="alice")) == sorted([multiplayer.id, solo.id])
    assert sorted(listed(admin_client, q="ALICE")) == sorted([multiplayer.id, solo.id])  # case-insensitive
    assert sorted(listed(admin_client, q="bob")) == sorted([multiplayer.id, bobs_match.id])
    assert listed(admin_client, q="ali") == []
    assert listed(admin_client, q="nobody") == []


def test_search_by_room_and_tournament_id(admin_client, matches, bobs_match):
    multiplayer, _ = matches
    assert listed(admin_client, q="room-a") == [multiplayer.id]
    assert listed(admin_client, q="room-b") == [bobs_match.id]
    assert listed(admin_client, q="cup-1") == [multiplayer.id]


def test_mode_filter_lists_one_mode(admin_client, matches, bobs_match):
    multiplayer, solo = matches
    assert listed(admin_client, mode__exact="solo") == [solo.id]
    assert sorted(listed(admin_client, mode__exact="multiplayer")) == sorted([multiplayer.id, bobs_match.id])


def test_tournament_filter_splits_matches_in_and_out_of_tournaments(admin_client, matches, bobs_match):
    multiplayer, solo = matches
    assert listed(admin_client, has_tournament="yes") == [multiplayer.id]
    assert sorted(listed(admin_client, has_tournament="no")) == sorted([solo.id, bobs_match.id])
    assert len(listed(admin_client)) == 3


def test_match_page_shows_players_read_only(admin_client, matches):
    response = admin_client.get(f"/admin/history/match/{matches[0].id}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "room-a" in content and "alice" in content
    assert 'name="_save"' not in content  # a view, not a form


@pytest.mark.parametrize("url", ["/admin/history/match/add/", "/admin/streaming/poisonevent/add/", "{match}/delete/"])
def test_nothing_can_be_added_or_deleted(admin_client, matches, url):
    url = url.format(match=f"/admin/history/match/{matches[0].id}")
    assert admin_client.get(url).status_code == 403


def test_poison_events_list_and_detail_render(admin_client, db):
    event = PoisonEvent.objects.create(
        consumer="match-projector",
        stream_seq=42,
        subject="game.r1.events",
        payload=b'{"type": "game_end", "x": "<b>"}',
        reason="missing field 'players'",
    )
    PoisonEvent.objects.create(
        consumer="key-moment-detector", stream_seq=7, subject="game.r2.events", payload=b"\xff", reason="not JSON"
    )

    for query in ("", "?consumer=match-projector", "?q=players", "?q=game.r2"):
        assert admin_client.get(f"/admin/streaming/poisonevent/{query}").status_code == 200
    detail = admin_client.get(f"/admin/streaming/poisonevent/{event.pk}/change/")
    assert detail.status_code == 200
    assert "&quot;game_end&quot;" in detail.content.decode()  # the payload, as escaped text
    assert "&lt;b&gt;" in detail.content.decode()


def test_users_admin_renders(admin_client, alice):
    assert admin_client.get("/admin/accounts/user/").status_code == 200
    assert admin_client.get("/admin/accounts/user/?q=ali").status_code == 200
    assert admin_client.get(f"/admin/accounts/user/{alice.pk}/change/").status_code == 200
    assert admin_client.get("/admin/accounts/user/add/").status_code == 200


def test_the_match_list_shows_seconds_the_winner_players_by_name_duration_and_the_web_replay(admin_client, matches):
    multiplayer, _ = matches
    response = admin_client.get("/admin/history/match/")
    page = response.content.decode()
    assert "Matches" in page and "Matchs" not in page
    assert multiplayer.started_at.strftime("%Y-%m-%d %H:%M:%S") in page
    winner = multiplayer.players.get(placement=1)
    assert (winner.user.username if winner.user else winner.player_id) in page
    assert f'href="/matches/{multiplayer.id}/replay"' in page


def test_the_retry_action_resolves_a_fixed_projector_poison_and_refuses_another_consumers(admin_client, db):
    fixed = projector_poison_of_a_valid_game_end("room-r", stream_seq=5, players=["p1", "p2"])
    other = PoisonEvent.objects.create(
        consumer="key-moment-detector", stream_seq=5, subject="game.room-r.events", payload=b"x", reason="x"
    )
    response = admin_client.post(
        "/admin/streaming/poisonevent/", {"action": "retry", "_selected_action": [fixed.pk, other.pk]}, follow=True
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "resolved, match" in text and "only match-projector" in text
    fixed.refresh_from_db()
    assert fixed.resolved_at is not None and fixed.match.player_count == 2
    for query in ("?resolved_at__isempty=0", "?resolved_at__isempty=1", "?consumer=key-moment-detector"):
        assert admin_client.get(f"/admin/streaming/poisonevent/{query}").status_code == 200
    assert str(fixed.match.id) in admin_client.get(f"/admin/streaming/poisonevent/{fixed.pk}/change/").content.decode()


def test_the_retry_action_needs_the_change_permission_not_only_the_view(db):
    poison = projector_poison_of_a_valid_game_end("room-v", stream_seq=9, players=["p1", "p2"])
    viewer = user_create(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_poisonevent"))
    client = Client()
    client.force_login(viewer)
    assert client.get("/admin/streaming/poisonevent/").status_code == 200
    client.post("/admin/streaming/poisonevent/", {"action": "retry", "_selected_action": [poison.pk]})
    poison.refresh_from_db()
    assert poison.resolved_at is None and not Match.objects.exists()

    viewer.user_permissions.add(Permission.objects.get(codename="change_poisonevent"))
    client.post("/admin/streaming/poisonevent/", {"action": "retry", "_selected_action": [poison.pk]})
    poison.refresh_from_db()
    assert poison.resolved_at is not None and poison.match is not None


@pytest.mark.parametrize(
    "url", ["/admin/history/match/", "{match}/change/", "/admin/streaming/poisonevent/", "/admin/accounts/user/"]
)
def test_the_admin_pages_are_refused_to_players_and_to_anyone_signed_out(matches, url):
    url = url.format(match=f"/admin/history/match/{matches[0].id}")
    assert Client().get(url).status_code == 302
    player = Client()
    player.force_login(user_create(username="player"))
    response = player.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
