"""bench live's other question (issue 28): do open live streams slow the publisher and the consumers?

The same work is timed with no viewer (before the viewers connect, and again after they have gone)
and with the viewers attached while their rooms play on, in the same run on the same servers: the
EventPublisher's rate on a batch of matches of other rooms, then the projector's and the moment
detector's rates on that backlog. In every phase a room plays at the benchmark's pace beside it (the
viewers' rooms while they watch, an unwatched room otherwise), so that the viewers are the only
difference.

Each phase is timed twice, in two placements (`PLACEMENTS`), both printed:

- ``shared``: every process on every core, as the machine schedules them. On a 2-core machine this
  answers "what do a thousand viewers on the same box cost the pipeline": the web workers and the
  viewers' clients (0.3-0.8 of a core) take CPU from the publisher, nats-server, PostgreSQL and the
  consumers, which a deployment does not share with its viewers' browsers, and rarely with its web
  processes at full load.
- ``pinned``: the web process and the viewers' clients on one core, the publisher, the consumers,
  nats-server and PostgreSQL on the others (``os.sched_setaffinity``, every thread; in the phases
  without viewers too, so that only the viewers differ). What is left is what serving viewers costs
  the pipeline itself: nats-server's deliveries to the web workers' subscriptions, their reads, and
  whatever the shared servers do for the web process. The machine's other work still runs on both
  cores (a benchmark box shared with other jobs: both placements are timed in the same run, one
  after the other).
"""

from __future__ import annotations

import asyncio
import contextlib
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
# How each phase is timed (the module's docstring): all processes on all cores, then the web side
# (web process and viewers' clients) pinned apart from the pipeline (publisher, consumers, NATS, PostgreSQL).
PLACEMENTS = ("shared", "pinned")


def cores() -> tuple[set[int], set[int]] | None:
    """The web side's core and the pipeline's, of those this process may use; None on a single core."""
    usable = sorted(os.sched_getaffinity(0))
    if len(usable) < 2:
        return None
    return {usable[0]}, set(usable[1:])


def family(pid: int) -> list[int]:
    """``pid`` and its descendants (a gunicorn master's workers, PostgreSQL's backends)."""
    found, queue = [], [pid]
    while queue:
        each = queue.pop()
        found.append(each)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{each}/task"):
                with open(f"/proc/{each}/task/{task}/children") as children:
                    queue.extend(int(child) for child in children.read().split())
    return found


def _pin(pids: list[int], cpus: set[int]) -> None:
    """Every thread of every process of ``pids`` on ``cpus`` (an affinity is a thread's own; threads
    and processes made later inherit their maker's)."""
    for pid in pids:
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{pid}/task"):
                with contextlib.suppress(OSError):
                    os.sched_setaffinity(int(task), cpus)


@contextmanager
def placed(placement: str, web_side: list[int], pipeline: list[int]) -> Iterator[None]:
    """The block run in ``placement``: ``shared`` as it is, ``pinned`` with the ``web_side`` processes on
    one core and the ``pipeline`` ones on the others (this process among them: what it forks meanwhile
    inherits it), every one back on all of them afterwards."""
    split = cores() if placement == "pinned" else None
    if split is None:
        yield
        return
    usable = os.sched_getaffinity(0)
    _pin(web_side, split[0])
    _pin(pipeline, split[1])
    try:
        yield
    finally:
        _pin(web_side + pipeline, usable)


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


# The projector and the moment detector of the run, made by ``warm_up`` and kept through every phase, as
# long-running processes are. A fresh detector each round (before December 7) met the rooms playing
# beside the phase mid-match and rebuilt each from its game_start by direct gets; the viewers' rooms had
# started before every phase, the unwatched rooms at their own phase's start, so the phases with viewers
# (and after them: the viewers' rooms' game_ends) read far more of the stream: 648 direct gets for 6,949
# messages against 348 for 1,648 (nats-server's monitoring, one quick run), a third of nats-server's extra
# CPU then, and the detector's rate, which the viewers had no part in.
_CONSUMERS: list = []


def warm_up() -> None:
    """The projector and the detector made and run once until caught up: their durables made and the
    stream's backlog so far consumed (the viewers' rooms' game_starts among it), so that every timed phase
    starts from the same place, with the same consumers."""
    from history.projector import MatchProjector
    from moments.consumer import MomentDetector

    _CONSUMERS[:] = [MatchProjector(), MomentDetector()]
    for consumer in _CONSUMERS:
        runner = ConsumerRunner(consumer, stop_when_idle=True)
        asyncio.run(runner.run(install_signal_handlers=False))


def throughput(tag: str, matches: int, nats_pid: int | None = None, pipeline: list[int] = ()) -> dict:
    """The best of ROUNDS rounds of ``_round``, rate by rate; with ``nats_pid``, nats-server's CPU over
    the rounds per thousand events they published (whether the viewers' subscriptions cost it more);
    with ``pipeline``, the CPU of all of it (this process's publisher and consumers, nats-server,
    PostgreSQL) per thousand events: the work they did, whatever the CPU they waited for. A rate that
    falls while this holds fell for want of CPU, not for more work."""
    cpu_before, events = _cpu_seconds(nats_pid), 0
    pipeline_before = sum(map(_cpu_seconds, pipeline))
    rounds = []
    for n in range(ROUNDS):
        rounds.append(_round(f"{tag}{n}-{uuid.uuid4().hex[:8]}", matches))
        events += rounds[-1]["events"]
    best = {key: max(found[key] for found in rounds) for key in rounds[0]}
    if nats_pid:
        best["nats_cpu_ms_per_1000_events"] = (_cpu_seconds(nats_pid) - cpu_before) / events * 1e6
    if pipeline:
        best["pipeline_cpu_ms_per_1000_events"] = (sum(map(_cpu_seconds, pipeline)) - pipeline_before) / events * 1e6
    return best


