"""bench live's other question (issue 28): do open live streams slow the publisher and the consumers?

The same work is timed with no viewer (before the viewers connect, and again after they have gone)
and with the viewers attached while their rooms play on, in the same run on the same servers: the
EventPublisher's rate on a batch of matches of other rooms, then the projector's and the moment
detector's rates on that backlog. In every phase a room plays at the benchmark's pace beside it (the
viewers' rooms while they watch, an unwatched room otherwise), so that the viewers are the only
difference.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from streaming.runner import ConsumerRunner

LOAD_ROOMS = 20
# Each phase's rates are the best of this many rounds (each on matches of its own): on a shared machine
# a round's rate falls with whatever else runs then, never rises above what the code does.
ROUNDS = 2


async def publish_paced(items: list[tuple[str, dict, str]], rate: float) -> list[tuple[str, int, float]]:
    """Publish (room, event, msg_id) at ``rate`` events a second; each room, stored sequence and ack time."""
    from streaming.connection import connect

    client = await connect("live-bench", retry_forever=False)
    js = client.jetstream()
    stored = []
    started = time.perf_counter()
    for n, (room, event, msg_id) in enumerate(items):
        due = started + n / rate
        if due > time.perf_counter():
            await asyncio.sleep(due - time.perf_counter())
        ack = await js.publish(f"game.{room}.events", json.dumps(event).encode(), headers={"Nats-Msg-Id": msg_id})
        stored.append((room, ack.seq, time.time()))
    await client.close()
    return stored


def _play(items: list[tuple[str, dict, str]], rate: float) -> None:
    asyncio.run(publish_paced(items, rate))


@contextmanager
def playing(items: list[tuple[str, dict, str]], rate: float) -> Iterator[None]:
    """``items`` published at ``rate`` by a process of its own for as long as the block runs (it stops
    where it is at the end: what is left of the match is never published)."""
    process = multiprocessing.get_context("fork").Process(target=_play, args=(items, rate), daemon=True)
    process.start()
    try:
        yield
    finally:
        process.terminate()
        process.join(timeout=10)


def warm_up() -> None:
    """Each consumer run once until caught up: its durable made and the stream's backlog so far consumed,
    so that every timed phase starts from the same place."""
    from history.projector import MatchProjector
    from moments.consumer import MomentDetector

    for consumer in (MatchProjector(), MomentDetector()):
        runner = ConsumerRunner(consumer, stop_when_idle=True)
        asyncio.run(runner.run(install_signal_handlers=False))


def throughput(tag: str, matches: int, nats_pid: int | None = None) -> dict:
    """The best of ROUNDS rounds of ``_round``, rate by rate; with ``nats_pid``, nats-server's CPU over
    the rounds per thousand events they published (whether the viewers' subscriptions cost it more)."""
    cpu_before, events = _cpu_seconds(nats_pid), 0
    rounds = []
    for n in range(ROUNDS):
        rounds.append(_round(f"{tag}{n}-{uuid.uuid4().hex[:8]}", matches))
        events += rounds[-1]["events"]
    best = {key: max(found[key] for found in rounds) for key in rounds[0]}
    if nats_pid:
        best["nats_cpu_ms_per_1000_events"] = (_cpu_seconds(nats_pid) - cpu_before) / events * 1e6
    return best


def _cpu_seconds(pid: int | None) -> float:
    """User and system CPU time of a process so far (/proc/PID/stat, clock ticks)."""
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _round(tag: str, matches: int) -> dict:
    """The publisher's events/s on ``matches`` four-player matches (about 300 events each) of rooms no one
    watches, then the projector's and the detector's rates on that backlog (plus what the playing room
    added since their last run): each consumer runs until it has processed its backlog as it stood
    when it started. Run while a room plays (``playing``): a consumer is never idle, so it is stopped
    on the count rather than on being caught up."""
    from bench.events import synthetic_match
    from history.models import Match
    from history.projector import MatchProjector
    from moments.consumer import MomentDetector
    from streaming.publisher import EventPublisher

    rooms = [f"live-load-{tag}-{n}" for n in range(LOAD_ROOMS)]
    items = [
        (rooms[i % LOAD_ROOMS], event, msg_id)
        for i in range(matches)
        for event, msg_id in synthetic_match(rooms[i % LOAD_ROOMS], i)
    ]
    publisher = EventPublisher(window=2000)
    publisher.start()
    started = time.perf_counter()
    for room, event, msg_id in items:
        publisher.publish(room, event, msg_id=msg_id)
    assert publisher.flush(timeout=600)
    published = time.perf_counter() - started
    publisher.close()
    recorded = Match.objects.count()
    projector = asyncio.run(_consume(MatchProjector()))
    projected = Match.objects.count() - recorded
    detector = asyncio.run(_consume(MomentDetector()))
    return {
        "events": len(items),
        "publisher_events_per_second": len(items) / published,
        "projector_events_per_second": projector[0] / projector[1],
        "projector_matches_per_second": projected / projector[1],
        "detector_events_per_second": detector[0] / detector[1],
    }


async def _consume(consumer) -> tuple[int, float]:
    """Messages processed and seconds taken by ``consumer``'s runner to work through its backlog."""
    from django.conf import settings

    from streaming.connection import connect

    client = await connect("live-bench-info", retry_forever=False)
    info = await client.jetstream().consumer_info(settings.GAME_EVENTS_STREAM, consumer.durable)
    await client.close()
    runner = _CountingRunner(consumer, info.num_pending + info.num_ack_pending)
    started = time.perf_counter()
    task = asyncio.ensure_future(runner.run(install_signal_handlers=False))
    through = asyncio.ensure_future(runner.through.wait())
    await asyncio.wait([task, through], return_when=asyncio.FIRST_COMPLETED)
    elapsed = time.perf_counter() - started
    through.cancel()
    runner.stop()
    await task
    return runner.processed, elapsed


class _CountingRunner(ConsumerRunner):
    """The runner with ``through`` set once it has processed ``backlog`` messages."""

    def __init__(self, consumer, backlog: int) -> None:
        self.backlog = backlog
        self.through = asyncio.Event()
        self._processed = 0
        super().__init__(consumer)

    @property
    def processed(self) -> int:
        return self._processed

    @processed.setter
    def processed(self, value: int) -> None:
        self._processed = value
        if value >= self.backlog:
            self.through.set()


def rows(label: str, phases: dict[str, dict], row_type) -> list:
    """One row per rate: without viewers (before, after) beside with them, and the ratio to the mean of
    the two without."""
    figures = [
        ("publisher (EventPublisher)", "publisher_events_per_second", "events/s"),
        ("projector", "projector_matches_per_second", "matches/s"),
        ("projector", "projector_events_per_second", "events/s"),
        ("moment detector", "detector_events_per_second", "events/s"),
    ]
    made = []
    for name, key, unit in figures:
        without = [phases["before"][key], phases["after"][key]]
        alone = sum(without) / 2
        watched = phases["with"][key]
        made.append(
            row_type(
                f"live: {name} with {label} watching",
                f"{watched:,.0f} {unit} with viewers",
                f"{without[0]:,.0f} before, {without[1]:,.0f} after, no viewers",
                f"{watched / alone:.0%}",
                "unchanged within noise",
                "reported",
                {"key": key, **{phase: values[key] for phase, values in phases.items()}},
            )
        )
    if "nats_cpu_ms_per_1000_events" in phases["with"]:
        cpu = {phase: values["nats_cpu_ms_per_1000_events"] for phase, values in phases.items()}
        with_viewers = phases["with"]
        made.append(
            row_type(
                f"live: CPU beside the load with {label} watching",
                f"nats-server {cpu['with']:.0f} ms per 1,000 events with viewers; web workers "
                f"{with_viewers['web_workers_cpu_share']:.2f}, viewers' clients "
                f"{with_viewers['viewer_clients_cpu_share']:.2f} of a core",
                f"nats-server {cpu['before']:.0f} before, {cpu['after']:.0f} after, no viewers",
                f"{cpu['with'] / ((cpu['before'] + cpu['after']) / 2):.0%}",
                "reported",
                "reported",
                cpu,
            )
        )
    return made
