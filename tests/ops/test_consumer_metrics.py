"""The consumers' own `/metrics` ports (docs/operations.md), scraped from real processes after real traffic.

The projector and the detector run as the processes operators run (`manage.py run_projector`,
`run_moment_detector`) on a stream a simulation filled, plus one message that is not JSON; what their
ports report is compared with what they wrote: rows, poison records, stored moments.
"""

from __future__ import annotations

import asyncio
import io
import json
import signal
import socket
import subprocess
import sys
import urllib.request
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from nats.js.api import AckPolicy, ConsumerConfig
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from history.models import Match
from streaming.connection import connect
from streaming.metrics_server import poll_lag
from streaming.models import PoisonEvent
from streaming.stream_reads import read_subject
from tests.moments.test_consumer import EPOCH
from tests.ops.test_json_logs import free_port
from tests.support import publish_raw, run_async, stored_game_events, subprocess_env, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PREFIX = "tetris_history_"


def scrape(port: int) -> dict[tuple[str, frozenset], float]:
    """Every sample the port serves, by (name without the prefix, labels)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    return {
        (sample.name.removeprefix(PREFIX), frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def settled(samples: dict, durable: str, outcome: str) -> float:
    return samples.get(("consumer_messages_total", frozenset({("consumer", durable), ("outcome", outcome)})), -1)


def scrape_or_empty(port: int) -> dict:
    try:
        return scrape(port)
    except OSError:  # not listening yet
        return {}


def stored_moment_types() -> Counter:
    async def read():
        client = await connect("test-reader", retry_forever=False)
        try:
            return Counter([json.loads(m.data)["type"] async for m in read_subject(client, "game.*.moments", EPOCH)])
        finally:
            await client.close()

    return asyncio.run(read())


class Process:
    """A management command in a subprocess, stopped with SIGTERM (then killed) on leaving."""

    def __init__(self, args: list[str], env: dict[str, str], log_path) -> None:
        with open(log_path, "ab") as log:
            self.popen = subprocess.Popen([sys.executable, "manage.py", *args], env=env, stdout=log, stderr=log)

    def __enter__(self) -> Process:
        return self

    def __exit__(self, *exc_info) -> None:
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=30)
        finally:
            if self.popen.poll() is None:
                self.popen.kill()


def test_the_projector_and_the_detector_ports_count_what_they_wrote(stream, tmp_path):
    call_command("simulate", rooms=3, matches=2, players=2, seed="15", stdout=io.StringIO(), stderr=io.StringIO())
    publish_raw([("game.poison-room.events", b"not json", None)])
    events = len(stored_game_events())
    projector_port, detector_port = free_port(), free_port()
    env = {
        **subprocess_env(),
        "PROJECTOR_METRICS_PORT": str(projector_port),
        "DETECTOR_METRICS_PORT": str(detector_port),
    }
    with (
        Process(["run_projector"], env, tmp_path / "projector.log"),
        Process(["run_moment_detector"], env, tmp_path / "detector.log"),
    ):
        for port, durable in ((projector_port, "match-projector"), (detector_port, "key-moment-detector")):
            wait_until(
                lambda port=port, durable=durable: (
                    settled(samples := scrape_or_empty(port), durable, "ack") + settled(samples, durable, "term")
                    == events
                ),
                timeout=120,
                interval=0.2,
            )
        projector = scrape(projector_port)
        detector = scrape(detector_port)

    assert Match.objects.count() == 6
    assert projector[("matches_projected_total", frozenset())] == Match.objects.count()
    assert (
        settled(projector, "match-projector", "term")
        == 1
        == PoisonEvent.objects.filter(consumer="match-projector").count()
    )
    assert projector[("poison_events_total", frozenset({("consumer", "match-projector")}))] == 1
    assert settled(projector, "match-projector", "nak") == 0
    assert projector[("consumer_batch_seconds_count", frozenset({("consumer", "match-projector")}))] >= 1
    assert projector[("consumer_last_ack_timestamp_seconds", frozenset({("consumer", "match-projector")}))] > 0

    stored = stored_moment_types()
    assert sum(stored.values()) > 0
    published = {
        dict(labels)["type"]: value for (name, labels), value in detector.items() if name == "moments_published_total"
    }
    assert published == stored
    assert detector[("detector_live_matches", frozenset())] == 0  # every match ended
    # The same poison, terminated and recorded by the detector too (docs/operations.md: both consumers).
    assert settled(detector, "key-moment-detector", "term") == 1
    assert PoisonEvent.objects.filter(consumer="key-moment-detector").count() == 1
    assert detector[("poison_events_total", frozenset({("consumer", "key-moment-detector")}))] == 1
    assert detector[("matches_projected_total", frozenset())] == 0  # each port: its own process's values


def test_the_lag_gauges_are_the_consumer_infos(stream):
    """A durable nobody consumes, with messages waiting: the gauges read what its info says."""
    durable = "test-lagging-consumer"
    publish_raw([(f"game.lag-room-{index}.events", b"{}", None) for index in range(7)])

    async def poll_once() -> object:
        client = await connect("test-lag", retry_forever=False)
        js = client.jetstream()
        try:
            await js.add_consumer(
                stream, ConsumerConfig(durable_name=durable, ack_policy=AckPolicy.EXPLICIT, filter_subject="game.>")
            )
            stopping = asyncio.Event()
            polling = asyncio.create_task(poll_lag(durable, lambda: js.consumer_info(stream, durable), stopping))
            await asyncio.sleep(0.5)
            stopping.set()
            await polling
            return await js.consumer_info(stream, durable)
        finally:
            await client.close()

    info = run_async(poll_once())
    assert info.num_pending == 7
    labels = {"consumer": durable}
    assert REGISTRY.get_sample_value(f"{PREFIX}consumer_pending_messages", labels) == info.num_pending
    assert REGISTRY.get_sample_value(f"{PREFIX}consumer_ack_pending_messages", labels) == info.num_ack_pending


@pytest.mark.parametrize(
    ("command", "setting"),
    [("run_projector", "PROJECTOR_METRICS_PORT"), ("run_moment_detector", "DETECTOR_METRICS_PORT")],
)
def test_a_metrics_port_in_use_stops_the_consumer_at_start_naming_the_setting(stream, command, setting):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "manage.py", command],
            env={**subprocess_env(), setting: str(port)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert setting in result.stderr
    assert str(port) in result.stderr


def test_simulate_takes_its_metrics_port_as_a_flag_and_names_it_when_the_port_is_in_use(stream):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError) as refusal:
            call_command("simulate", "--metrics-port", str(port), "--rooms", "1", "--matches", "1")
    assert "--metrics-port" in str(refusal.value)
    assert str(port) in str(refusal.value)