def pipeline_pids(servers) -> list[int]:
    """This process (the publisher and the consumers run in it), nats-server, PostgreSQL and its backends."""
    found = [os.getpid()]
    for pid_file in (servers.nats.pid_file, servers.postgres.data_dir / "postmaster.pid"):
        if pid_file.exists():
            found += family(int(pid_file.read_text().split()[0]))
    return found


def _cpu_seconds(pid: int | None) -> float:
    """User and system CPU time of a process so far (/proc/PID/stat, clock ticks); 0 once it is gone."""
    if not pid:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _round(tag: str, matches: int) -> dict:
    """The publisher's events/s on ``matches`` four-player matches (about 300 events each) of rooms no one
    watches, then the projector's and the detector's rates on that backlog (plus what the playing room
    added since their last run): each consumer runs until it has processed its backlog as it stood
    when it started. Run while a room plays (``playing``): a consumer is never idle, so it is stopped
    on the count rather than on being caught up."""
    from bench.events import synthetic_match
    from history.models import Match
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
    projector = asyncio.run(_consume(_CONSUMERS[0]))
    projected = Match.objects.count() - recorded
    detector = asyncio.run(_consume(_CONSUMERS[1]))
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


# What each placement's rows say of themselves (the reason in the module's docstring).
PLACEMENT_NOTES = {
    "shared": "all processes on all cores: the viewers' CPU is taken from the pipeline's",
    "pinned": "web process and viewers' clients on one core, publisher, consumers, NATS, PostgreSQL on the "
    "other: what serving viewers costs the pipeline itself",
}


def rows(label: str, placement: str, phases: dict[str, dict], row_type) -> list:
    """One row per rate: without viewers (before, after) beside with them, and the ratio to the mean of
    the two without."""
    figures = [
        ("publisher (EventPublisher)", "publisher_events_per_second", "events/s"),
        ("projector", "projector_matches_per_second", "matches/s"),
        ("projector", "projector_events_per_second", "events/s"),
        ("moment detector", "detector_events_per_second", "events/s"),
    ]
    where = f"[{placement}: {PLACEMENT_NOTES[placement]}]"
    made = []
    for name, key, unit in figures:
        without = [phases["before"][key], phases["after"][key]]
        alone = sum(without) / 2
        watched = phases["with"][key]
        made.append(
            row_type(
                f"live: {name} with {label} watching, {placement}",
                f"{watched:,.0f} {unit} with viewers",
                f"{without[0]:,.0f} before, {without[1]:,.0f} after, no viewers",
                f"{watched / alone:.0%}",
                "unchanged within noise",
                "reported",
                {"key": key, "placement": placement, **{phase: values[key] for phase, values in phases.items()}},
            )
        )
    with_viewers = phases["with"]
    cpu = {phase: values.get("nats_cpu_ms_per_1000_events", 0.0) for phase, values in phases.items()}
    work = {phase: values.get("pipeline_cpu_ms_per_1000_events", 0.0) for phase, values in phases.items()}
    made.append(
        row_type(
            f"live: CPU beside the load with {label} watching, {placement} {where}",
            f"pipeline {work['with']:.0f} ms per 1,000 events (nats-server {cpu['with']:.0f}) with viewers; "
            f"web workers {with_viewers['web_workers_cpu_share']:.2f}, viewers' clients "
            f"{with_viewers['viewer_clients_cpu_share']:.2f} of a core; {with_viewers['streams_open']} streams open",
            f"pipeline {work['before']:.0f} before, {work['after']:.0f} after (nats-server {cpu['before']:.0f}, "
            f"{cpu['after']:.0f}), no viewers",
            f"{work['with'] / max((work['before'] + work['after']) / 2, 1e-9):.0%}",
            "reported",
            "reported",
            {"placement": placement, "nats": cpu, "pipeline": work},
        )
    )
    return made


def run(servers, quick: bool) -> list:
    """The load question alone (bench live measures the latency too): one room watched by 1,000 viewers
    (200 quick), then 100 rooms (20 quick) by 10, each phase shared and pinned."""
    from django.conf import settings

    from bench.harness import Row
    from bench.live import measure

    settings.NATS_SERVERS = [servers.nats.url]
    one_room = int(os.environ.get("BENCH_LIVE_VIEWERS") or (200 if quick else 1000))
    matches = int(os.environ.get("BENCH_LIVE_LOAD") or (60 if quick else 200))
    if cores() is None:
        print("   one core only: the pinned placement is the shared one")
    for placement, note in PLACEMENT_NOTES.items():
        print(f"   {placement}: {note}")
    print("   (both timed in the same run; the machine's other work still runs on every core)")
    made = []
    for rooms, per_room in ((1, one_room), (20 if quick else 100, 10)):
        label = f"{one_room} viewers of one room" if rooms == 1 else f"{rooms} rooms x {per_room} viewers"
        figures = measure(servers, rooms=rooms, per_room=per_room, seconds=4, load_matches=matches)
        for placement, phases in figures["load"].items():
            made += rows(label, placement, phases, Row)
    return made
