"""The live routes' tests speak to gunicorn running uvicorn's workers (config/asgi.py), as deployed, on the
session's PostgreSQL and NATS."""

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
def asgi_serving(env: dict[str, str], *, workers: int = 1) -> Iterator[tuple[int, subprocess.Popen]]:
    """gunicorn -k config.web_worker.UvicornWorker config.asgi on a free port until the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn"]
    command += ["-k", "config.web_worker.UvicornWorker"]
    process = subprocess.Popen(
        [*command, "config.asgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--graceful-timeout", "5"],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 90
        while not port_is_open(port):
            assert process.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn did not start within 90 s"
            time.sleep(0.2)
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=30)
