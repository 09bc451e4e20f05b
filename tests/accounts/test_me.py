"""`/api/me` (docs/api.md, private profiles and account deletion)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import User
from history.models import Match, MatchPlayer
from stats.models import PlayerTotals
from tests.history.factories import api_client_for, match_create, user_create

PASSWORD = "correct-horse-battery"


@pytest.fixture
def alice(db):
    return user_create(username="alice")


def test_me_shows_the_account_and_patch_makes_it_private(alice):
    client = api_client_for(alice)
    me = client.get("/api/me").json()
    assert set(me) == {"id", "username", "profile_private", "date_joined"}
    assert me["id"] == str(alice.id) and me["profile_private"] is False
    assert client.patch("/api/me", {"profile_private": True}, format="json").json()["profile_private"] is True
    alice.refresh_from_db()
    assert alice.profile_private is True
    assert client.patch("/api/me", {"profile_private": "maybe"}, format="json").status_code == 400
    assert APIClient().get("/api/me").status_code == 401


def test_deletion_takes_the_user_sessions_tokens_and_solo_results_and_keeps_multiplayer_rows(alice):
    bob = user_create(username="bob")
    multiplayer = match_create(users=[alice, bob])
    solo = match_create(users=[alice], mode=Match.Mode.SOLO)
    # A refresh token (simplejwt's outstanding list) and an admin session of alice's.
    tokens = APIClient().post("/api/auth/token", {"username": "alice", "password": PASSWORD}, format="json")
    assert tokens.status_code == 200 and OutstandingToken.objects.filter(user=alice).exists()
    browser = Client()
    browser.force_login(alice)
    assert Session.objects.count() == 1
    assert PlayerTotals.objects.filter(user=alice).count() == 2

    response = api_client_for(alice).delete("/api/me", {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not OutstandingToken.objects.exists() and not Session.objects.exists()
    assert not Match.objects.filter(pk=solo.pk).exists()
    assert not PlayerTotals.objects.filter(user_id=alice.pk).exists()
    row = MatchPlayer.objects.get(match=multiplayer, player_id=str(alice.pk))
    assert row.user_id is None  # kept; shown under its player id, the guest form of a name
    shown = APIClient().get(f"/api/matches/{multiplayer.id}").json()["players"][0]
    assert shown["user_id"] is None and shown["username"] is None and shown["player_id"] == str(alice.pk)
    # The old refresh token no longer works, nor an access token of the deleted user.
    refresh = APIClient().post("/api/auth/token/refresh", {"refresh": tokens.json()["refresh"]}, format="json")
    assert refresh.status_code == 401
    assert api_client_for(alice).get("/api/me").status_code == 401


def test_deletion_with_a_wrong_password_is_400_and_deletes_nothing(alice):
    response = api_client_for(alice).delete("/api/me", {"password": "wrong"}, format="json")
    assert response.status_code == 400 and "password" in response.json()
    assert api_client_for(alice).delete("/api/me", {}, format="json").status_code == 400
    assert User.objects.filter(pk=alice.pk).exists()


def test_patch_takes_json_booleans_only_and_an_empty_patch_changes_nothing(alice):
    client = api_client_for(alice)
    assert client.patch("/api/me", {"profile_private": 1}, format="json").status_code == 400
    assert client.patch("/api/me", {}, format="json").json()["profile_private"] is False


def test_the_schema_documents_the_deletions_password_body(db):
    schema = APIClient().get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    body = schema["paths"]["/api/me"]["delete"]["requestBody"]
    assert body["required"] is True and "application/json" in body["content"]
