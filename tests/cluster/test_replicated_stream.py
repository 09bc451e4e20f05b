"""setup_stream on the 3-node cluster: GAME_EVENTS at replicas 3, and an R1 stream moved to R3 in place."""

from __future__ import annotations

import contextlib
import io

import pytest
from django.core.management import call_command
from nats.js.api import StreamConfig
from nats.js.errors import NotFoundError

from streaming.streams import game_events_config
from tests.cluster.harness import on_cluster, replicas_current
from tests.support import wait_until


@pytest.fixture
def on_the_cluster(nats_cluster, settings):
    settings.NATS_SERVERS = nats_cluster.urls
    nats_cluster.start()

    async def delete(js):
        with contextlib.suppress(NotFoundError):
            await js.delete_stream(settings.GAME_EVENTS_STREAM)

    on_cluster(delete)
    return nats_cluster


def test_setup_stream_moves_an_r1_stream_to_r3_in_place_keeping_its_events(on_the_cluster, settings):
    settings.GAME_EVENTS_REPLICAS = 1

    async def create_and_fill(js):
        await js.add_stream(game_events_config())
        for n in range(50):
            await js.publish("game.room-r.events", b'{"n": %d}' % n, headers={"Nats-Msg-Id": f"room-r:t:{n}"})

    on_cluster(create_and_fill)
    settings.GAME_EVENTS_REPLICAS = 3
    out = io.StringIO()
    call_command("setup_stream", stdout=out)
    assert "GAME_EVENTS updated" in out.getvalue()
    assert "num_replicas: 1 -> 3" in out.getvalue()
    wait_until(replicas_current, timeout=60, interval=0.5)
    info = on_cluster(lambda js: js.stream_info(settings.GAME_EVENTS_STREAM))
    assert info.config.num_replicas == 3
    assert len(info.cluster.replicas) == 2
    assert (info.state.messages, info.state.first_seq, info.state.last_seq) == (50, 1, 50)
    again = io.StringIO()
    call_command("setup_stream", stdout=again)
    assert "GAME_EVENTS unchanged" in again.getvalue()


def test_setup_stream_creates_game_events_with_three_replicas(on_the_cluster, settings):
    settings.GAME_EVENTS_REPLICAS = 3
    call_command("setup_stream", stdout=io.StringIO())
    wait_until(replicas_current, timeout=60, interval=0.5)
    info = on_cluster(lambda js: js.stream_info(settings.GAME_EVENTS_STREAM))
    assert info.config.num_replicas == 3
    assert info.cluster.leader and {peer.name for peer in info.cluster.replicas} | {info.cluster.leader} == {
        "n1",
        "n2",
        "n3",
    }
    assert isinstance(info.config, StreamConfig)
