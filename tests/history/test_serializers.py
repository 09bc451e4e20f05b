"""The hand-built match representation equals DRF's generic path over the declared fields, and the
selectors' rows equal the models with history.figures' Python reference."""

import dataclasses

import pytest
from rest_framework import serializers

from history import figures
from history.models import Match, MatchPlayer
from history.selectors import MatchRow, PlayerRow, match_get
from history.serializers import MatchOutputSerializer, MatchPlayerOutputSerializer
from tests.history.factories import match_create

PLAYER_FIELDS = list(MatchPlayerOutputSerializer().fields)


def _from_models(match: Match) -> dict:
    """What a response should show of ``match``, read through the ORM."""
    shown = {name: getattr(match, name) for name in MatchOutputSerializer().fields if name != "players"}
    shown["players"] = [_player_from_models(p) for p in match.players.order_by("placement")]
    return serializers.Serializer.to_representation(MatchOutputSerializer(), shown)


def _player_from_models(player: MatchPlayer) -> dict:
    shown = {name: getattr(player, name) for name in PLAYER_FIELDS if hasattr(player, name)}
    shown["username"] = player.user.username if player.user is not None else None
    shown["pps"] = figures.pps(player.pieces_placed, player.duration_ms)
    shown["apm"] = figures.apm(player.garbage_sent, player.duration_ms)
    return shown


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["multiplayer", "solo"])
def test_fast_representation_is_the_declared_fields_of_the_models(mode, django_user_model):
    user = django_user_model.objects.create_user(username="shape", password="a-long-password-1")
    users = [user] if mode == "solo" else [user, None, None]
    match = match_create(mode=mode, users=users, tournament_id="cup" if mode == "multiplayer" else None)
    row = match_get(match_id=match.id)
    serializer = MatchOutputSerializer(row)

    assert serializer.data == serializers.Serializer.to_representation(serializer, row)
    assert serializer.data == _from_models(match)
    assert list(serializer.data) == list(serializer.fields)
    assert [list(p) for p in serializer.data["players"]] == [PLAYER_FIELDS] * len(users)


def test_the_serializers_declare_the_selectors_row_shapes():
    assert list(PlayerRow.__annotations__) == PLAYER_FIELDS
    assert list(MatchOutputSerializer().fields) == [f.name for f in dataclasses.fields(MatchRow)]
