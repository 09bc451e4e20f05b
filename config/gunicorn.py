"""gunicorn's configuration (`gunicorn -c python:config.gunicorn config.wsgi`): its own and access
logs in LOG_FORMAT, like every other line, and one `/metrics` for all its workers (docs/operations.md).

gunicorn reads this before Django starts, so it reads LOG_FORMAT and PROMETHEUS_MULTIPROC_DIR from the
environment itself.
"""

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


def on_starting(server) -> None:
    """Name the metrics folder and empty it: a previous run's files would add a dead process's counts."""
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
