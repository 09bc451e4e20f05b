"""A publisher's backlog across an outage of the cluster: built while the stream has no quorum, timed from its return.

The steady rate is the same publisher's, on the same cluster and stream, in the same run, with no
fault; the stream's return is when a publish of another client is first acknowledged (a fresh
connection an attempt, every 50 ms), so that the publisher's own reconnects are part of what is timed.
Used by tests/cluster/test_publisher_recovery.py and bench/recovery.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

import nats

from devtools.embedded import EmbeddedNats
from streaming.publisher import EventPublisher
from streaming.world import NATS_UNAVAILABLE

PROBE_SUBJECT = "game.recovery-probe.events"


@dataclass(frozen=True)
class Recovery:
    backlog: int  # events waiting when the stream returned
    steady_rate: float  # events/s the same publisher stored with no fault
    outage_seconds: float  # from the kill to the nodes' start
    return_seconds: float  # from the nodes' start to the stream's first ack
    drain_seconds: float  # from the stream's return to the backlog stored
    returned_at: float  # perf_counter() of the stream's return

    @property
    def drain_rate(self) -> float:
        return self.backlog / self.drain_seconds

    @property
    def allowed_seconds(self) -> float:
        """The issue's bound: the backlog at the steady rate, plus 3 s."""
        return self.backlog / self.steady_rate + 3.0


Items = Sequence[tuple[str, dict, str | None]]  # (room_id, event, msg_id)


def events(count: int, *, rooms: int = 8, start: int = 0) -> list[tuple[str, dict, str]]:
    """(room_id, event, msg_id) of ``count`` input events, about the size of a game's, spread over ``rooms``."""
    items = []
    for n in range(start, start + count):
        room = f"backlog-room-{n % rooms}"
        event = {"v": 1, "type": "input", "tick": n, "player_id": "p-1", "data": {"action": "left", "piece": "T"}}
        items.append((room, event, f"{room}:2026-12-06T10:00:00Z:{n}"))
    return items


def publish_all(publisher: EventPublisher, items: Items) -> None:
    for room, event, msg_id in items:
        assert publisher.publish(room, event, msg_id=msg_id)


def steady_rate(publisher: EventPublisher, items: Items) -> float:
    started = time.perf_counter()
    publish_all(publisher, items)
    assert publisher.flush(timeout=120), publisher.stats
    return len(items) / (time.perf_counter() - started)


async def _first_ack(urls: list[str], patience: float) -> float:
    deadline = time.monotonic() + patience
    n = 0
    while True:
        n += 1
        try:
            client = await nats.connect(urls, connect_timeout=0.5, allow_reconnect=False, max_reconnect_attempts=0)
        except Exception:  # refused, no servers, a handshake cut short: not back yet
            client = None
        if client is not None:
            try:
                await client.jetstream().publish(PROBE_SUBJECT, b"{}", timeout=0.5, headers={"Nats-Msg-Id": f"p{n}"})
                return time.perf_counter()
            except NATS_UNAVAILABLE:
                pass
            finally:
                await client.close()
        if time.monotonic() > deadline:
            raise AssertionError(f"the stream did not answer within {patience} s")
        await asyncio.sleep(0.05)


def stream_returns(urls: list[str], patience: float = 90.0) -> float:
    """perf_counter() when a publish to the stream is first acknowledged."""
    return asyncio.run(_first_ack(urls, patience))


def backlog_across_outage(
    publisher: EventPublisher,
    urls: list[str],
    down: Sequence[EmbeddedNats],
    items: Items,
    *,
    steady: float,
    outage_seconds: float,
) -> Recovery:
    """Kill ``down``, hand ``items`` to the publisher, restart them after ``outage_seconds``; time the drain."""
    killed = time.perf_counter()
    for node in down:
        node.kill()
    publish_all(publisher, items)
    time.sleep(max(0.0, outage_seconds - (time.perf_counter() - killed)))
    restarted = time.perf_counter()
    for node in down:
        node.start()
    returned = stream_returns(urls)
    assert publisher.flush(timeout=180), publisher.stats
    drained = time.perf_counter()
    return Recovery(
        backlog=len(items),
        steady_rate=steady,
        outage_seconds=restarted - killed,
        return_seconds=returned - restarted,
        drain_seconds=drained - returned,
        returned_at=returned,
    )
