"""pytest plugin: start a real PostgreSQL and a real NATS JetStream server once per test session.

Loaded with ``-p devtools.pytest_servers`` (pyproject addopts). It wraps pytest-django's start-up so
the URLs are in the environment before Django reads its settings. The suite always runs its own
servers, in a temporary folder, because failure tests stop and restart them.

The 3-node NATS cluster of the cluster tests (tests/cluster/) is started only when the first test
that asks for it runs (the ``nats_cluster`` fixture), once per session: it costs seconds to start and
is never needed by the rest of the suite. The archive's SeaweedFS S3 server likewise (the
``archive_server`` fixture): only the tests of the archive pay its few seconds.


Under pytest-xdist (``-n 3``, as ``dev.py test`` runs the suite) every worker starts servers of its
own and the controller, which runs no test, starts none: the failure tests stop and restart NATS and
PostgreSQL, which must not pull the ground from under the other worker's tests.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from devtools.embedded import EmbeddedNats, EmbeddedNatsCluster, EmbeddedPostgres
from devtools.embedded_seaweed import EmbeddedSeaweed


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
        _without_fsync(os.environ["DATABASE_URL"])
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


def _without_fsync(url: str) -> None:
    """The test server flushes nothing to the disk: a throwaway database in a temporary folder.

    Every transactional test ends with a TRUNCATE of every table, and each of those waited on fsync;
    a restart in a test is a clean shutdown, which writes everything out all the same.
    """
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            connection.execute(f"ALTER SYSTEM SET {setting} = off")
        connection.execute("SELECT pg_reload_conf()")


servers: TestServers | None = None


def _xdist_controller(config) -> bool:
    """Whether this process only hands tests to pytest-xdist workers (``-n N``, N > 0) and runs none."""
    if os.environ.get("PYTEST_XDIST_WORKER") or hasattr(config, "workerinput"):  # a worker (the first is
        return False  # set before the worker's configuration is read, the second only after)
    options = getattr(config, "known_args_namespace", None)
    return bool(getattr(options, "numprocesses", None)) and getattr(options, "dist", "load") != "no"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    global servers
    if servers is None and not _xdist_controller(early_config):
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


CLUSTER_GROUP = "nats-cluster"


def _group(item: pytest.Item) -> str | None:
    """The xdist group of ``item``: tests that share something costly to make run on one worker.

    The cluster tests share the session's 3-node cluster (two clusters at once would not fit on two
    cores); tests that use a module's or a class's fixture (a browser journey, a gunicorn server, 100
    bot games) share it, which they would not if pytest-xdist spread them over both workers.
    """
    fixtures = getattr(item, "_fixtureinfo", None)
    if fixtures is None:
        return None
    if "nats_cluster" in fixtures.name2fixturedefs:
        return CLUSTER_GROUP
    for definitions in fixtures.name2fixturedefs.values():
        for definition in definitions:
            home = definition.baseid.split("::")[0]
            if definition.scope != "function" and home.endswith(".py"):
                return home
    return None


def _suffix_group(config, item: pytest.Item, group: str) -> None:
    """Give a worker's test the node id ``<id>@<group>`` that pytest-xdist's loadgroup schedules by.

    pytest-xdist 3.8 does it by setting ``item._nodeid``, which pytest 9.2 no longer reads (a node's
    id is its ``_id``): every group was spread over both workers, each starting a 3-node cluster and
    recording every browser journey. The same suffix, set where pytest reads it.
    """
    suffixed = f"{item.nodeid}@{group}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not (worker and config.getvalue("loadgroup")) or item.nodeid.endswith(f"@{group}"):
        return
    try:
        from _pytest.nodes import coerce_node_id
    except ImportError:  # a pytest that still reads _nodeid, where pytest-xdist's own suffix works
        return
    item._id = coerce_node_id(suffixed)
    assert item.nodeid == suffixed, (item.nodeid, suffixed)


def _transactional(item: pytest.Item) -> bool:
    """Whether ``item`` runs on a real, committed database (consumers, processes), emptied after it."""
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return True
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups (it suffixes the node ids)
def pytest_collection_modifyitems(config, items):
    grouped = {}
    for item in items:
        group = _group(item)
        if group is not None:
            if config.pluginmanager.hasplugin("xdist"):
                item.add_marker(pytest.mark.xdist_group(group))
                _suffix_group(config, item, group)
            grouped[item] = group
        # Left out of dev.py test --quick with the tests marked slow by hand: what shares something
        # costly, and what runs consumers or processes on a committed database (each emptied after).
        if group is not None or _transactional(item):
            item.add_marker(pytest.mark.slow)
        if group == CLUSTER_GROUP:
            item.add_marker(pytest.mark.cluster)
    if config.getoption("dist", None) == "loadgroup":
        # The longest units of work first (the cluster's group, the other groups, then the tests marked
        # slow), while the many short tests can still fill the other worker, instead of being left for
        # the end. dev.py test passes --no-loadscope-reorder, so xdist keeps this order.
        items.sort(
            key=lambda item: (
                grouped.get(item) != CLUSTER_GROUP,
                item not in grouped,
                item.get_closest_marker("slow") is None,
            )
        )
