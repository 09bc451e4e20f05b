"""gunicorn started as production starts it, for tests that speak HTTP to the real process."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from devtools.embedded import free_port, port_is_open

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def gunicorn_serving(env: dict[str, str], *, workers: int = 1, asgi: bool = False) -> Iterator[int]:
    """Run gunicorn with the deployment's configuration on a free loopback port until the block ends;
    yield the port once it listens. ``asgi``: with the deployment's uvicorn workers (config.web_worker)
    and config.asgi, else the sync workers and config.wsgi."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn"]
    command += ["-k", "config.web_worker.UvicornWorker", "config.asgi"] if asgi else ["config.wsgi"]
    process = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 90  # a loaded machine starts Django slowly
        while not port_is_open(port):
            assert process.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not start within 90 s"
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
