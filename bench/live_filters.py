"""What a watched room's subscription costs nats-server, by its filter (issue 28: bench live_load saw
nats-server's CPU per event about double with 100 rooms watched on two web workers).

A live feed (live/feed.py) is an ordered consumer filtered on `game.{room}.*`, the room's events and
moments. Here, on a nats-server of its own per case, a stream already holding many rooms' subjects (as
after a day of matches) takes the same load (other rooms' events, published as fast as it stores them)
while 200 ordered consumers (100 rooms, two web workers) are delivered their rooms' events at 200 a
second in all; nats-server's CPU per 1,000 load events is compared with none watching, in the same run:

- ``wildcard``: `game.{room}.*`, the feed's filter;
- ``two literals``: `filter_subjects` of the room's events and moments subjects;
- ``one literal``: `game.{room}.events` alone (what a feed of the events without the moments would cost).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from pathlib import Path

from devtools.embedded import EmbeddedNats

WATCHED_ROOMS = 100
WORKERS = 2
WATCHED_EVENTS_PER_SECOND = 200
STREAM = "BENCH_FILTERS"
CASES = ("none watching", "wildcard", "two literals", "one literal")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _ignore(msg) -> None:
    pass


async def _case(url: str, pid: int, case: str, subjects: int, load: int) -> dict:
    import nats
    from nats.js.api import ConsumerConfig, StreamConfig

    client = await nats.connect(url)
    js = client.jetstream()
    await js.add_stream(StreamConfig(name=STREAM, subjects=["game.>"]))
    for start in range(0, subjects, 2000):  # a stream that has seen many rooms
        await asyncio.gather(*(js.publish(f"game.old-{n}.events", b"{}") for n in range(start, start + 2000)))
    for room in range(WATCHED_ROOMS if case != "none watching" else 0):
        for _ in range(WORKERS):
            events, moments = f"game.watched-{room}.events", f"game.watched-{room}.moments"
            if case == "two literals":
                config = ConsumerConfig(filter_subjects=[events, moments])
                await js.subscribe(events, stream=STREAM, ordered_consumer=True, cb=_ignore, config=config)
            else:
                subject = f"game.watched-{room}.*" if case == "wildcard" else events
                await js.subscribe(subject, stream=STREAM, ordered_consumer=True, cb=_ignore)
    playing = True

    async def play() -> None:  # the watched rooms' own events, at their pace
        n = 0
        while playing:
            await js.publish(f"game.watched-{n % WATCHED_ROOMS}.events", b"x" * 200)
            n += 1
            await asyncio.sleep(1 / WATCHED_EVENTS_PER_SECOND)

    player = asyncio.create_task(play())
    payload = b"x" * 300
    cpu, began = _cpu_seconds(pid), time.perf_counter()
    for start in range(0, load, 1000):
        await asyncio.gather(*(js.publish(f"game.load-{n % 50}.events", payload) for n in range(start, start + 1000)))
    seconds, cpu = time.perf_counter() - began, _cpu_seconds(pid) - cpu
    playing = False
    await player
    await client.drain()
    return {"events_per_second": load / seconds, "nats_cpu_ms_per_1000": cpu * 1000 / (load / 1000)}


def run(servers, quick: bool) -> list:
    from bench.harness import Row

    subjects, load = (5_000, 20_000) if quick else (20_000, 60_000)
    results: dict[str, list[dict]] = {case: [] for case in CASES}
    for _ in range(2):  # each case twice, in turns: a machine's other work lands on both
        for case in CASES:
            root = servers.root / "filters"
            shutil.rmtree(root, ignore_errors=True)
            nats_server = EmbeddedNats(root)
            nats_server.start()
            try:
                pid = int(nats_server.pid_file.read_text())
                results[case].append(asyncio.run(_case(nats_server.url, pid, case, subjects, load)))
            finally:
                nats_server.stop()
    best = {case: min(r["nats_cpu_ms_per_1000"] for r in runs) for case, runs in results.items()}
    rate = {case: max(r["events_per_second"] for r in runs) for case, runs in results.items()}
    base = best["none watching"]
    rows = []
    for case in CASES[1:]:
        rows.append(
            Row(
                f"live filters: nats-server CPU per 1,000 events, {WATCHED_ROOMS * WORKERS} ordered consumers, {case}",
                f"{best[case]:.1f} ms ({rate[case]:,.0f} events/s)",
                f"{base:.1f} ms ({rate['none watching']:,.0f} events/s), none watching",
                f"{best[case] / base:.2f}x",
                "about 1x",
                "reported",
                {"case": case, "runs": results[case], "baseline": results["none watching"], "subjects": subjects},
            )
        )
    return rows
