"""Hostile requests get a JSON answer, never HTML nor a traceback (docs/api.md): JSON
nested deeper than 64 levels on every POST route, and (through gunicorn, in the development and the
production settings) a body over DATA_UPLOAD_MAX_MEMORY_SIZE and a URL over gunicorn's limit."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from config.parsers import MAX_JSON_DEPTH
from tests.config.gunicorn_process import gunicorn_serving
from tests.support import subprocess_env

ROOT = Path(__file__).resolve().parents[2]
NESTED = "[" * 3000 + "]" * 3000  # 6 KB: RecursionError in Python's decoder, a 500 before
REFRESHES_ALLOWED = 10
POST_ROUTES = ["/api/auth/register", "/api/auth/token", "/api/auth/session", "/api/solo_results"]


def post_raw(client: APIClient, url: str, body: str):
    return client.generic("POST", url, body, content_type="application/json", HTTP_ORIGIN="http://testserver")


@pytest.fixture
def signed_in(db, django_user_model) -> APIClient:
    client = APIClient()
    user = django_user_model.objects.create_user(username="nestor", password="a-long-passphrase")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("url", POST_ROUTES)
def test_json_nested_too_deep_is_a_400_on_every_post_route(signed_in, settings, url, debug):
    settings.DEBUG = debug
    response = post_raw(signed_in, url, NESTED)
    assert response.status_code == 400
    assert response.json() == {"detail": f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels."}


def test_nesting_up_to_the_limit_reaches_the_route(signed_in):
    # 64 levels are parsed and the route answers about the body's fields (not an object), not its depth.
    response = post_raw(signed_in, "/api/auth/register", "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)
    assert response.status_code == 400 and "nested" not in json.dumps(response.json())


def test_brackets_inside_strings_do_not_count(db):
    body = json.dumps({"username": "[" * 500 + "{" * 500, "password": "a-long-passphrase"})
    response = post_raw(APIClient(), "/api/auth/register", body)
    assert response.status_code == 400 and "username" in response.json()


@pytest.mark.parametrize("debug", [False, True])
def test_a_body_over_the_limit_is_a_json_413_with_debug_on_or_off(db, settings, debug):
    settings.DEBUG = debug
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_raw(APIClient(), "/api/auth/token", json.dumps({"username": "x" * 2000, "password": "p"}))
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 1,000 bytes."}


# --- through gunicorn, as `dev.py up` and production serve it -------------------------------------


def raw_exchange(port: int, head: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """One request over a socket and its answer; the server may answer and close before it has read the
    whole request, as a careful server does with one it refuses, so a send cut short is not a failure here."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head.encode("latin1") + body)
        # One answer, by its own length: uvicorn keeps a connection open after an answer it need not end.
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


@pytest.fixture(scope="module", params=["config.settings.local", "config.settings.production"])
def served(request, tmp_path_factory, test_servers, django_db_setup) -> Iterator[int]:
    env = {
        **subprocess_env(),
        "DJANGO_SETTINGS_MODULE": request.param,
        "DJANGO_SECRET_KEY": "hostile-requests-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_DEBUG": "",  # each settings module's own default: on in development
    }
    env["AUTH_THROTTLE_RATE"] = f"{REFRESHES_ALLOWED}/minute"  # the forwarded-for test's count, below
    with gunicorn_serving(env, asgi=True) as port:  # the deployment's workers (config/web_worker.py)
        yield port


def test_a_3_mb_body_gets_a_json_413_from_gunicorn(served):
    body = json.dumps({"username": "x" * 3_000_000, "password": "p"}).encode()
    head = (
        "POST /api/auth/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    status, headers, content = raw_exchange(served, head, body)
    assert status == 413 and headers["content-type"] == "application/json"
    assert json.loads(content) == {"detail": "The request body is larger than 2,621,440 bytes."}


def test_a_url_over_the_limit_gets_a_json_414(served):
    status, headers, content = raw_exchange(served, f"GET /api/matches?q={'a' * 5000} HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 414 and headers["content-type"] == "application/json"
    assert json.loads(content)["detail"].startswith("URI Too Long")


def test_a_header_over_the_limit_gets_a_json_431(served):
    head = f"GET /api/matches HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {'b' * 9000}\r\n\r\n"
    status, headers, content = raw_exchange(served, head)
    assert status == 431 and headers["content-type"] == "application/json"
    assert json.loads(content) == {"detail": "Request Header Fields Too Large: a header is over 8,190 bytes"}


def test_more_than_100_headers_get_a_json_431(served):
    many = "".join(f"X-H{n}: v\r\n" for n in range(101))
    status, headers, content = raw_exchange(served, f"GET /api/matches HTTP/1.1\r\nHost: 127.0.0.1\r\n{many}\r\n")
    assert status == 431 and headers["content-type"] == "application/json"
    assert json.loads(content) == {"detail": "Request Header Fields Too Large: more than 100 headers"}


def test_a_header_that_never_ends_is_refused_before_it_is_held_whole(served):
    # 2 MB of one header line and no end: refused once the head passes its bound, the rest unread.
    head = f"GET /api/matches HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endless: {'e' * 2_000_000}"
    status, headers, content = raw_exchange(served, head)
    assert status == 431 and headers["content-type"] == "application/json"
    assert "the request's head is over" in json.loads(content)["detail"]


def test_a_malformed_request_gets_a_json_400(served):
    status, headers, content = raw_exchange(served, "GET /api/matches HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n")
    assert status == 400 and headers["content-type"] == "application/json"
    assert json.loads(content)["detail"].startswith("Bad Request")


def session_refresh(port: int, origin: str, extra: str = "") -> int:
    head = (
        f"POST /api/auth/session/refresh HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\n"
        f"Content-Length: 0\r\nConnection: close\r\n{extra}\r\n"
    )
    return raw_exchange(port, head)[0]


def test_a_loopback_peers_x_forwarded_for_is_not_the_clients_address(served, django_db_blocker):
    # TRUSTED_PROXY_COUNT is 0: the address is the TCP peer's whatever the header says
    # (accounts/addresses.py). uvicorn's own proxy handling made each forged header a new client, so
    # the session refresh's per-address count never ran out.
    origin = f"http://127.0.0.1:{served}"
    forget_the_counts(django_db_blocker)  # other requests of this module's from 127.0.0.1 counted too
    try:
        statuses = [
            session_refresh(served, origin, f"X-Forwarded-For: 203.0.113.{n}\r\n") for n in range(REFRESHES_ALLOWED + 1)
        ]
        assert statuses[:REFRESHES_ALLOWED] == [401] * REFRESHES_ALLOWED
        assert statuses[-1] == 429
    finally:
        forget_the_counts(django_db_blocker)  # none left for the next test on this database


def forget_the_counts(django_db_blocker) -> None:
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM shared_cache")  # the throttles' counts (CACHES["shared"])


def test_a_loopback_proxy_may_say_the_request_came_over_https(served):
    # As gunicorn's forwarded_allow_ips did: the session routes' origin check then expects https.
    https = f"https://127.0.0.1:{served}"
    assert session_refresh(served, https) == 403
    assert session_refresh(served, https, "X-Forwarded-Proto: https\r\n") != 403


def test_a_nested_body_gets_a_json_400_from_gunicorn(served):
    body = NESTED.encode()
    head = (
        "POST /api/auth/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    status, headers, content = raw_exchange(served, head, body)
    assert status == 400 and headers["content-type"] == "application/json"
    assert "nested deeper" in json.loads(content)["detail"]
