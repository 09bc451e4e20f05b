"""After an outage (issue 22): how soon the publisher stores its backlog and the projector projects again.

On a 3-node cluster at replicas 3 with ``sync_interval: always``: the same EventPublisher's steady
rate first (matches handed over with no fault, stored; the baseline), then two nodes SIGKILLed for
15 s while 100,000 events of whole matches are handed over, and restarted; then the same with all
three nodes killed together for 10 s. The stream's return is
the first ack to another client (tests/cluster/backlog.py); from there: the time to the backlog
stored, its drain rate against the steady rate (target >= 80 %), and the time to the projector's
first match row of the backlog, beside its first row after the steady publishing began.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

from bench.cluster import _fresh_stream
from bench.consumers import _clear_matches
from bench.events import synthetic_match
from bench.harness import Row, verdict
from devtools.embedded import EmbeddedNatsCluster
from history.models import Match
from history.projector import MatchProjector
from streaming.publisher import EventPublisher
from streaming.runner import ConsumerRunner
from tests.cluster.backlog import backlog_across_outage, steady_rate

BACKLOG_EVENTS = 100_000
EVENTS_PER_MATCH = 300
# (nodes killed, seconds down): two of three (no quorum, one server still answers), then all three.
OUTAGES = [(2, 15.0), (3, 10.0)]


def _matches(first: int, events: int) -> list[tuple[str, dict, str | None]]:
    items: list[tuple[str, dict, str | None]] = []
    index = first
    while len(items) < events:
        room = f"recovery-room-{index % 20}"
        items.extend((room, event, msg_id) for event, msg_id in synthetic_match(room, index))
        index += 1
    return items


class Projector:
    """The projector on a thread of its own, as `manage.py run_projector` runs it."""

    def __init__(self) -> None:
        self.runner = ConsumerRunner(MatchProjector())
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._main, daemon=True)

    def _main(self) -> None:
        self.loop.run_until_complete(self.runner.run(install_signal_handlers=False))

    def __enter__(self) -> Projector:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.loop.call_soon_threadsafe(self.runner.stop)
        self.thread.join(30)


class RowWatcher:
    """perf_counter() of the first match row past ``count`` rows, polled every 20 ms on a thread of its own."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.seen_at: float | None = None
        self._thread = threading.Thread(target=self._main, daemon=True)
        self._thread.start()

    def _main(self) -> None:
        try:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                if Match.objects.count() > self.count:
                    self.seen_at = time.perf_counter()
                    return
                time.sleep(0.02)
        finally:
            connection.close()

    def wait(self) -> float:
        self._thread.join(310)
        assert self.seen_at is not None, "the projector projected nothing"
        return self.seen_at


def measure(cluster: EmbeddedNatsCluster, killed: int, outage_seconds: float) -> dict[str, float]:
    settings.NATS_SERVERS = cluster.urls
    asyncio.run(_fresh_stream(cluster.urls, 3))
    _clear_matches()
    steady_items = _matches(0, 30_000)
    backlog = _matches(1_000, BACKLOG_EVENTS)
    publisher = EventPublisher(servers=cluster.urls, max_buffer=len(backlog) + len(steady_items) + 1, name="bench")
    try:
        with Projector():
            watcher = RowWatcher(0)
            began = time.perf_counter()
            steady = steady_rate(publisher, steady_items)
            steady_first_row = watcher.wait() - began
            steady_matches = Match.objects.count()  # projected so far; the rest land during the outage or after
            played = len({msg_id.rsplit(":", 1)[0] for _, _, msg_id in steady_items if msg_id})
            deadline = time.monotonic() + 120
            while Match.objects.count() < played and time.monotonic() < deadline:
                time.sleep(0.1)
            watcher = RowWatcher(Match.objects.count())
            recovery = backlog_across_outage(
                publisher,
                cluster.urls,
                cluster.nodes[:killed],
                backlog,
                steady=steady,
                outage_seconds=outage_seconds,
            )
            first_row_after_return = watcher.wait() - recovery.returned_at
    finally:
        publisher_ok = publisher.close(timeout=5)
    assert publisher_ok and publisher.stats.dropped == 0, publisher.stats
    return {
        "backlog": recovery.backlog,
        "steady_rate": steady,
        "drain_rate": recovery.drain_rate,
        "drain_seconds": recovery.drain_seconds,
        "allowed_seconds": recovery.allowed_seconds,
        "return_seconds": recovery.return_seconds,
        "outage_seconds": recovery.outage_seconds,
        "projector_first_row_s": first_row_after_return,
        "projector_first_row_steady_s": steady_first_row,
        "steady_matches_projected_before_outage": steady_matches,
    }


def run(servers, quick: bool) -> list[Row]:
    saved = settings.NATS_SERVERS, settings.GAME_EVENTS_REPLICAS
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="th-bench-recovery-", dir="/tmp") as root:
        cluster = EmbeddedNatsCluster(Path(root), sync_always=True)
        cluster.start()
        try:
            for killed, outage_seconds in OUTAGES:
                figures = measure(cluster, killed, outage_seconds)
                rows.extend(_rows(f"{killed} of 3 nodes down {outage_seconds:.0f} s", figures))
        finally:
            cluster.stop()
            settings.NATS_SERVERS, settings.GAME_EVENTS_REPLICAS = saved
    return rows


def _rows(outage: str, figures: dict[str, float]) -> list[Row]:
    ratio = figures["drain_rate"] / figures["steady_rate"]
    return [
        Row(
            f"publisher, {outage}, {figures['backlog']:,} events waiting: drain rate",
            f"{figures['drain_rate']:,.0f}/s, stored {figures['drain_seconds']:.1f} s after the stream's return",
            f"{figures['steady_rate']:,.0f}/s steady, same publisher and cluster",
            f"{ratio:.0%}",
            ">= 80 %",
            verdict(ratio >= 0.8),
            figures,
        ),
        Row(
            f"publisher, {outage}: backlog stored after the stream's return",
            f"{figures['drain_seconds']:.1f} s",
            f"{figures['allowed_seconds']:.1f} s = backlog / steady rate + 3 s",
            f"{figures['drain_seconds'] / figures['allowed_seconds']:.2f}x",
            "<= 1.00x",
            verdict(figures["drain_seconds"] <= figures["allowed_seconds"]),
            {},
        ),
        Row(
            f"projector, {outage}: first match of the backlog projected after the stream's return",
            f"{figures['projector_first_row_s']:.2f} s",
            f"{figures['projector_first_row_steady_s']:.2f} s to the first row with no fault",
            "-",
            "reported",
            "reported",
            {},
        ),
    ]
