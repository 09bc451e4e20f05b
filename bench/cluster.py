"""GAME_EVENTS on a 3-node cluster: replicas 3 against 1 under both fsync policies, the projector on R3
against R1, and how long publishing stays unacknowledged after the stream leader is SIGKILLed.

Every figure is measured in the same run beside its baseline (R1 on the same cluster). The machine's
two cores run all three nodes and the client: a real cluster spreads the nodes over machines, so the
R3 cost here includes CPU contention a production cluster does not have; read the ratios as an upper
bound of the replication cost, not as a forecast.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
from pathlib import Path

import nats
from django.conf import settings

from bench.consumers import _clear_matches, timed_run
from bench.events import realistic_matches, synthetic_match
from bench.harness import Row, match_messages
from devtools.embedded import EmbeddedNatsCluster
from history.projector import MatchProjector
from streaming.streams import ensure_stream
from streaming.world import NATS_UNAVAILABLE

WINDOW = 2000


async def _fresh_stream(urls: list[str], replicas: int) -> None:
    settings.GAME_EVENTS_REPLICAS = replicas
    deadline = time.monotonic() + 60
    while True:
        client = await nats.connect(urls)
        try:
            js = client.jetstream()
            with contextlib.suppress(Exception):
                await js.delete_stream("GAME_EVENTS")
            await ensure_stream(js)
            info = await js.stream_info("GAME_EVENTS")
            if replicas == 1 or (info.cluster and len(info.cluster.replicas or []) == replicas - 1):
                return
        except NATS_UNAVAILABLE:
            if time.monotonic() > deadline:
                raise
        finally:
            await client.close()
        await asyncio.sleep(0.5)


async def pipelined_publish(urls: list[str], replicas: int, messages: list[tuple[str, bytes, str | None]]) -> float:
    """Seconds to store ``messages`` pipelined in windows, every ack checked, into a fresh stream."""
    await _fresh_stream(urls, replicas)
    client = await nats.connect(urls)
    js = client.jetstream(publish_async_max_pending=WINDOW)
    started = time.perf_counter()
    for offset in range(0, len(messages), WINDOW):
        futures = [
            await js.publish_async(subject, payload, headers={"Nats-Msg-Id": msg_id} if msg_id else None)
            for subject, payload, msg_id in messages[offset : offset + WINDOW]
        ]
        await asyncio.gather(*futures)
    elapsed = time.perf_counter() - started
    await client.close()
    return elapsed


async def unacknowledged_after_leader_kill(cluster: EmbeddedNatsCluster) -> float:
    """Publish one event at a time; SIGKILL the stream leader; seconds until a publish is acknowledged again."""
    await _fresh_stream(cluster.urls, 3)
    client = await nats.connect(cluster.urls, max_reconnect_attempts=-1, reconnect_time_wait=0.1)
    js = client.jetstream()
    leader = (await js.stream_info("GAME_EVENTS")).cluster.leader
    for n in range(20):
        await js.publish("game.bench-kill.events", b'{"n": %d}' % n, timeout=2)
    killed = time.perf_counter()
    await asyncio.get_running_loop().run_in_executor(None, cluster.node(leader).kill)
    n = 20
    while True:
        try:
            await js.publish("game.bench-kill.events", b'{"n": %d}' % n, headers={"Nats-Msg-Id": f"k:{n}"}, timeout=0.5)
            break
        except NATS_UNAVAILABLE:
            await asyncio.sleep(0.05)
    gap = time.perf_counter() - killed
    await client.close()
    cluster.node(leader).start()
    return gap


def _projector_seconds(cluster: EmbeddedNatsCluster, replicas: int, matches) -> tuple[int, float]:
    settings.NATS_SERVERS = cluster.urls
    messages = list(match_messages(matches))
    asyncio.run(pipelined_publish(cluster.urls, replicas, messages))
    _clear_matches()
    return len(messages), timed_run(MatchProjector())


def run(servers, quick: bool) -> list[Row]:
    rows: list[Row] = []
    matches = realistic_matches(10 if quick else 40, rooms=10)
    messages = list(match_messages(matches))
    saved_servers, saved_replicas = settings.NATS_SERVERS, settings.GAME_EVENTS_REPLICAS
    try:
        for sync_always in (False, True):
            policy = "sync_interval: always" if sync_always else "default fsync"
            with tempfile.TemporaryDirectory(prefix="th-bench-cluster-", dir="/tmp") as root:
                cluster = EmbeddedNatsCluster(Path(root), sync_always=sync_always)
                cluster.start()
                try:
                    r1 = asyncio.run(pipelined_publish(cluster.urls, 1, messages))
                    r3 = asyncio.run(pipelined_publish(cluster.urls, 3, messages))
                    rows.append(
                        Row(
                            f"publishing to R3, {policy}",
                            f"{len(messages) / r3:,.0f}/s",
                            f"{len(messages) / r1:,.0f}/s R1 on the same cluster",
                            f"{r1 / r3:.2f}x",
                            "reported",
                            "reported",
                            {"events": len(messages), "r1_s": r1, "r3_s": r3},
                        )
                    )
                    if sync_always:
                        projected = [
                            (f"bench-room-{i % 20}", synthetic_match(f"bench-room-{i % 20}", i))
                            for i in range(100 if quick else 400)
                        ]
                        total, p1 = _projector_seconds(cluster, 1, projected)
                        _, p3 = _projector_seconds(cluster, 3, projected)
                        rows.append(
                            Row(
                                "projector on R3 (fsync always)",
                                f"{total / p3:,.0f} events/s",
                                f"{total / p1:,.0f} events/s on R1",
                                f"{p1 / p3:.2f}x",
                                "reported",
                                "reported",
                                {"events": total, "r1_s": p1, "r3_s": p3},
                            )
                        )
                        gaps = [
                            asyncio.run(unacknowledged_after_leader_kill(cluster)) for _ in range(1 if quick else 3)
                        ]
                        rows.append(
                            Row(
                                "stream leader SIGKILLed: publishing unacknowledged for",
                                f"{max(gaps):.2f} s worst of {len(gaps)}",
                                "0 s without a fault",
                                "-",
                                "reported",
                                "reported",
                                {"gaps_s": gaps},
                            )
                        )
                finally:
                    cluster.stop()
    finally:
        settings.NATS_SERVERS, settings.GAME_EVENTS_REPLICAS = saved_servers, saved_replicas
    return rows
