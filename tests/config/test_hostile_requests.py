"""Hostile requests get a JSON answer, never HTML nor a traceback (docs/api.md): JSON
nested deeper than 64 levels on every POST route, and (through gunicorn, in the development and the
production settings) a body over DATA_UPLOAD_MAX_MEMORY_SIZE and a URL over gunicorn's limit."""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from config.parsers import MAX_JSON_DEPTH
from tests.config.gunicorn_process import gunicorn_serving
from tests.support import subprocess_env

ROOT = Path(__file__).resolve().parents[2]
NESTED = "[" * 3000 + "]" * 3000  # 6 KB: RecursionError in Python's decoder, a 500 before
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
    """One request over a socket; the server may answer and close before it has read the whole body,
    as a careful server does with one it refuses, so a send cut short is not a failure here."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head.encode("latin1") + body)
        answer = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                answer += chunk
    response = http.client.HTTPResponse(_Received(answer))  # its parser: chunked or not
    response.begin()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


class _Received:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def makefile(self, mode: str) -> io.BytesIO:
        return io.BytesIO(self.data)


@pytest.fixture(scope="module", params=["config.settings.local", "config.settings.production"])
def served(request, tmp_path_factory, test_servers, django_db_setup) -> Iterator[int]:
    env = {
        **subprocess_env(),
        "DJANGO_SETTINGS_MODULE": request.param,
        "DJANGO_SECRET_KEY": "hostile-requests-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_DEBUG": "",  # each settings module's own default: on in development
    }
    with gunicorn_serving(env) as port:
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


def test_a_url_over_gunicorns_limit_gets_a_json_414(served):
    status, headers, content = raw_exchange(served, f"GET /api/matches?q={'a' * 5000} HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 414 and headers["content-type"] == "application/json"
    assert json.loads(content)["detail"].startswith("URI Too Long")


def test_a_header_over_gunicorns_limit_gets_a_json_431(served):
    head = f"GET /api/matches HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {'b' * 9000}\r\n\r\n"
    status, headers, content = raw_exchange(served, head)
    assert status in (400, 431) and headers["content-type"] == "application/json"
    assert "detail" in json.loads(content)


def test_a_nested_body_gets_a_json_400_from_gunicorn(served):
    body = NESTED.encode()
    head = (
        "POST /api/auth/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    status, headers, content = raw_exchange(served, head, body)
    assert status == 400 and headers["content-type"] == "application/json"
    assert "nested deeper" in json.loads(content)["detail"]
