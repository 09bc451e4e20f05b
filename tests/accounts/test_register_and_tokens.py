import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from tests.history.factories import user_create

STRONG = "plum-orbit-velvet-42"


@pytest.mark.parametrize("url", ["/api/auth/register", "/api/auth/register/"])
def test_register_creates_a_user_and_answers_its_id(db, url):
    response = APIClient().post(url, {"username": "carol", "password": STRONG}, format="json")

    assert response.status_code == 201
    user = User.objects.get(username="carol")
    assert response.json() == {"id": str(user.id), "username": "carol"}
    assert user.check_password(STRONG) and not user.is_staff


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "carol", "password": "short1"}, "password"),  # too short
        ({"username": "carol", "password": "password123"}, "password"),  # too common
        ({"username": "carol", "password": "84736251907"}, "password"),  # all digits
        ({"username": "carolinebrown", "password": "carolinebrown1"}, "password"),  # like the username
        ({"username": "", "password": STRONG}, "username"),
        ({"username": "no spaces!", "password": STRONG}, "username"),
        ({"username": "x" * 151, "password": STRONG}, "username"),
        ({"username": 12, "password": STRONG}, "username"),
        ({"password": STRONG}, "username"),
        ({"username": "carol"}, "password"),
    ],
)
def test_register_refuses_bad_input_with_field_errors(db, body, field):
    response = APIClient().post("/api/auth/register", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.filter(username="carol").exists()


def test_register_refuses_a_taken_username(db):
    user_create(username="carol")
    response = APIClient().post("/api/auth/register", {"username": "carol", "password": STRONG}, format="json")
    assert response.status_code == 400
    assert response.json() == {"username": ["A user with that username already exists."]}


def test_register_ignores_a_bad_bearer_token(db):
    client = APIClient(HTTP_AUTHORIZATION="Bearer garbage")
    assert (
        client.post("/api/auth/register", {"username": "carol", "password": STRONG}, format="json").status_code == 201
    )


@pytest.mark.parametrize("slash", ["", "/"])
def test_token_pair_then_refresh_then_use(db, slash):
    user_create(username="dave")
    client = APIClient()

    pair = client.post(
        f"/api/auth/token{slash}", {"username": "dave", "password": "correct-horse-battery"}, format="json"
    )
    assert pair.status_code == 200
    refreshed = client.post(f"/api/auth/token/refresh{slash}", {"refresh": pair.json()["refresh"]}, format="json")
    assert refreshed.status_code == 200

    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed.json()['access']}")
    assert client.get("/api/matches").status_code == 200


def test_token_refuses_a_wrong_password(db):
    user_create(username="dave")
    response = APIClient().post("/api/auth/token", {"username": "dave", "password": "nope"}, format="json")
    assert response.status_code == 401


def test_refresh_refuses_an_access_token(db):
    user = user_create()

    response = APIClient().post("/api/auth/token/refresh", {"refresh": str(AccessToken.for_user(user))}, format="json")
    assert response.status_code == 401


def test_auth_routes_are_throttled_per_client(db, settings):
    settings.AUTH_THROTTLE_RATE = "3/minute"
    client = APIClient()
    statuses = [
        client.post("/api/auth/token", {"username": "x", "password": "y"}, format="json").status_code for _ in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    assert (
        client.post("/api/auth/register", {"username": "carol", "password": STRONG}, format="json").status_code == 429
    )


@pytest.mark.parametrize("password", ["  spaced at both ends  ", "trailing-space-pass "])
def test_a_password_with_spaces_at_its_ends_signs_in_as_typed(db, password):
    client = APIClient()
    assert (
        client.post("/api/auth/register", {"username": "spacey", "password": password}, format="json").status_code
        == 201
    )
    assert (
        client.post("/api/auth/token", {"username": "spacey", "password": password}, format="json").status_code == 200
    )
    stripped = {"username": "spacey", "password": password.strip()}
    assert client.post("/api/auth/token", stripped, format="json").status_code == 401
    session = client.post(
        "/api/auth/session",
        {"username": "spacey", "password": password},
        format="json",
        HTTP_ORIGIN="http://testserver",
    )
    assert session.status_code == 200
