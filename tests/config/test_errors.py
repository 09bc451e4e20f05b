"""Error answers: JSON under /api/ (413 for a body too large), Django's HTML pages elsewhere."""

import json

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from config.errors import server_error


# /api/solo_results has a limit of its own, 8 MB (docs/api.md): tests/solo/test_verified_results.py.
@pytest.mark.parametrize("url", ["/api/auth/register"])
def test_a_body_too_large_gets_413_json(db, settings, django_user_model, url):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = APIClient()
    user = django_user_model.objects.create_user(username="dave", password="a-long-passphrase")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    body = json.dumps({"username": "x" * 2000, "password": "a-long-passphrase"})
    response = client.generic("POST", url, body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 1,000 bytes."}


def test_a_body_within_the_limit_is_served(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"username": "carol", "password": "a-long-passphrase"})
    response = APIClient().generic("POST", "/api/auth/register", body, content_type="application/json")
    assert response.status_code == 201


def test_an_unknown_api_route_gets_a_json_404(db):
    response = APIClient().get("/api/no-such-route")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_outside_the_api_gets_djangos_html_404(db):
    response = APIClient().get("/no-such-page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_json_and_elsewhere_html():
    api = server_error(RequestFactory().get("/api/matches"))
    assert api.status_code == 500 and json.loads(api.content)["detail"].startswith("Server error")
    admin = server_error(RequestFactory().get("/admin/"))
    assert admin.status_code == 500 and admin["Content-Type"].startswith("text/html")
