"""gunicorn's configuration (`gunicorn -c python:config.gunicorn config.wsgi`): its own and access
logs in LOG_FORMAT, like every other line, and one `/metrics` for all its workers (docs/operations.md).

gunicorn reads this before Django starts, so it reads LOG_FORMAT and PROMETHEUS_MULTIPROC_DIR from the
environment itself.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path

from config.logging import gunicorn_logging_config

accesslog = "-"
logconfig_dict = gunicorn_logging_config(log_format=os.environ.get("LOG_FORMAT", "text"))

# prometheus-client's multiprocess mode: each worker writes its values to files in one folder and
# /metrics adds them up. Chosen in the master's on_starting, before any worker is forked, so that every
# worker (and Django's settings in it) sees the same folder; a temporary one when the environment names
# none. Not at import: importing this module must not change the importing process's environment.
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
_temporary_metrics_dirs: list[Path] = []


# gunicorn refuses some requests before Django sees them, with a page of HTML: a request line over
# limit_request_line (4,094 bytes: a URL of about 4 KB) is a 414, a header over
# limit_request_field_size (8,190 bytes) or more than limit_request_fields (100) headers a 431, and a
# malformed request a 400. Its defaults are kept (they bound what a worker holds in memory for a
# request it has not yet parsed); the answers become JSON like every other (docs/api.md). The uvicorn
# workers the deployment runs apply the same three settings themselves (config/web_worker.py).
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190


def json_error_bytes(status: int, reason: str, message: str) -> bytes:
    """The whole answer to a request refused before Django saw it: JSON like every other answer, and the
    connection closed. gunicorn's sync workers send it (write_json_error), and so do the uvicorn workers'
    limits (config/web_worker.py)."""
    body = json.dumps({"detail": f"{reason}: {message}" if message else f"{reason}."}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin1") + body


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's util.write_error, answering JSON instead of HTML."""
    from gunicorn import util

    util.write_nonblock(sock, json_error_bytes(status_int, reason, mesg))


def on_starting(server) -> None:
    """Name the metrics folder and empty it: a previous run's files would add a dead process's counts.

    And have gunicorn's own error answers written as JSON: its workers call util.write_error, which
    has no setting of its own; set here in the master, before any worker is forked, and not at import.
    """
    from gunicorn import util

    util.write_error = write_json_error
    named = os.environ.get(MULTIPROC_DIR, "").strip()
    if not named:
        named = tempfile.mkdtemp(prefix="tetris-history-metrics-")
        _temporary_metrics_dirs.append(Path(named))
    os.environ[MULTIPROC_DIR] = named
    folder = Path(named)
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.iterdir():
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()


def child_exit(server, worker) -> None:
    """A worker that exited keeps its counts (counters only grow) but leaves the live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, path=os.environ[MULTIPROC_DIR])


def on_exit(server) -> None:
    for folder in _temporary_metrics_dirs:
        shutil.rmtree(folder, ignore_errors=True)
