"""Every way a bearer token can be wrong gets 401, never 403 or 500 (docs/api.md)."""

import base64
import json
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from tests.history.factories import user_create

PROTECTED = ["/api/matches", "/api/solo_results"]


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def expired(user) -> str:
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=1))
    return str(token)


def wrongly_signed(user) -> str:
    return jwt.encode(AccessToken.for_user(user).payload, "some-other-key-that-is-long-enough!!", algorithm="HS256")


def alg_none(user) -> str:
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(AccessToken.for_user(user).payload)}."


def refresh_token(user) -> str:
    return str(RefreshToken.for_user(user))


def deleted_user(user) -> str:
    token = str(AccessToken.for_user(user))
    user.delete()
    return token


def inactive_user(user) -> str:
    user.is_active = False
    user.save()
    return str(AccessToken.for_user(user))


def without_user_claim(user) -> str:
    token = AccessToken.for_user(user)
    del token.payload[settings.SIMPLE_JWT["USER_ID_CLAIM"]]
    return str(token)


@pytest.mark.parametrize(
    "make_header",
    [
        pytest.param(lambda user: None, id="missing"),
        pytest.param(lambda user: "Bearer", id="no-token"),
        pytest.param(lambda user: "Bearer not.a.jwt", id="malformed"),
        pytest.param(lambda user: "Bearer abc def", id="three-parts"),
        pytest.param(lambda user: f"Basic {AccessToken.for_user(user)}", id="wrong-scheme"),
        pytest.param(lambda user: f"Bearer {expired(user)}", id="expired"),
        pytest.param(lambda user: f"Bearer {wrongly_signed(user)}", id="wrongly-signed"),
        pytest.param(lambda user: f"Bearer {alg_none(user)}", id="alg-none"),
        pytest.param(lambda user: f"Bearer {refresh_token(user)}", id="refresh-as-access"),
        pytest.param(lambda user: f"Bearer {deleted_user(user)}", id="deleted-user"),
        pytest.param(lambda user: f"Bearer {inactive_user(user)}", id="inactive-user"),
        pytest.param(lambda user: f"Bearer {without_user_claim(user)}", id="no-user-claim"),
    ],
)
@pytest.mark.parametrize("url", PROTECTED)
def test_bad_or_missing_credentials_get_401(db, make_header, url):
    header = make_header(user_create())
    client = APIClient() if header is None else APIClient(HTTP_AUTHORIZATION=header)

    response = client.get(url) if url == "/api/matches" else client.post(url, {}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "detail" in response.json()


def test_a_good_token_is_accepted(db):
    user = user_create()
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    assert client.get("/api/matches").status_code == 200
