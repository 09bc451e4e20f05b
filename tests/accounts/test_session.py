"""The web client's session routes (docs/api.md, authentication): the refresh token lives in a cookie only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.history.factories import user_create

pytestmark = pytest.mark.django_db

OWN_ORIGIN = "http://testserver"  # the test client's host
PASSWORD = "correct-horse-battery"  # tests.history.factories.user_create's


def browser(origin: str | None = OWN_ORIGIN) -> APIClient:
    """A client that, like a browser, keeps cookies and sends Origin with every POST and DELETE."""
    return APIClient(HTTP_ORIGIN=origin) if origin is not None else APIClient()


def sign_in(client: APIClient, username: str, slash: str = ""):
    return client.post(f"/api/auth/session{slash}", {"username": username, "password": PASSWORD}, format="json")


def refresh_cookie(response):
    return response.cookies[settings.AUTH_REFRESH_COOKIE_NAME]


@pytest.mark.parametrize("slash", ["", "/"])
def test_sign_in_answers_an_access_token_and_sets_the_refresh_cookie(slash):
    user_create(username="erin")
    client = browser()

    response = sign_in(client, "erin", slash)

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access"}
    cookie = refresh_cookie(response)
    assert cookie.value and cookie.value not in response.content.decode()
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/api/auth/session"
    assert cookie["max-age"] == int(timedelta(days=7).total_seconds())
    assert not cookie["secure"]  # plain http in development; production sets it (below)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert client.get("/api/matches").status_code == 200


def test_the_refresh_cookie_is_secure_when_configured_so(settings):
    settings.AUTH_REFRESH_COOKIE_SECURE = True  # what config/settings/production.py sets
    user_create(username="erin")
    cookie = refresh_cookie(sign_in(browser(), "erin"))
    assert cookie["secure"] is True
    assert "Secure" in cookie.output() and "HttpOnly" in cookie.output()


def test_sign_in_refuses_a_wrong_password_without_a_cookie():
    user_create(username="erin")
    response = browser().post("/api/auth/session", {"username": "erin", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert settings.AUTH_REFRESH_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("slash", ["", "/"])
def test_refresh_rotates_the_cookie_and_the_old_token_is_refused(slash):
    user_create(username="erin")
    client = browser()
    first = refresh_cookie(sign_in(client, "erin")).value

    response = client.post(f"/api/auth/session/refresh{slash}")

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access"}
    second = refresh_cookie(response).value
    assert second != first and second not in response.content.decode()
    assert refresh_cookie(response)["httponly"] is True
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    assert api.get("/api/matches").status_code == 200

    replayed = browser()
    replayed.cookies[settings.AUTH_REFRESH_COOKIE_NAME] = first
    assert replayed.post("/api/auth/session/refresh").status_code == 401
    assert client.post("/api/auth/session/refresh").status_code == 200  # the rotated one still works


def test_refresh_without_a_cookie_is_refused():
    assert browser().post("/api/auth/session/refresh").status_code == 401


@pytest.mark.parametrize("slash", ["", "/"])
def test_sign_out_blacklists_the_refresh_token_and_clears_the_cookie(slash):
    user_create(username="erin")
    client = browser()
    token = refresh_cookie(sign_in(client, "erin")).value

    response = client.delete(f"/api/auth/session{slash}")

    assert response.status_code == 204
    cleared = refresh_cookie(response)
    assert cleared.value == "" and cleared["max-age"] == 0 and cleared["path"] == "/api/auth/session"
    stolen = browser()
    stolen.cookies[settings.AUTH_REFRESH_COOKIE_NAME] = token
    assert stolen.post("/api/auth/session/refresh").status_code == 401
    # The JSON refresh route of other clients refuses it too.
    assert APIClient().post("/api/auth/token/refresh", {"refresh": token}, format="json").status_code == 401


def test_sign_out_without_a_session_still_clears_the_cookie():
    response = browser().delete("/api/auth/session")
    assert response.status_code == 204
    assert refresh_cookie(response).value == ""


@pytest.mark.parametrize("origin", ["https://evil.example", "http://testserver.evil.example", "null", None])
def test_every_session_route_refuses_a_foreign_or_missing_origin(origin):
    user_create(username="erin")
    token = refresh_cookie(sign_in(browser(), "erin")).value
    client = browser(origin)
    client.cookies[settings.AUTH_REFRESH_COOKIE_NAME] = token

    sign_in_response = sign_in(client, "erin")
    refresh_response = client.post("/api/auth/session/refresh")
    sign_out_response = client.delete("/api/auth/session")

    for response in (sign_in_response, refresh_response, sign_out_response):
        assert response.status_code == 403, response.content
        assert "Origin" in response.json()["detail"]
        assert settings.AUTH_REFRESH_COOKIE_NAME not in response.cookies
    # Nothing was rotated or blacklisted: the real page can still use the cookie.
    own = browser()
    own.cookies[settings.AUTH_REFRESH_COOKIE_NAME] = token
    assert own.post("/api/auth/session/refresh").status_code == 200


def test_a_trusted_origin_is_accepted(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["http://localhost:5173"]
    user_create(username="erin")
    assert sign_in(browser("http://localhost:5173"), "erin").status_code == 200


def test_sign_in_is_throttled_like_the_token_route(settings):
    settings.AUTH_THROTTLE_RATE = "3/minute"
    user_create(username="erin")
    client = browser()
    answers = [sign_in(client, "erin").status_code for _ in range(3)]
    throttled = sign_in(client, "erin")

    assert answers == [200, 200, 200]
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert settings.AUTH_REFRESH_COOKIE_NAME not in throttled.cookies
    # The token route shares the count: guessing passwords through either one is slowed down alike.
    assert APIClient().post("/api/auth/token", {"username": "erin", "password": PASSWORD}).status_code == 429


def test_refresh_is_throttled_apart_from_sign_in(settings):
    settings.AUTH_THROTTLE_RATE = "3/minute"
    user_create(username="erin")
    client = browser()
    assert sign_in(client, "erin").status_code == 200
    answers = [client.post("/api/auth/session/refresh").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert sign_in(browser(), "erin").status_code == 200  # page reloads never lock out signing in


def test_refresh_for_a_deactivated_user_is_refused_and_clears_the_cookie():
    user = user_create(username="erin")
    client = browser()
    sign_in(client, "erin")
    user.is_active = False
    user.save()
    response = client.post("/api/auth/session/refresh")
    assert response.status_code == 401
    assert refresh_cookie(response).value == ""


def test_session_routes_are_in_the_openapi_schema():
    schema = APIClient().get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    session = schema["paths"]["/api/auth/session"]
    assert set(session["post"]["responses"]) >= {"200", "401", "403", "429"}
    assert set(session["delete"]["responses"]) >= {"204", "403"}
    refresh = schema["paths"]["/api/auth/session/refresh"]["post"]
    assert {p["name"]: p["in"] for p in refresh["parameters"]} == {"refresh_token": "cookie"}
    assert schema["components"]["schemas"]["SessionAccess"]["properties"].keys() == {"access"}
