"""JWT settings come from the environment: JWT_SIGNING_KEY signs tokens, JWT_ACCESS_TOKEN_MINUTES sets their life."""

import json
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.history.factories import user_create

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "s" * 50,
    "DATABASE_URL": "postgres://u:p@db:5432/x",
    "NATS_URL": "nats://nats:4222",
}
ENV_SIGNING_KEY = "signing-key-from-the-environment-" + "e" * 20

# Loads the settings, mints an access token there and prints what the test checks.
MINT = """
import django, json
django.setup()
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken
token = AccessToken()
token["user_id"] = "someone"
print(json.dumps({
    "signing_key": settings.SIMPLE_JWT["SIGNING_KEY"],
    "lifetime_seconds": settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds(),
    "token": str(token),
}))
"""


def load_settings_and_mint(env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", MINT],
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def hand_signed(user, key: str) -> str:
    now = int(time.time())
    payload = {
        "token_type": "access",
        "exp": now + 300,
        "iat": now,
        "jti": uuid.uuid4().hex,
        settings.SIMPLE_JWT["USER_ID_CLAIM"]: str(user.id),
    }
    return jwt.encode(payload, key, algorithm="HS256")


@pytest.mark.parametrize(
    ("key", "status"),
    [
        pytest.param(settings.SIMPLE_JWT["SIGNING_KEY"], 200, id="configured-signing-key"),
        pytest.param(settings.SECRET_KEY, 401, id="django-secret-key"),
        pytest.param("another-key-that-is-long-enough-for-hs256!!", 401, id="another-key"),
    ],
)
def test_only_tokens_signed_with_the_configured_key_are_accepted(db, key, status):
    assert settings.SIMPLE_JWT["SIGNING_KEY"] != settings.SECRET_KEY  # test settings set a key of their own
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {hand_signed(user_create(), key)}")
    assert client.get("/api/matches").status_code == status


@pytest.mark.slow
def test_jwt_signing_key_from_the_environment_signs_tokens():
    loaded = load_settings_and_mint({**PRODUCTION, "JWT_SIGNING_KEY": ENV_SIGNING_KEY})
    assert loaded["signing_key"] == ENV_SIGNING_KEY
    claims = jwt.decode(loaded["token"], ENV_SIGNING_KEY, algorithms=["HS256"])
    assert claims["user_id"] == "someone"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(loaded["token"], PRODUCTION["DJANGO_SECRET_KEY"], algorithms=["HS256"])


@pytest.mark.slow
def test_without_jwt_signing_key_the_django_secret_key_signs_tokens():
    loaded = load_settings_and_mint(PRODUCTION)
    assert loaded["signing_key"] == PRODUCTION["DJANGO_SECRET_KEY"]
    jwt.decode(loaded["token"], PRODUCTION["DJANGO_SECRET_KEY"], algorithms=["HS256"])


@pytest.mark.parametrize(
    ("minutes", "lifetime"),
    [("5", timedelta(minutes=5)), ("240", timedelta(hours=4)), ("", timedelta(minutes=15))],
)
@pytest.mark.slow
def test_access_token_lifetime_comes_from_jwt_access_token_minutes(minutes, lifetime):
    loaded = load_settings_and_mint({**PRODUCTION, "JWT_ACCESS_TOKEN_MINUTES": minutes})
    assert loaded["lifetime_seconds"] == lifetime.total_seconds()
    claims = jwt.decode(loaded["token"], PRODUCTION["DJANGO_SECRET_KEY"], algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == lifetime.total_seconds()
