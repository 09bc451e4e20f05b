"""A match's admin page: its key moments read from the stream, its web replay, no edit history (docs/operations.md)."""

import html
import json
import re
import time

import pytest

from history.models import Match
from tests.history.factories import match_create, user_create
from tests.streaming.factories import BASE_TIME, iso, match_events
from tests.support import publish_match, publish_raw


def page_text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def streamed_match(stream, alice):
    """A match in the stream with two key moments of its own, one of the room's match before it, and its row."""
    players = [str(alice.id), "guest-7"]
    publish_match("room-m", match_events("room-m", index=0, players=players))
    publish_match("room-m", match_events("room-m", index=1, players=players))
    earlier, ours = iso(BASE_TIME), iso(BASE_TIME.replace(minute=1))
    moments = [
        (4, "tetris", players[0], {"lines": 4, "event_seq": 5, "started_at": earlier}),
        (12, "tetris", players[0], {"lines": 4, "event_seq": 31, "started_at": ours}),
        (30, "comeback", players[1], {"deficit": 1200, "final_score": 9000, "event_seq": 44, "started_at": ours}),
    ]
    publish_raw(
        ("game.room-m.moments", json.dumps({"tick": t, "type": k, "player_id": p, "data": d}).encode(), None)
        for t, k, p, d in moments
    )
    match = match_create(users=[alice, None], room_id="room-m", started_at=BASE_TIME.replace(minute=1))
    match.players.filter(user=None).update(player_id="guest-7")
    return match


def test_a_matchs_page_lists_its_own_key_moments_from_the_stream(admin_client, streamed_match):
    response = admin_client.get(f"/admin/history/match/{streamed_match.id}/change/")
    assert response.status_code == 200
    text = page_text(response)
    moments = text.split("Key moments (from the stream):")[1].split("Match players")[0]
    # Tick, moment, the player by name, details, event seq: this match's alone, not the earlier one's.
    assert " ".join(moments.split()) == (
        "tick moment player details event seq "
        "12 tetris alice lines 4 31 "
        "30 comeback guest-7 deficit 1200, final_score 9000 44"
    )


def test_a_matchs_page_links_its_web_replay_and_has_no_history_button(admin_client, streamed_match):
    page = admin_client.get(f"/admin/history/match/{streamed_match.id}/change/").content.decode()
    assert page.count(f'href="/matches/{streamed_match.id}/replay"') == 2  # the object tools and the field
    assert "/history/" not in page.split('id="content-main"')[1].split("<form")[0]
    assert "historylink" not in page


def test_a_solo_match_says_it_has_no_events(admin_client, alice):
    solo = match_create(users=[alice], mode=Match.Mode.SOLO)
    text = page_text(admin_client.get(f"/admin/history/match/{solo.id}/change/"))
    assert "None: a solo match has a result but no events." in text
    assert "Web replay" not in text


def test_a_match_the_stream_no_longer_holds_says_so(admin_client, stream, alice):
    match = match_create(users=[alice, None], room_id="room-gone")
    text = page_text(admin_client.get(f"/admin/history/match/{match.id}/change/"))
    assert "The stream no longer holds this match's events" in text


def test_a_matchs_page_answers_while_nats_is_stopped(admin_client, streamed_match, test_servers):
    test_servers.nats.stop()
    try:
        started = time.monotonic()
        response = admin_client.get(f"/admin/history/match/{streamed_match.id}/change/")
        elapsed = time.monotonic() - started
    finally:
        test_servers.nats.start()
    assert response.status_code == 200 and elapsed < 4
    assert "NATS cannot be reached" in page_text(response)
    assert "alice" in page_text(response)  # the projection is still shown


def test_poison_events_have_no_history_button(admin_client, db):
    from streaming.models import PoisonEvent

    event = PoisonEvent.objects.create(
        consumer="match-projector", stream_seq=1, subject="game.r.events", payload=b"{}", reason="not an event"
    )
    page = admin_client.get(f"/admin/streaming/poisonevent/{event.pk}/change/").content.decode()
    assert "historylink" not in page and f"/poisonevent/{event.pk}/history/" not in page


def test_a_players_page_is_refused_to_non_staff(client, streamed_match):
    client.force_login(user_create(username="player"))
    response = client.get(f"/admin/history/match/{streamed_match.id}/change/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
