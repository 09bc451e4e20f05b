"""The hand-built match representation equals what DRF's generic serializer path gives from the models,
with the derived figures from history.figures' Python reference."""

import pytest
from rest_framework import serializers

from history import figures
from history.models import MatchPlayer
from history.selectors import match_players_attach
from history.serializers import MatchOutputSerializer, MatchPlayerOutputSerializer
from tests.history.factories import match_create


def _player_from_models(player: MatchPlayer) -> dict:
    shown = {name: getattr(player, name) for name in MatchPlayerOutputSerializer().fields if hasattr(player, name)}
    shown["username"] = player.user.username if player.user is not None else None
    shown["pps"] = figures.pps(player.pieces_placed, player.duration_ms)
    shown["apm"] = figures.apm(player.garbage_sent, player.duration_ms)
    return serializers.Serializer.to_representation(MatchPlayerOutputSerializer(), shown)


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["multiplayer", "solo"])
def test_fast_representation_matches_drf_fields(mode, django_user_model):
    user = django_user_model.objects.create_user(username="shape", password="a-long-password-1")
    users = [user] if mode == "solo" else [user, None, None]
    match = match_create(mode=mode, users=users, tournament_id="cup" if mode == "multiplayer" else None)
    match = match_players_attach(matches=[match])[0]
    serializer = MatchOutputSerializer(match)
    generic = serializers.ModelSerializer.to_representation(serializer, match)
    generic["players"] = [_player_from_models(p) for p in match.players.order_by("placement")]
    assert serializer.data == generic
    assert list(serializer.data) == list(MatchOutputSerializer.Meta.fields)
    assert [list(p) for p in serializer.data["players"]] == [list(MatchPlayerOutputSerializer().fields)] * len(users)
