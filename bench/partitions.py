"""Key moment detectors on a backlog: 2 partitions (two processes) beside 1 detector, in the same run.

Each run starts from a fresh stream holding the same realistic games, so both publish the same
moments. The partitioned run first lets GAME_EVENTS_PARTITIONED source the whole backlog (timed on its
own: in production it is sourced as the events arrive), then starts the detectors. A run's rate is
that of the middle 80% of the backlog (from 10% to 90% acknowledged), which leaves out each
process's start-up and the skew between two processes' start-ups.

On this machine's two cores the two detectors share the cores with nats-server and with each other:
the ratio says how much of a second core a second partition can use here, not what a machine with a
core per detector would give. The detectors' own CPU per event (from /proc, over the same middle of
the run) says what each partition costs whatever else the cores ran: N detectors with a core each
scale by about the single detector's CPU per event over a partition's.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nats
from django.conf import settings
from django.core.management import call_command

from bench.consumers import _load
from bench.events import realistic_matches
from bench.harness import ROOT, Row
from bench.webserver import database_url
from streaming.durables import PARTITIONED_STREAM, partition_durable
from streaming.streams import ensure_stream

POLL_SECONDS = 0.05


@dataclass(frozen=True)
class DetectorRun:
    events: int
    moments: int
    seconds: float
    cpu_us_per_event: float  # the detector processes' CPU, whatever else the cores ran
    sourcing_seconds: float | None


@dataclass(frozen=True)
class Sample:
    time: float
    acknowledged: int
    cpu: float


async def _fresh_streams(url: str) -> None:
    client = await nats.connect(url)
    try:
        js = client.jetstream()
        for name in (PARTITIONED_STREAM, "GAME_EVENTS"):
            with contextlib.suppress(Exception):
                await js.delete_stream(name)
        await ensure_stream(js)
    finally:
        await client.close()


def _durables(partitions: int) -> list[tuple[str, str]]:
    if partitions == 1:
        return [("GAME_EVENTS", "key-moment-detector")]
    return [(PARTITIONED_STREAM, partition_durable(i)) for i in range(partitions)]


async def _copies(url: str) -> int:
    client = await nats.connect(url)
    try:
        return (await client.jetstream().stream_info(PARTITIONED_STREAM)).state.last_seq
    finally:
        await client.close()


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds the processes used so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / os.sysconf("SC_CLK_TCK")


async def _watch(url: str, partitions: int, events: int, pids: list[int]) -> tuple[list[Sample], int]:
    """A Sample every POLL_SECONDS until every durable is done; and GAME_EVENTS's messages then."""
    client = await nats.connect(url)
    samples: list[Sample] = []
    try:
        js = client.jetstream()
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            infos = []
            for stream, durable in _durables(partitions):
                with contextlib.suppress(Exception):
                    infos.append(await js.consumer_info(stream, durable))
            acknowledged = sum(info.ack_floor.consumer_seq for info in infos)
            samples.append(Sample(time.perf_counter(), acknowledged, _cpu_seconds(pids)))
            if len(infos) == partitions and acknowledged >= events and not any(i.num_ack_pending for i in infos):
                return samples, (await js.stream_info("GAME_EVENTS")).state.messages
            await asyncio.sleep(POLL_SECONDS)
        raise RuntimeError(f"{partitions} detector(s) did not finish the backlog in 600 s")
    finally:
        await client.close()


def _crossing(samples: list[Sample], count: float) -> Sample:
    """The moment the acknowledged count reached ``count``, interpolated between two samples."""
    before = samples[0]
    for sample in samples:
        if sample.acknowledged >= count:
            if sample.acknowledged == before.acknowledged:
                return sample
            share = (count - before.acknowledged) / (sample.acknowledged - before.acknowledged)
            return Sample(
                before.time + (sample.time - before.time) * share,
                round(count),
                before.cpu + (sample.cpu - before.cpu) * share,
            )
        before = sample
    return samples[-1]


def _detect(url: str, games, partitions: int) -> DetectorRun:
    asyncio.run(_fresh_streams(url))
    events = _load(url, games)
    sourcing_seconds = None
    if partitions > 1:
        settings.MOMENT_DETECTOR_PARTITIONS = partitions
        began = time.perf_counter()
        call_command("setup_stream", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
        while asyncio.run(_copies(url)) < events:
            time.sleep(POLL_SECONDS)
        sourcing_seconds = time.perf_counter() - began
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "NATS_URL": url,
        "MOMENT_DETECTOR_PARTITIONS": str(partitions),
        "STREAMING_LOG_LEVEL": "WARNING",
        "MOMENT_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "manage.py", "run_moment_detector"]
    commands = [command] if partitions == 1 else [[*command, "--partition", str(i)] for i in range(partitions)]
    processes = [subprocess.Popen(argv, cwd=ROOT, env=env) for argv in commands]
    try:
        samples, messages = asyncio.run(_watch(url, partitions, events, [p.pid for p in processes]))
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
        settings.MOMENT_DETECTOR_PARTITIONS = 1
    # The middle 80% of the backlog: both processes are up by then, whichever started first.
    first, last = _crossing(samples, 0.1 * events), _crossing(samples, 0.9 * events)
    middle = 0.8 * events
    return DetectorRun(
        events,
        messages - events,
        (last.time - first.time) / 0.8,
        (last.cpu - first.cpu) / middle * 1e6,
        sourcing_seconds,
    )


def run(servers, quick: bool) -> list[Row]:
    url = servers.nats.url
    settings.NATS_SERVERS = [url]
    games = realistic_matches(40 if quick else 150, rooms=40, seed=3)
    one = _detect(url, games, 1)
    two = _detect(url, games, 2)
    asyncio.run(_fresh_streams(url))
    assert two.moments == one.moments, f"2 partitions published {two.moments} moments, 1 detector {one.moments}"
    ratio = one.seconds / two.seconds
    return [
        Row(
            "moment detectors, 2 partitions (2 processes)",
            f"{two.moments / two.seconds:,.0f} moments/s, {two.events / two.seconds:,.0f} events/s, "
            f"{two.cpu_us_per_event:.0f} µs CPU/event",
            f"{one.moments / one.seconds:,.0f} moments/s, {one.events / one.seconds:,.0f} events/s, "
            f"{one.cpu_us_per_event:.0f} µs CPU/event (1 detector)",
            f"{ratio:.2f}x",
            "reported (2 cores shared with nats-server)",
            "reported",
            {
                "events": one.events,
                "moments": one.moments,
                "one_s": one.seconds,
                "two_s": two.seconds,
                "one_cpu_us_per_event": one.cpu_us_per_event,
                "two_cpu_us_per_event": two.cpu_us_per_event,
                "sourcing_s": two.sourcing_seconds,
            },
        ),
        Row(
            "GAME_EVENTS_PARTITIONED sourcing the backlog",
            f"{two.events / two.sourcing_seconds:,.0f} events/s",
            "-",
            "-",
            "reported",
            "reported",
            {"events": two.events, "seconds": two.sourcing_seconds},
        ),
    ]
