import pytest

from history.models import Match, MatchPlayer
from streaming.projector import MatchProjector
from tests.streaming.conftest import BackgroundConsumer, publish_match, wait_until
from tests.streaming.factories import match_events

pytestmark = pytest.mark.django_db(transaction=True)


def test_game_end_becomes_one_match_with_its_players(stream):
    publish_match("room-1", match_events("room-1", players=["p1", "p2", "p3"], tournament_id="cup-7"))
    with BackgroundConsumer(MatchProjector()):
        wait_until(lambda: Match.objects.count() == 1)
    match = Match.objects.get()
    assert (match.room_id, match.mode, match.player_count, match.tournament_id) == ("room-1", "multiplayer", 3, "cup-7")
    players = list(MatchPlayer.objects.filter(match=match).order_by("placement"))
    assert [(p.player_id, p.placement, p.score) for p in players] == [("p1", 1, 1000), ("p2", 2, 900), ("p3", 3, 800)]
