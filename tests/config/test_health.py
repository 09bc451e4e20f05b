import io
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from streaming.durables import PARTITIONED_STREAM
from tests.streaming.factories import match_events
from tests.streaming.stall_proxy import StallProxy
from tests.support import add_durable_consumers, consumer_info, publish_match, run_async, wait_until, with_jetstream

EXPECTED = ("match-projector", "key-moment-detector")


def stream_info_of(name: str):
    return run_async(with_jetstream(lambda js: js.stream_info(name)))


def healthz():
    started = time.monotonic()
    response = Client().get("/healthz")
    return response, time.monotonic() - started


def test_healthy_when_postgres_nats_and_the_consumers_are_up(db, stream):
    add_durable_consumers(*EXPECTED)
    response, _ = healthz()
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["postgres"]["ok"] and body["nats"]["ok"]
    assert body["consumers"] == {durable: {"pending": 0, "ack_pending": 0, "stalled": False} for durable in EXPECTED}
    assert response["Cache-Control"].startswith("max-age=0")


def test_pending_is_the_consumer_infos(db, stream):
    add_durable_consumers(*EXPECTED)
    publish_match("room-1", match_events("room-1"))
    info = consumer_info("match-projector")
    assert info.num_pending > 0
    consumers = healthz()[0].json()["consumers"]
    assert consumers["match-projector"]["pending"] == info.num_pending
    assert consumers["key-moment-detector"]["pending"] == info.num_pending
    assert consumers["match-projector"]["ack_pending"] == 0


def test_only_the_expected_consumers_are_listed_and_a_missing_one_degrades(db, stream):
    add_durable_consumers("match-projector", "someone-elses-reprojection")
    response, _ = healthz()
    assert response.status_code == 200 and response.json()["status"] == "degraded"
    consumers = response.json()["consumers"]
    assert set(consumers) == set(EXPECTED)
    assert consumers["key-moment-detector"]["stalled"] is None
    assert "no such consumer" in consumers["key-moment-detector"]["error"]


def test_partitioned_detectors_are_the_ones_expected_and_read_from_the_partitioned_stream(db, stream, settings):
    settings.MOMENT_DETECTOR_PARTITIONS = 2
    call_command("setup_stream", stdout=io.StringIO())  # GAME_EVENTS_PARTITIONED and the partitions' durables
    add_durable_consumers("match-projector")
    matches = {room: match_events(room, index=index) for index, room in enumerate(("room-1", "room-2", "room-3"))}
    for room, events in matches.items():
        publish_match(room, events)
    total = sum(len(events) for events in matches.values())
    wait_until(lambda: stream_info_of(PARTITIONED_STREAM).state.messages == total)
    consumers = healthz()[0].json()["consumers"]
    assert list(consumers) == ["match-projector", "key-moment-detector-0", "key-moment-detector-1"]
    assert consumers["key-moment-detector-0"]["pending"] + consumers["key-moment-detector-1"]["pending"] == total
    assert all(state["stalled"] is False for state in consumers.values())


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
    consumers = response.json()["consumers"]
    assert set(consumers) == set(EXPECTED)
    assert all(state["stalled"] is None and "NATS unreachable" in state["error"] for state in consumers.values())


def test_a_nats_server_that_stops_answering_cannot_hang_healthz(db, stream, settings, test_servers):
    add_durable_consumers(*EXPECTED)
    proxy = StallProxy(test_servers.nats.url)
    proxy.forward()
    settings.NATS_SERVERS = [proxy.url]
    try:
        assert healthz()[0].json()["status"] == "ok"
        proxy.stall()  # connections stay open, nothing is answered
        response, elapsed = healthz()
    finally:
        proxy.close()
    assert response.status_code == 200 and response.json()["status"] == "degraded"
    assert response.json()["nats"]["ok"] is False
    assert elapsed < 4


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
