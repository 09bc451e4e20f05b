"""gunicorn on the benchmark's servers, and a keep-alive HTTP load generator with latency percentiles."""

from __future__ import annotations

import http.client
import multiprocessing
import os
import subprocess
import sys
import time

from bench.harness import ROOT, percentile
from devtools.embedded import free_port, port_is_open


class Gunicorn:
    def __init__(
        self, workers: int = 4, env: dict[str, str] | None = None, *, asgi: bool | None = None, root=None
    ) -> None:
        self.port = free_port()
        self.root = root or ROOT  # another checkout's code (bench live's baseline), on this one's packages
        self.workers = workers
        # The deployment's server (uvicorn workers, config/asgi.py) unless told otherwise; BENCH_WSGI=1
        # runs the sync workers, for the figures beside it (docs/development.md).
        self.asgi = os.environ.get("BENCH_WSGI") != "1" if asgi is None else asgi
        self.extra_env = env or {}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        from django.conf import settings

        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "bench-" + "k" * 40,
            "JWT_SIGNING_KEY": settings.SIMPLE_JWT["SIGNING_KEY"],
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url(),
            "NATS_URL": ",".join(settings.NATS_SERVERS),
            **self.extra_env,
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                *(["-k", "config.web_worker.UvicornWorker", "config.asgi"] if self.asgi else ["config.wsgi"]),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--log-level",
                "warning",
            ],
            cwd=self.root,
            env=env,
        )
        deadline = time.monotonic() + 30
        while not port_is_open(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc_info) -> None:
        assert self.process is not None
        self.process.terminate()
        self.process.wait(timeout=30)


def database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    host = db["OPTIONS"].get("host") or db["HOST"]
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@/{db['NAME']}?host={host}"


def load(port: int, paths: list[str], headers: dict[str, str], clients: int, seconds: float) -> dict:
    """``clients`` processes, each one keep-alive connection cycling through ``paths`` for ``seconds``.

    Processes, not threads: 8 client threads in one interpreter queue on its GIL, and that wait
    would be counted as the server's latency.
    """
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        started = time.perf_counter()
        results = pool.starmap(_client, [(port, paths, headers, clients, offset, seconds) for offset in range(clients)])
        elapsed = time.perf_counter() - started
    latencies = [latency for mine, _ in results for latency in mine]
    return {
        "requests": len(latencies),
        "errors": sum(failures for _, failures in results),
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
    }


def _client(
    port: int, paths: list[str], headers: dict[str, str], clients: int, offset: int, seconds: float
) -> tuple[list[float], int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, failures, index = [], 0, offset
    stop_at = time.perf_counter() + seconds
    while time.perf_counter() < stop_at:
        path = paths[index % len(paths)]
        index += clients
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 200:
            failures += 1
    connection.close()
    return latencies, failures
