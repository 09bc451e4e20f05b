"""simulate -> GAME_EVENTS -> match projector -> PostgreSQL, and replays, on the real servers.

The rows and the replays are compared with the same matches simulated again from (room, index,
seed) alone: the room's match k follows plan_match(room, index=k, seed), and only started_at comes
from the wall clock (it is read back from the projected match).
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from game.simulation import simulate_match_events, timestamp
from history.models import Match, MatchPlayer
from history.projector import MatchProjector
from history.replay import replay_match
from tests.support import BackgroundConsumer, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOMS, MATCHES, PLAYERS, SEED = 2, 3, 4, 20261125


def test_simulated_matches_are_projected_and_replayed_exactly(stream, django_user_model):
    out = io.StringIO()
    call_command(
        "simulate",
        rooms=ROOMS,
        matches=MATCHES,
        players=PLAYERS,
        speed="fast",
        seed=SEED,
        tournament_id="cup-e2e",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert f"simulated {ROOMS * MATCHES} matches in {ROOMS} rooms" in out.getvalue()
    assert "dropped 0, not stored 0" in out.getvalue()

    with BackgroundConsumer(MatchProjector()):
        wait_until(lambda: Match.objects.count() == ROOMS * MATCHES, timeout=30)

    demo_users = list(django_user_model.objects.filter(username__startswith="demo-").order_by("username"))
    registered = [str(user.pk) for user in demo_users]
    seen_registered = set()
    for room_number in range(1, ROOMS + 1):
        room_id = f"sim-room-{room_number}"
        matches = list(Match.objects.filter(room_id=room_id).order_by("started_at"))
        assert len(matches) == MATCHES
        for index, match in enumerate(matches):
            expected = simulate_match_events(
                room_id,
                index=index,
                seed=SEED,
                players=PLAYERS,
                registered=registered,
                started_at=match.started_at,
                tournament_id="cup-e2e",
            )
            end = expected[-1][0]["data"]
            assert (match.mode, match.player_count, match.tournament_id) == ("multiplayer", PLAYERS, "cup-e2e")
            assert timestamp(match.ended_at) == end["ended_at"]
            rows = {p.player_id: p for p in MatchPlayer.objects.filter(match=match).select_related("user")}
            assert set(rows) == {p["player_id"] for p in end["players"]}
            for player in end["players"]:
                row = rows[player["player_id"]]
                assert {key: getattr(row, key) for key in player} == player
                # Registered demo users are linked to their account; guests are not.
                assert (str(row.user_id) if row.user_id else None) == (
                    player["player_id"] if player["player_id"] in registered else None
                )
                if row.user_id:
                    seen_registered.add(row.player_id)

            replay = replay_match(room_id, match.started_at)
            assert replay.events == [event for event, _ in expected]
    assert seen_registered, "guests and registered demo users both take part"
