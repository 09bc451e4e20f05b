"""The admin is a read-only window: every page renders for staff, and nothing can be added or changed."""

import pytest

from history.models import Match
from streaming.models import PoisonEvent
from tests.history.factories import match_create


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


def test_search_finds_a_match_by_player_id_and_username(admin_client, matches, alice):
    multiplayer, solo = matches
    by_player = admin_client.get("/admin/history/match/", {"q": str(alice.id)}).context["cl"].result_list
    assert {m.id for m in by_player} == {multiplayer.id, solo.id}
    by_room = admin_client.get("/admin/history/match/", {"q": "room-a"}).context["cl"].result_list
    assert [m.id for m in by_room] == [multiplayer.id]
    solo_only = admin_client.get("/admin/history/match/", {"mode__exact": "solo"}).context["cl"].result_list
    assert [m.id for m in solo_only] == [solo.id]


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
