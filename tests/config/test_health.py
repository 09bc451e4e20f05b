import time

import pytest
from django.db import connection
from django.test import Client


def healthz():
    started = time.monotonic()
    response = Client().get("/healthz")
    return response, time.monotonic() - started


def test_healthy_when_postgres_and_nats_are_up(db):
    response, _ = healthz()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["postgres"]["ok"] and body["nats"]["ok"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_not_in_the_api_schema(db):
    assert b"healthz" not in Client().get("/api/schema").content


def test_head_is_answered_too(db):
    assert Client().head("/healthz").status_code == 200


def test_nats_down_is_degraded_but_still_200(db, settings, test_servers):
    test_servers.nats.stop()
    try:
        response, elapsed = healthz()
    finally:
        test_servers.nats.start()
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["nats"]["ok"] is False and response.json()["nats"]["error"]
    assert elapsed < 3
    assert "ConnectionRefusedError" in response.json()["nats"]["error"]


def test_nats_without_a_url_is_reported(db, settings):
    settings.NATS_SERVERS = []
    response, _ = healthz()
    assert response.json()["nats"] == {"ok": False, "error": "NATS_URL is not set"}


def test_nats_disabled_is_fine(db, settings):
    settings.NATS_ENABLED = False
    response, _ = healthz()
    assert response.json()["nats"] == {"ok": True, "disabled": True}


@pytest.mark.slow
def test_postgres_down_gets_503_quickly_and_recovers(transactional_db, test_servers):
    assert healthz()[0].status_code == 200  # holds a live connection, which the stop then breaks
    test_servers.postgres.stop()
    try:
        response, elapsed = healthz()
        again, _ = healthz()
    finally:
        test_servers.postgres.start()
        connection.close()
    assert response.status_code == 503 and again.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["postgres"]["ok"] is False and response.json()["postgres"]["error"]
    assert elapsed < 8
    assert healthz()[0].status_code == 200
