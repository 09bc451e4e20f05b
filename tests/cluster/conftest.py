"""The session's 3-node cluster as each cluster test starts it: settings pointed at it, every node up,
a fresh GAME_EVENTS at replicas 3; afterwards whatever the test left down comes back, replicas current."""

from __future__ import annotations

import pytest

from tests.cluster.harness import fresh_replicated_stream, replicas_current
from tests.support import wait_until


@pytest.fixture
def replicated_cluster(nats_cluster, settings):
    settings.NATS_SERVERS = nats_cluster.urls
    settings.GAME_EVENTS_REPLICAS = 3
    nats_cluster.start()
    fresh_replicated_stream()
    yield nats_cluster
    nats_cluster.start()  # whatever a test left down comes back for the next one
    wait_until(replicas_current, timeout=60, interval=0.5)
