"""The hand-built match representation equals what DRF's generic serializer path gives."""

import pytest
from rest_framework import serializers

from history.selectors import match_players_attach
from history.serializers import MatchOutputSerializer, MatchPlayerOutputSerializer
from tests.history.factories import match_create


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["multiplayer", "solo"])
def test_fast_representation_matches_drf_fields(mode, django_user_model):
    user = django_user_model.objects.create_user(username="shape", password="a-long-password-1")
    users = [user] if mode == "solo" else [user, None, None]
    match = match_create(mode=mode, users=users, tournament_id="cup" if mode == "multiplayer" else None)
    match = match_players_attach(matches=[match])[0]
    serializer = MatchOutputSerializer(match)
    generic = serializers.ModelSerializer.to_representation(serializer, match)
    generic["players"] = [
        serializers.ModelSerializer.to_representation(MatchPlayerOutputSerializer(p), p) for p in match.players.all()
    ]
    assert serializer.data == generic
    assert list(serializer.data) == list(MatchOutputSerializer.Meta.fields)
