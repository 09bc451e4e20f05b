"""Shared fixtures: the session's real servers (devtools/pytest_servers.py) and clean NATS state."""

from __future__ import annotations

import pytest

from devtools import pytest_servers


@pytest.fixture(scope="session")
def test_servers() -> pytest_servers.TestServers:
    assert pytest_servers.servers is not None, "the devtools.pytest_servers plugin did not start the servers"
    return pytest_servers.servers
