"""pytest plugin: start a real PostgreSQL and a real NATS JetStream server once per test session.

Loaded with ``-p devtools.pytest_servers`` (pyproject addopts). It wraps pytest-django's start-up so
the URLs are in the environment before Django reads its settings. The suite always runs its own
servers, in a temporary folder, because failure tests stop and restart them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from devtools.embedded import EmbeddedNats, EmbeddedPostgres


class TestServers:
    def __init__(self) -> None:
        # A short base path: PostgreSQL's Unix socket path must stay under 107 bytes.
        self.root = Path(tempfile.mkdtemp(prefix="th-test-", dir="/tmp"))
        self.postgres = EmbeddedPostgres(self.root / "pg")
        self.nats = EmbeddedNats(self.root / "nats")

    def start(self) -> None:
        os.environ["DATABASE_URL"] = self.postgres.start()
        os.environ["NATS_URL"] = self.nats.start()

    def stop(self) -> None:
        try:
            self.nats.stop()
        finally:
            self.postgres.stop(mode="immediate")
            shutil.rmtree(self.root, ignore_errors=True)


servers: TestServers | None = None


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    global servers
    if servers is None and not hasattr(early_config, "workerinput"):
        servers = TestServers()
        servers.start()
    return (yield)


def pytest_unconfigure(config):
    global servers
    if servers is not None:
        servers.stop()
        servers = None
