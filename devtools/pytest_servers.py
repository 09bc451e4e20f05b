"""pytest plugin: start a real PostgreSQL and a real NATS JetStream server once per test session.

Loaded with ``-p devtools.pytest_servers`` (pyproject addopts). It wraps pytest-django's start-up so
the URLs are in the environment before Django reads its settings. The suite always runs its own
servers, in a temporary folder, because failure tests stop and restart them.

The 3-node NATS cluster of the cluster tests (tests/cluster/) is started only when the first test
that asks for it runs (the ``nats_cluster`` fixture), once per session: it costs seconds to start and
is never needed by the rest of the suite.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from devtools.embedded import EmbeddedNats, EmbeddedNatsCluster, EmbeddedPostgres


class TestServers:
    def __init__(self) -> None:
        # A short base path: PostgreSQL's Unix socket path must stay under 107 bytes.
        self.root = Path(tempfile.mkdtemp(prefix="th-test-", dir="/tmp"))
        self.postgres = EmbeddedPostgres(self.root / "pg")
        self.nats = EmbeddedNats(self.root / "nats")
        self.cluster: EmbeddedNatsCluster | None = None

    def started_cluster(self) -> EmbeddedNatsCluster:
        """The session's 3-node cluster, started on first use; every node running when it returns."""
        if self.cluster is None:
            self.cluster = EmbeddedNatsCluster(self.root / "cluster")
        for node in self.cluster.nodes:
            if not node.is_running():
                node.start()
        return self.cluster

    def start(self) -> None:
        os.environ["DATABASE_URL"] = self.postgres.start()
        os.environ["NATS_URL"] = self.nats.start()

    def stop(self) -> None:
        try:
            if self.cluster is not None:
                self.cluster.stop()
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


@pytest.fixture(scope="session")
def nats_cluster() -> EmbeddedNatsCluster:
    """The session's 3-node NATS cluster (replicas 3 possible, ``sync_interval: always``), started lazily."""
    assert servers is not None, "the devtools.pytest_servers plugin did not start the servers"
    return servers.started_cluster()
