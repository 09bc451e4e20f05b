"""The web client served at / (docs/web-client-serving.md): its page at every client route, under an enforced CSP."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware

from tests.config.client_build import FAKE_INDEX, parse_csp, write_build
from tests.history.factories import user_create

CLIENT_ROUTES = [
    "/",
    "/signin",
    "/register",
    "/matches",
    "/matches/0b7e1a4e-4f0a-4e57-9a43-1f0f2b9c3d11",
    "/matches/0b7e1a4e-4f0a-4e57-9a43-1f0f2b9c3d11/replay",
    "/players/0b7e1a4e-4f0a-4e57-9a43-1f0f2b9c3d11",
    "/leaderboards",
    "/tournaments",
    "/tournaments/spring-cup",
    "/play",
    "/settings",
    "/live",
    "/live/room-1",
]


@pytest.fixture
def collected(settings, tmp_path, db) -> Path:
    """A STATIC_ROOT holding a client build where collectstatic puts it (app/); the database for the
    match pages, which look their match up for its card tags (config/share_pages.py)."""
    settings.STATIC_ROOT = tmp_path / "static"
    write_build(settings.STATIC_ROOT / "app")
    return settings.STATIC_ROOT


def assert_strict_script_policy(response) -> dict[str, list[str]]:
    assert "Content-Security-Policy-Report-Only" not in response  # enforced, not just reported
    policy = parse_csp(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other origin
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    return policy


@pytest.mark.parametrize("route", CLIENT_ROUTES)
@pytest.mark.parametrize("slash", ["", "/"])
def test_every_client_route_answers_with_the_built_app(collected, route, slash):
    url = route if route == "/" else route + slash
    response = Client().get(url)

    assert response.status_code == 200, url
    assert response.content.decode() == FAKE_INDEX
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]  # a new build is picked up on the next load
    policy = assert_strict_script_policy(response)
    assert policy["style-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]


def test_app_page_answers_head_and_refuses_post(collected):
    assert Client().head("/matches").status_code == 200
    assert Client().post("/matches").status_code == 405


def test_unknown_pages_are_still_not_found(collected):
    assert Client().get("/nowhere").status_code == 404
    assert Client().get("/matches/1/replay/extra").status_code == 404
    api = Client().get("/api/nowhere")
    assert api.status_code == 404 and api.json() == {"detail": "Not found."}


def test_without_a_build_the_app_routes_explain_how_to_build_it(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "empty"
    response = Client().get("/matches")
    assert response.status_code == 503
    text = response.content.decode()
    assert "The web client is not built" in text and "npm --prefix web run build" in text
    assert_strict_script_policy(response)


def test_with_static_files_from_the_finders_the_page_is_web_dist_itself(settings, tmp_path):
    # Development (DEBUG): WhiteNoise serves web/dist through the finders, so the page comes from there.
    settings.WHITENOISE_USE_FINDERS = True
    settings.STATIC_ROOT = tmp_path / "empty"
    settings.STATICFILES_DIRS = [("app", write_build(tmp_path / "dist"))]
    assert Client().get("/signin").content.decode() == FAKE_INDEX


@pytest.mark.slow
def test_collectstatic_gathers_the_build_and_whitenoise_caches_hashed_assets_for_good(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_DIRS = [("app", write_build(tmp_path / "dist"))]
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", "--no-input", "-v", "0")
    assert (settings.STATIC_ROOT / "app" / "index.html").read_text() == FAKE_INDEX
    assert Client().get("/").content.decode() == FAKE_INDEX

    whitenoise = WhiteNoiseMiddleware(lambda request: pytest.fail(f"not served as a static file: {request.path}"))
    hashed = whitenoise(RequestFactory().get("/static/app/assets/index-B3kq9aXz.js", HTTP_ACCEPT_ENCODING="gzip"))
    assert hashed.status_code == 200
    assert hashed["Cache-Control"] == "max-age=315360000, public, immutable"
    assert hashed["Content-Encoding"] == "gzip"  # compressed once, at collectstatic time
    plain = whitenoise(RequestFactory().get("/static/app/favicon.svg"))
    assert "immutable" not in plain["Cache-Control"]
    admin_css = whitenoise(RequestFactory().get("/static/admin/css/base.css"))
    assert admin_css.status_code == 200 and "immutable" not in admin_css["Cache-Control"]


def test_api_docs_render_under_the_policy_with_no_inline_script(db):
    page = Client().get("/api/docs")
    assert page.status_code == 200
    policy = assert_strict_script_policy(page)
    assert "'unsafe-inline'" in policy["style-src"]  # the template's one inline <style>, styles only
    html = page.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.DOTALL)
    assert scripts and all('src="' in attributes and not body.strip() for attributes, body in scripts)
    script = Client().get("/api/docs?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_admin_keeps_djangos_pages_without_the_apps_policy(db):
    user_create(username="root", is_staff=True)
    client = Client()
    login = client.get("/admin/login/")
    assert login.status_code == 200 and "Content-Security-Policy" not in login
    credentials = {"username": "root", "password": "correct-horse-battery", "next": "/admin/"}
    signed_in = client.post("/admin/login/", credentials)
    assert signed_in.status_code == 302
    index = client.get("/admin/")
    assert index.status_code == 200 and "Site administration" in index.content.decode()


def test_healthz_is_untouched_by_the_client_routes(db, test_servers, settings):
    settings.NATS_SERVERS = [test_servers.nats.url]
    response = Client().get("/healthz")
    assert response["Content-Type"].startswith("application/json")
