"""The admin's streaming status page (docs/operations.md): staff only, read live, and an answer while NATS is away."""

import re
import time

import pytest
from django.test import Client

from tests.history.factories import user_create
from tests.streaming.factories import match_events
from tests.streaming.stall_proxy import StallProxy
from tests.support import add_durable_consumers, consumer_info, publish_match, stream_info

URL = "/admin/streaming/status/"


def text_of(response) -> str:
    """The page's text without its tags or runs of white space, as a reader sees it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def staff_client(db) -> Client:
    client = Client()
    client.force_login(user_create(username="operator", is_staff=True))
    return client


def test_the_status_page_shows_the_stream_and_each_consumer_as_nats_reports_them(staff_client, stream):
    add_durable_consumers("match-projector", "key-moment-detector", "a-reprojection")
    publish_match("room-1", match_events("room-1"))
    stream_now, projector = stream_info(), consumer_info("match-projector")
    response = staff_client.get(URL)
    assert response.status_code == 200
    text = text_of(response)
    assert "Stream GAME_EVENTS" in text
    assert f"messages {stream_now.state.messages}" in text
    assert f"first message seq {stream_now.state.first_seq}, " in text
    assert f"last message seq {stream_now.state.last_seq}, " in text
    assert "replicas 1" in text and "(a single server)" in text
    rows = {row["durable"]: row for row in response.context["consumers"]}
    assert list(rows) == ["match-projector", "key-moment-detector", "a-reprojection"]
    assert rows["match-projector"]["pending"] == projector.num_pending > 0
    assert rows["match-projector"]["ack_pending"] == 0 and rows["match-projector"]["redelivered"] == 0
    assert rows["match-projector"]["waiting"] == 0
    assert rows["match-projector"]["stalled"] is False  # read against the server clock of the listing
    assert rows["a-reprojection"]["expected"] is False
    assert "a-reprojection (not one of ours)" in text


def test_a_missing_expected_consumer_is_said_to_be_missing(staff_client, stream):
    add_durable_consumers("match-projector")
    text = text_of(staff_client.get(URL))
    assert "key-moment-detector GAME_EVENTS missing: has it ever run?" in text


def test_the_status_page_answers_quickly_while_nats_is_stopped(staff_client, stream, test_servers):
    test_servers.nats.stop()
    try:
        started = time.monotonic()
        response = staff_client.get(URL)
        elapsed = time.monotonic() - started
    finally:
        test_servers.nats.start()
    assert response.status_code == 200 and elapsed < 4
    assert "NATS cannot be reached: ConnectionRefusedError" in text_of(response)
    assert "the consumers go on by themselves" in text_of(response)


def test_a_nats_server_that_stops_answering_cannot_hang_the_page(staff_client, stream, settings, test_servers):
    proxy = StallProxy(test_servers.nats.url)
    proxy.forward()
    settings.NATS_SERVERS = [proxy.url]
    try:
        assert "Stream GAME_EVENTS" in text_of(staff_client.get(URL))
        proxy.stall()
        started = time.monotonic()
        response = staff_client.get(URL)
        elapsed = time.monotonic() - started
    finally:
        proxy.close()
    assert response.status_code == 200 and elapsed < 5
    assert "NATS did not answer within 3 s" in text_of(response)


def test_the_page_never_shows_nats_credentials(staff_client, settings):
    settings.NATS_SERVERS = ["nats://web:s3cret@127.0.0.1:1"]
    text = text_of(staff_client.get(URL))
    assert "s3cret" not in text and "nats://127.0.0.1:1" in text


def test_the_status_page_is_refused_to_anyone_but_staff(db):
    assert Client().get(URL).status_code == 302  # to the admin's sign-in
    player = Client()
    player.force_login(user_create(username="player"))
    response = player.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_front_page_links_the_status_page(staff_client):
    assert f'href="{URL}"' in staff_client.get("/admin/").content.decode()
