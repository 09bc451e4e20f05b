"""The metrics of docs/operations.md: every name defined once, the web process's requests counted, and who
may read `GET /metrics` (through the whole middleware stack, the way a request arrives)."""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client import Counter, Gauge, Histogram
from prometheus_client.parser import text_string_to_metric_families

from telemetry import metrics

TOKEN = "s3cret-metrics-token"

# docs/operations.md's table, written out by hand: (name without the prefix, type, labels).
SPEC_TABLE = [
    ("consumer_messages_total", Counter, ("consumer", "outcome")),
    ("consumer_pending_messages", Gauge, ("consumer",)),
    ("consumer_ack_pending_messages", Gauge, ("consumer",)),
    ("consumer_batch_seconds", Histogram, ("consumer",)),
    ("consumer_last_ack_timestamp_seconds", Gauge, ("consumer",)),
    ("poison_events_total", Counter, ("consumer",)),
    ("matches_projected_total", Counter, ()),
    ("moments_published_total", Counter, ("type",)),
    ("detector_live_matches", Gauge, ()),
    ("detector_rooms_rebuilt_total", Counter, ()),
    ("publisher_buffered_events", Gauge, ()),
    ("publisher_published_total", Counter, ()),
    ("publisher_dropped_total", Counter, ()),
    ("publisher_retries_total", Counter, ()),
    ("http_requests_total", Counter, ("route", "method", "status")),
    ("http_request_duration_seconds", Histogram, ("route", "method", "status")),
    ("matches_archived_total", Counter, ()),
    ("archive_bytes_written_total", Counter, ()),
    ("archive_unarchived_matches", Gauge, ()),
    ("archive_oldest_unarchived_seconds", Gauge, ()),
]


def defined_metrics() -> dict[str, Counter | Gauge | Histogram]:
    found = [value for value in vars(metrics).values() if isinstance(value, Counter | Gauge | Histogram)]
    # prometheus-client keeps a counter's name without "_total" and adds it when exposing.
    return {m._name + ("_total" if isinstance(m, Counter) else ""): m for m in found}


def test_every_metric_of_the_spec_table_is_defined_once_with_its_type_and_labels():
    defined = defined_metrics()
    assert sorted(defined) == sorted(f"tetris_history_{name}" for name, _, _ in SPEC_TABLE)
    for name, kind, labels in SPEC_TABLE:
        metric = defined[f"tetris_history_{name}"]
        assert type(metric) is kind, name
        assert metric._labelnames == labels, name


def scrape(client: Client, **extra) -> dict[tuple[str, tuple], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def requests_counted(samples: dict, **labels: str) -> float:
    return samples.get(("tetris_history_http_requests_total", tuple(sorted(labels.items()))), 0.0)


def test_requests_are_counted_by_the_url_patterns_name_method_and_status(db, settings):
    settings.METRICS_TOKEN = TOKEN
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    before = scrape(client, **auth)
    for _ in range(3):
        assert client.get("/api/matches").status_code == 401  # no token: DRF's answer, counted as given
    assert client.get("/api/matches/0b7e1a4e-4f0a-4e57-9a43-1f0f2b9c3d11/replay").status_code == 404  # public
    assert client.get("/api/no-such-route").status_code == 404
    assert client.generic("BREW", "/api/matches").status_code == 401
    after = scrape(client, **auth)

    def added(**labels: str) -> float:
        return requests_counted(after, **labels) - requests_counted(before, **labels)

    assert added(route="match-list", method="GET", status="401") == 3
    # The pattern's name, never the path: one series for every match id.
    assert added(route="match-replay", method="GET", status="404") == 1
    assert added(route="unmatched", method="GET", status="404") == 1
    assert added(route="match-list", method="other", status="401") == 1  # any method name is not a label
    assert added(route="metrics", method="GET", status="200") == 1  # the first scrape
    duration = (
        "tetris_history_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "match-list"), ("status", "401")),
    )
    assert after[duration] - before.get(duration, 0.0) == 3


@pytest.mark.parametrize(
    ("authorization", "status"),
    [
        (None, 401),
        (f"Bearer {TOKEN}x", 401),
        (f"Basic {TOKEN}", 401),
        (f"Bearer {TOKEN}", 200),
        (f"bearer {TOKEN}", 200),
    ],
)
def test_with_a_token_set_only_that_bearer_token_reads_the_metrics(db, settings, authorization, status):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_LOOPBACK_WITHOUT_TOKEN = True  # a token is the rule even where loopback is open
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = Client().get("/metrics", REMOTE_ADDR="127.0.0.1", **extra)
    assert response.status_code == status
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert b"tetris_history_" not in response.content


def test_with_a_token_it_reads_from_any_address_through_any_proxy(db, settings):
    settings.METRICS_TOKEN = TOKEN
    response = Client().get(
        "/metrics", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
    )
    assert response.status_code == 200 and b"tetris_history_http_requests_total" in response.content


def test_without_a_token_the_production_settings_answer_404_even_to_loopback(db, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_LOOPBACK_WITHOUT_TOKEN = False  # production's value (base settings)
    assert Client().get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_the_development_settings_open_metrics_to_loopback_only():
    from config.settings import base, local

    assert base.METRICS_LOOPBACK_WITHOUT_TOKEN is False
    assert local.METRICS_LOOPBACK_WITHOUT_TOKEN is True


@pytest.mark.parametrize(
    ("remote_addr", "headers", "trusted_proxies", "status"),
    [
        ("127.0.0.1", {}, 0, 200),
        ("::1", {}, 0, 200),
        ("192.0.2.1", {}, 0, 403),
        # A spoofed X-Forwarded-For: ignored with no trusted proxy, so the peer stays who it is.
        ("192.0.2.1", {"HTTP_X_FORWARDED_FOR": "127.0.0.1"}, 0, 403),
        # With a trusted proxy the client is who the proxy says: still not loopback.
        ("10.0.0.2", {"HTTP_X_FORWARDED_FOR": "127.0.0.1, 203.0.113.9"}, 1, 403),
        # A proxy on this host makes every remote client a loopback peer: any forwarding says so.
        ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, 0, 403),
        ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "127.0.0.1"}, 1, 403),
        ("127.0.0.1", {"HTTP_FORWARDED": "for=203.0.113.9"}, 0, 403),
        ("127.0.0.1", {"HTTP_X_REAL_IP": "203.0.113.9"}, 0, 403),
    ],
)
def test_without_a_token_development_answers_only_a_loopback_peer_that_came_through_no_proxy(
    db, settings, remote_addr, headers, trusted_proxies, status
):
    settings.METRICS_TOKEN = ""
    settings.METRICS_LOOPBACK_WITHOUT_TOKEN = True
    settings.TRUSTED_PROXY_COUNT = trusted_proxies
    response = Client().get("/metrics", REMOTE_ADDR=remote_addr, **headers)
    assert response.status_code == status
    if status == 403:
        assert b"METRICS_TOKEN" in response.content and b"tetris_history_" not in response.content


def test_metrics_answer_get_only_and_are_never_cached(db, settings):
    settings.METRICS_TOKEN = TOKEN
    auth = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
    assert Client().post("/metrics", **auth).status_code == 405
    assert "no-cache" in Client().get("/metrics", **auth)["Cache-Control"]
