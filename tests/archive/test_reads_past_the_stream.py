"""Replays past the stream's retention (docs/operations.md): the archive answers the same document and ETag.

The stream's maximum age is shortened by the test itself (a parameter of the stream, not a setting) once
the matches are archived, so that their events expire while the test runs.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError

from archive.archiver import MatchArchiver
from devtools.embedded import free_port
from history.models import Match
from tests.archive.support import project, publish_match_with_moment
from tests.history.test_replay_api import client_for
from tests.support import BackgroundConsumer, run_async, stream_info, wait_until, with_jetstream

pytestmark = pytest.mark.django_db(transaction=True)


def expire_the_stream(max_age_seconds: float = 0.5) -> None:
    """Shorten GAME_EVENTS's maximum age and wait until every message of it has expired."""

    async def shorten(js):
        config = (await js.stream_info(django_settings.GAME_EVENTS_STREAM)).config
        config.max_age = config.duplicate_window = max_age_seconds  # the server wants the window within the age
        await js.update_stream(config)

    run_async(with_jetstream(shorten))
    wait_until(lambda: stream_info().state.messages == 0, timeout=30, interval=0.2)


def replay_lines(room_id: str, started_at: str | None = None) -> str:
    out = io.StringIO()
    call_command(
        "replay", room_id, *(["--started-at", started_at] if started_at else []), stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


@pytest.fixture
def expired(stream, archive_store, django_user_model):
    """Three archived matches and one never archived, each with its answers from the stream, then expired."""
    player = django_user_model.objects.create_user(username="archivist", password="a-long-password-1")
    players = [str(player.id), "guest"]
    archived = [project(f"room-{n}", publish_match_with_moment(f"room-{n}", n, players=players)) for n in range(3)]
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=0)):
        wait_until(lambda: Match.objects.filter(archived_at__isnull=False).count() == 3, timeout=30)
    never = project("room-9", publish_match_with_moment("room-9", 9, players=players))
    before = {}
    for match in [*archived, never]:
        response = client_for(player).get(f"/api/matches/{match.id}/replay")
        assert response.status_code == 200
        started = match.started_at.isoformat()
        before[match.pk] = (response.content, response["ETag"], replay_lines(match.room_id, started))
    expire_the_stream()
    return player, archived, never, before


def test_every_expired_archived_match_answers_its_document_and_etag_from_before(expired):
    player, archived, _, before = expired
    for match in archived:
        content, etag, _ = before[match.pk]
        response = client_for(player).get(f"/api/matches/{match.id}/replay")
        assert response.status_code == 200, response.content
        assert response.content == content  # byte for byte
        assert response["ETag"] == etag
        revalidated = client_for(player).get(f"/api/matches/{match.id}/replay", HTTP_IF_NONE_MATCH=etag)
        assert revalidated.status_code == 304


def test_manage_replay_prints_an_expired_match_from_the_archive(expired):
    _, archived, _, before = expired
    for match in archived:
        assert replay_lines(match.room_id, match.started_at.isoformat()) == before[match.pk][2]
    # Without --started-at: the room's latest archived match.
    assert replay_lines(archived[0].room_id) == before[archived[0].pk][2]


def test_an_expired_match_never_archived_is_gone(expired):
    player, _, never, _ = expired
    response = client_for(player).get(f"/api/matches/{never.id}/replay")
    assert response.status_code == 410
    assert "archive has no copy" in response.json()["detail"]
    with pytest.raises(CommandError):
        replay_lines(never.room_id, never.started_at.isoformat())


def test_an_expired_match_with_the_store_away_is_unavailable_with_words(expired, settings):
    player, archived, _, _ = expired
    settings.ARCHIVE_ENDPOINT_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    response = client_for(player).get(f"/api/matches/{archived[0].id}/replay")
    assert response.status_code == 503
    assert "archive" in response.json()["detail"] and "try again" in response.json()["detail"]
    with pytest.raises(CommandError, match="archived copy cannot be read"):
        replay_lines(archived[0].room_id, archived[0].started_at.isoformat())


def test_the_card_of_an_expired_archived_match_still_has_its_boards(expired):
    from django.core.cache import cache
    from django.test import Client

    from config.share_pages import archived_or_streamed_events
    from history.card import card_etag, card_players, final_boards
    from history.public_selectors import match_get_public

    _, archived, never, _ = expired
    for match in archived:
        cache.delete(f"card-boards:{match.id}")
        card = Client().get(f"/matches/{match.id}/card.png")  # the route's own read, nothing cached before it
        assert card.status_code == 200 and "max-age=3600" in card["Cache-Control"]
        cache.delete(f"card-boards:{match.id}")
        row = match_get_public(match_id=match.id)
        players = card_players(row, archived_or_streamed_events)
        boards = final_boards(archived_or_streamed_events(row))
        assert len(players) == 2 and all(player.board for player in players)
        assert {player.board[0] for player in players} == {board[0] for board in boards.values()}
        assert card["ETag"] == card_etag(row, players)  # the card drawn with those boards
    # Never archived and expired: names and placements only, and that is final.
    cache.delete(f"card-boards:{never.id}")
    assert all(player.board is None for player in card_players(match_get_public(match_id=never.id)))
