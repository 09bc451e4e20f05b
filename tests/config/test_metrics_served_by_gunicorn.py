"""`GET /metrics` as production serves it: gunicorn with two workers and the deployment's configuration
(config/gunicorn.py), the production settings, METRICS_TOKEN set; one answer for both workers."""

from __future__ import annotations

import http.client
import shutil
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.parser import text_string_to_metric_families

from tests.config.gunicorn_process import ROOT, gunicorn_serving
from tests.support import subprocess_env

TOKEN = "gunicorn-metrics-token"
REQUESTS = 60
# What the traffic below is counted as.
MATCH_LIST_401 = {"route": "match-list", "method": "GET", "status": "401"}
STALE_COUNT = 1000


def get(port: int, path: str, **headers: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body


def requests_counted(exposition: str, labels: dict[str, str]) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == "tetris_history_http_requests_total" and sample.labels == labels
    )


def leave_a_previous_runs_counts(folder: Path, env: dict[str, str]) -> None:
    """A dead process's files in the folder, as a previous gunicorn would leave them."""
    count = (
        f"from telemetry.metrics import HTTP_REQUESTS\nHTTP_REQUESTS.labels(**{MATCH_LIST_401!r}).inc({STALE_COUNT})\n"
    )
    subprocess.run(
        [sys.executable, "-c", count], cwd=ROOT, env={**env, "PROMETHEUS_MULTIPROC_DIR": str(folder)}, check=True
    )
    assert list(folder.glob("counter_*.db"))


def scratch(parent: Path) -> Path:
    folder = parent / uuid.uuid4().hex
    folder.mkdir()
    return folder


def each_workers_count(folder: Path, scratch: Path) -> list[float]:
    """Each process's own count, read from its own file alone."""
    counts = []
    for file in sorted(folder.glob("counter_*.db")):
        alone = scratch / file.stem
        alone.mkdir()
        shutil.copy(file, alone / file.name)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=str(alone))
        counts.append(requests_counted(generate_latest(registry).decode(), MATCH_LIST_401))
    return counts


@pytest.mark.slow
def test_metrics_of_both_workers_in_one_answer_and_only_with_the_token(tmp_path, test_servers, django_db_setup):
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {
        **subprocess_env(),
        "NATS_URL": test_servers.nats.url,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "metrics-served-by-gunicorn-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
    }
    leave_a_previous_runs_counts(folder, env)
    with gunicorn_serving(env, workers=2) as port:
        # Batches of concurrent connections until both workers have taken some: the kernel hands each
        # connection to whichever worker accepts first, and one idle async worker can take a whole batch.
        sent = 0
        deadline = time.monotonic() + 60
        while True:
            with ThreadPoolExecutor(max_workers=8) as pool:
                statuses = list(pool.map(lambda _: get(port, "/api/matches")[0], range(REQUESTS)))
            assert statuses == [401] * REQUESTS
            sent += REQUESTS
            if len([count for count in each_workers_count(folder, scratch(tmp_path)) if count]) == 2:
                break
            assert time.monotonic() < deadline, f"one worker served all {sent} requests for 60 s"

        assert get(port, "/metrics")[0] == 401
        assert get(port, "/metrics", Authorization=f"Bearer {TOKEN}-not")[0] == 401
        # A spoofed forwarding header from loopback is no token.
        assert get(port, "/metrics", **{"X-Forwarded-For": "127.0.0.1"})[0] == 401
        status, exposition = get(port, "/metrics", Authorization=f"Bearer {TOKEN}")
        assert status == 200

        # The previous run's files were cleaned at start: exactly this run's requests, both workers'.
        assert requests_counted(exposition, MATCH_LIST_401) == sent
        workers = [count for count in each_workers_count(folder, scratch(tmp_path)) if count]
        assert len(workers) == 2, f"one worker served everything: {workers}"
        assert sum(workers) == sent
