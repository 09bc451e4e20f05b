"""The production path end to end: collectstatic of a client build, then gunicorn with the production
settings and the whole middleware stack (WhiteNoise included, which the test settings leave out),
spoken to over real HTTP as a browser would."""

from __future__ import annotations

import gzip
import http.client
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.config.client_build import FAKE_INDEX, parse_csp, write_build
from tests.config.gunicorn_process import gunicorn_serving
from tests.support import subprocess_env

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-long-passphrase-for-gunicorn"


@dataclass
class Site:
    port: int

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, *, body: dict | None = None, **headers: str):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        payload = json.dumps(body).encode() if body is not None else None
        if payload is not None:
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        response.body = response.read()
        connection.close()
        return response


def set_cookie(response) -> SimpleCookie:
    cookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie.load(header)
    return cookie


@pytest.fixture(scope="module")
def site(tmp_path_factory, test_servers, django_db_setup) -> Iterator[Site]:
    # django_db_setup: the test database exists and is the one subprocess_env() names.
    folder = tmp_path_factory.mktemp("served")
    write_build(folder / "dist")
    # Production settings, with the build and STATIC_ROOT in this test's folder, not the checkout's.
    (folder / "served_settings.py").write_text(
        "from config.settings.production import *  # noqa: F403\n"
        f"STATIC_ROOT = {str(folder / 'static')!r}\n"
        f"STATICFILES_DIRS = [('app', {str(folder / 'dist')!r})]\n"
    )
    env = {
        **subprocess_env(),
        "NATS_URL": test_servers.nats.url,
        "DJANGO_SETTINGS_MODULE": "served_settings",
        "PYTHONPATH": f"{folder}:{ROOT}",
        "DJANGO_SECRET_KEY": "served-by-gunicorn-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    with gunicorn_serving(env) as port:
        yield Site(port)


def test_app_page_and_its_hashed_assets_as_gunicorn_serves_them(site):
    page = site.request("GET", "/matches/0b7e1a4e-4f0a-4e57-9a43-1f0f2b9c3d11/replay?t=120")
    assert page.status == 200 and page.body.decode() == FAKE_INDEX
    assert "Content-Security-Policy-Report-Only" not in page.headers
    assert parse_csp(page.headers["Content-Security-Policy"])["script-src"] == ["'self'"]

    script = site.request("GET", "/static/app/assets/index-B3kq9aXz.js", **{"Accept-Encoding": "gzip"})
    assert script.status == 200
    assert script.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert script.headers["Content-Encoding"] == "gzip" and gzip.decompress(script.body).startswith(b"document.")
    assert site.request("GET", "/static/admin/css/base.css").status == 200
    assert site.request("GET", "/api/docs").status == 200
    assert site.request("GET", "/admin/login/").status == 200


@pytest.mark.django_db(transaction=True)
def test_a_browser_session_over_http_signs_in_refreshes_and_signs_out(site, django_user_model, settings):
    # A hash the production settings accept (the test settings' fast MD5 is not among theirs).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    django_user_model.objects.create_user(username="gunnar", password=PASSWORD)
    credentials = {"username": "gunnar", "password": PASSWORD}

    signed_in = site.request("POST", "/api/auth/session", body=credentials, Origin=site.origin)
    assert signed_in.status == 200, signed_in.body
    assert set(json.loads(signed_in.body)) == {"access"}
    [header] = signed_in.headers.get_all("Set-Cookie")
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
    assert {"httponly", "secure", "path", "max-age"} <= attributes  # production: Secure
    assert "SameSite=Strict" in header and "Path=/api/auth/session" in header
    token = set_cookie(signed_in)["refresh_token"].value
    assert token.encode() not in signed_in.body
    cookie = f"refresh_token={token}"

    foreign = site.request("POST", "/api/auth/session/refresh", Cookie=cookie, Origin="https://evil.example")
    assert foreign.status == 403 and not set_cookie(foreign)

    rotated = site.request("POST", "/api/auth/session/refresh", Cookie=cookie, Origin=site.origin)
    assert rotated.status == 200
    new_token = set_cookie(rotated)["refresh_token"].value
    assert new_token != token and new_token.encode() not in rotated.body
    access = json.loads(rotated.body)["access"]
    assert site.request("GET", "/api/matches", Authorization=f"Bearer {access}").status == 200
    assert site.request("POST", "/api/auth/session/refresh", Cookie=cookie, Origin=site.origin).status == 401

    signed_out = site.request("DELETE", "/api/auth/session", Cookie=f"refresh_token={new_token}", Origin=site.origin)
    assert signed_out.status == 204 and set_cookie(signed_out)["refresh_token"].value == ""
    again = site.request("POST", "/api/auth/session/refresh", Cookie=f"refresh_token={new_token}", Origin=site.origin)
    assert again.status == 401
