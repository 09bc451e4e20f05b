"""The sign-in lockout and throttles (docs/api.md): ten failures for one account from one
address lock that pair (429 saying until when) on every way in, the account stays open from other
addresses, and every worker process counts together."""

from __future__ import annotations

import http.client
import itertools
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.config.gunicorn_process import gunicorn_serving
from tests.history.factories import user_create
from tests.support import subprocess_env

PASSWORD = "correct-horse-battery"
ATTACKER = "198.51.100.7"
ELSEWHERE = "203.0.113.20"


def token(username: str, password: str, *, address: str):
    body = {"username": username, "password": password}
    return APIClient().post("/api/auth/token", body, format="json", REMOTE_ADDR=address)


def session(username: str, password: str, *, address: str):
    body = {"username": username, "password": password}
    return APIClient().post(
        "/api/auth/session", body, format="json", REMOTE_ADDR=address, HTTP_ORIGIN="http://testserver"
    )


def locked_until(detail: str) -> datetime:
    stamp = re.search(r"try again after (\S+Z)\.", detail)
    assert stamp, detail
    return datetime.strptime(stamp.group(1), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


@pytest.fixture
def player(db, settings):
    settings.AUTH_THROTTLE_RATE = None  # the lockout alone
    return user_create(username="Alice")


def test_ten_failures_lock_the_account_from_that_address_until_a_time_it_gives(player, settings):
    assert settings.AXES_FAILURE_LIMIT == 10
    for n in range(10):
        assert token("alice", f"guess-{n}", address=ATTACKER).status_code == 401
    refused = token("Alice", PASSWORD, address=ATTACKER)  # the right password, in another case
    assert refused.status_code == 429
    until = locked_until(refused.json()["detail"])
    assert timedelta(minutes=14) < until - datetime.now(UTC) <= timedelta(minutes=15)
    assert 14 * 60 < int(refused["Retry-After"]) <= 15 * 60
    assert session("alice", PASSWORD, address=ATTACKER).status_code == 429
    assert token("alice", PASSWORD, address=ELSEWHERE).status_code == 200
    assert session("alice", PASSWORD, address=ELSEWHERE).status_code == 200


def test_failures_through_the_session_route_and_the_admin_count_together(player):
    for n in range(5):
        assert session("alice", f"guess-{n}", address=ATTACKER).status_code == 401
    for n in range(4):
        assert token("ALICE", f"guess-{n}", address=ATTACKER).status_code == 401
    admin = Client().post(
        "/admin/login/", {"username": "alice", "password": "guess", "next": "/admin/"}, REMOTE_ADDR=ATTACKER
    )
    assert admin.status_code == 429  # the tenth
    assert session("alice", PASSWORD, address=ATTACKER).status_code == 429


def test_nine_failures_then_the_right_password_starts_again_from_zero(player):
    for n in range(9):
        assert token("alice", f"guess-{n}", address=ATTACKER).status_code == 401
    assert token("alice", PASSWORD, address=ATTACKER).status_code == 200
    for n in range(9):
        assert token("alice", f"guess-{n}", address=ATTACKER).status_code == 401
    assert token("alice", PASSWORD, address=ATTACKER).status_code == 200


# --- two processes, one count ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_processes(test_servers, django_db_setup) -> Iterator[tuple[int, int]]:
    env = {**subprocess_env(), "TRUSTED_PROXY_COUNT": "1", "AUTH_THROTTLE_RATE": "12/minute"}
    with gunicorn_serving(env) as first, gunicorn_serving(env) as second:
        yield first, second


def post(port: int, path: str, body: dict, *, address: str) -> tuple[int, dict, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json", "X-Forwarded-For": address, "Origin": f"http://127.0.0.1:{port}"}
    connection.request("POST", path, body=json.dumps(body), headers=headers)
    response = connection.getresponse()
    answer = (response.status, dict(response.getheaders()), json.loads(response.read() or b"{}"))
    connection.close()
    return answer


@pytest.mark.django_db(transaction=True)
def test_ten_failures_across_two_processes_lock_and_the_account_stays_open_elsewhere(two_processes):
    user_create(username="bob_two")
    ports = itertools.cycle(two_processes)
    paths = itertools.cycle(["/api/auth/token", "/api/auth/session"])
    for n in range(10):
        status, _, _ = post(next(ports), next(paths), {"username": "bob_two", "password": f"x{n}"}, address=ATTACKER)
        assert status == 401, n
    for port in two_processes:
        status, headers, body = post(
            port, "/api/auth/token", {"username": "bob_two", "password": PASSWORD}, address=ATTACKER
        )
        assert status == 429 and "try again after" in body["detail"] and int(headers["Retry-After"]) > 0
    status, _, body = post(
        two_processes[1], "/api/auth/token", {"username": "bob_two", "password": PASSWORD}, address=ELSEWHERE
    )
    assert status == 200 and "access" in body


@pytest.mark.django_db(transaction=True)
def test_the_throttle_counts_the_requests_of_both_processes(two_processes):
    ports = itertools.cycle(two_processes)
    statuses = [
        post(next(ports), "/api/auth/register", {"username": "", "password": ""}, address="192.0.2.77")[0]
        for _ in range(13)
    ]
    assert statuses == [400] * 12 + [429]
