"""pytest plugin: start a real PostgreSQL and a real NATS JetStream server once per test session.

Loaded with ``-p devtools.pytest_servers`` (pyproject addopts). It wraps pytest-django's start-up so
the URLs are in the environment before Django reads its settings. The suite always runs its own
servers, in a temporary folder, because failure tests stop and restart them.

The 3-node NATS cluster of the cluster tests (tests/cluster/) is started only when the first test
that asks for it runs (the ``nats_cluster`` fixture), once per session: it costs seconds to start and
is never needed by the rest of the suite. The archive's SeaweedFS S3 server likewise (the
``archive_server`` fixture): only the tests of the archive pay its few seconds.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from devtools.embedded import EmbeddedNats, EmbeddedNatsCluster, EmbeddedPostgres, EmbeddedSeaweed


class TestServers:
    def __init__(self) -> None:
        # A short base path: PostgreSQL's Unix socket path must stay under 107 bytes.
        self.root = Path(tempfile.mkdtemp(prefix="th-test-", dir="/tmp"))
        self.postgres = EmbeddedPostgres(self.root / "pg")
        self.nats = EmbeddedNats(self.root / "nats")
        self.cluster: EmbeddedNatsCluster | None = None
        self.seaweed: EmbeddedSeaweed | None = None

    def started_seaweed(self) -> EmbeddedSeaweed:
        """The session's SeaweedFS (the archive's S3), started on first use and again after a test stopped it."""
        if self.seaweed is None:
            self.seaweed = EmbeddedSeaweed(self.root / "seaweedfs")
            # Any key does for the embedded server; subprocesses (an archiver under test) inherit these.
            os.environ.setdefault("AWS_ACCESS_KEY_ID", "embedded")
            os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "embedded")
        if not self.seaweed.is_running():
            os.environ["ARCHIVE_ENDPOINT_URL"] = self.seaweed.start()
        return self.seaweed

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
            if self.seaweed is not None:
                self.seaweed.stop(timeout=1.0)
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


@pytest.fixture(scope="session")
def archive_server() -> EmbeddedSeaweed:
    """The session's SeaweedFS S3 server (the archive's object store), started lazily."""
    assert servers is not None, "the devtools.pytest_servers plugin did not start the servers"
    return servers.started_seaweed()
