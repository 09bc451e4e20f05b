"""JSON 404 and 500 under /api/ whatever DEBUG says (with DEBUG on, Django would answer HTML debug pages)."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.config.boom_urls")]


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_api_route_gets_a_json_404(settings, debug):
    settings.DEBUG = debug
    response = Client().get("/api/no-such-route")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("debug", [True, False])
def test_a_bug_under_the_api_gets_a_json_500(settings, debug):
    settings.DEBUG = debug
    response = Client(raise_request_exception=False).get("/api/boom")
    assert response.status_code == 500
    assert response.json()["detail"].startswith("Server error")


def test_outside_the_api_debug_keeps_djangos_pages(settings):
    settings.DEBUG = True
    response = Client(raise_request_exception=False).get("/boom")
    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")
