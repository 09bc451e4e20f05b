"""Who is asking (docs/configuration.md): one client address for the throttles and the admin's lockout."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from accounts.addresses import address_from
from tests.history.factories import user_create


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("forwarded_for", "trusted", "expected"),
    [
        (None, 0, "192.0.2.1"),
        ("203.0.113.9", 0, "192.0.2.1"),  # no proxy trusted: the header is anyone's to write
        ("203.0.113.9", 1, "203.0.113.9"),
        ("6.6.6.6, 203.0.113.9", 1, "203.0.113.9"),  # the client's own addition proves nothing
        ("6.6.6.6, 203.0.113.9, 10.0.0.2", 2, "203.0.113.9"),
        ("203.0.113.9", 2, "192.0.2.1"),  # fewer hops than proxies: it came round them
        ("not-an-address", 1, "192.0.2.1"),
        (" 2001:db8::1 ", 1, "2001:db8::1"),
    ],
)
def test_the_client_is_the_address_the_first_trusted_proxy_wrote(forwarded_for, trusted, expected):
    assert address_from(remote_addr="192.0.2.1", forwarded_for=forwarded_for, trusted_proxies=trusted) == expected


def token_attempt(client: APIClient, *, forwarded_for: str, remote_addr: str = "192.0.2.1") -> int:
    response = client.post(
        "/api/auth/token",
        {"username": "x", "password": "y"},
        format="json",
        HTTP_X_FORWARDED_FOR=forwarded_for,
        REMOTE_ADDR=remote_addr,
    )
    return response.status_code


def test_a_spoofed_forwarded_for_gets_no_fresh_throttle_bucket(db, settings):
    settings.AUTH_THROTTLE_RATE = "3/minute"
    client = APIClient()
    statuses = [token_attempt(client, forwarded_for=f"198.51.100.{n}") for n in range(5)]
    assert statuses == [401, 401, 401, 429, 429]


def test_behind_a_trusted_proxy_only_the_proxys_word_counts(db, settings):
    settings.AUTH_THROTTLE_RATE = "3/minute"
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    proxy = "10.0.0.2"
    spoofed = [token_attempt(client, forwarded_for=f"198.51.100.{n}, 203.0.113.9", remote_addr=proxy) for n in range(4)]
    assert spoofed == [401, 401, 401, 429]
    # Another client behind the same proxy has its own bucket.
    assert token_attempt(client, forwarded_for="203.0.113.10", remote_addr=proxy) == 401


def admin_sign_in(client: Client, username: str, password: str, *, remote_addr: str, forwarded_for: str = "") -> int:
    data = {"username": username, "password": password, "next": "/admin/"}
    extra = {"REMOTE_ADDR": remote_addr, **({"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {})}
    return client.post("/admin/login/", data, **extra).status_code


def test_the_admin_sign_in_locks_an_address_and_username_pair_after_repeated_bad_passwords(db, settings):
    user_create(username="root", is_staff=True)
    user_create(username="ops", is_staff=True)
    attacker = "198.51.100.7"
    # A wrong password shows the form again (200); the one that reaches the limit is refused (429),
    # and from then on the pair is refused, the right password too, a spoofed X-Forwarded-For no way round.
    limit = settings.AXES_FAILURE_LIMIT
    wrong = [admin_sign_in(Client(), "root", f"guess-{n}", remote_addr=attacker) for n in range(limit)]
    assert wrong == [200] * (limit - 1) + [429]
    assert admin_sign_in(Client(), "root", "correct-horse-battery", remote_addr=attacker) == 429
    assert (
        admin_sign_in(Client(), "root", "correct-horse-battery", remote_addr=attacker, forwarded_for="203.0.113.1")
        == 429
    )
    # The same username from another address, and another username from that address, still sign in.
    assert admin_sign_in(Client(), "root", "correct-horse-battery", remote_addr="203.0.113.20") == 302
    assert admin_sign_in(Client(), "ops", "correct-horse-battery", remote_addr=attacker) == 302


def test_the_api_and_the_admin_count_one_lockout(db, settings):
    # Every way in counts the same failures (docs/api.md): guesses through the API lock
    # the admin's sign-in for that pair too.
    settings.AUTH_THROTTLE_RATE = None
    user_create(username="root", is_staff=True)
    client = APIClient()
    for n in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/api/auth/token", {"username": "root", "password": f"guess-{n}"}, format="json")
        assert response.status_code == 401
    assert admin_sign_in(Client(), "root", "correct-horse-battery", remote_addr="127.0.0.1") == 429
    assert admin_sign_in(Client(), "root", "correct-horse-battery", remote_addr="203.0.113.20") == 302
