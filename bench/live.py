"""Viewers of one room's live stream on one web process (2 uvicorn workers): from an event stored (its
publish acknowledged) to every viewer having it, p50 and p99, and the web workers' memory per open
stream; beside it, the publisher's rate with no viewer and with them (docs/development.md)."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import re
import time

from bench.harness import Row, percentile, verdict
from bench.webserver import Gunicorn

ROOM = "live-bench-room"
ALONE_ROOM = "live-bench-alone"
_ID = re.compile(rb"(?:^|\n)id: (\d+)\n")
EVENTS_PER_SECOND = 200


def _rss_kb(pid: int) -> int:
    """Resident memory of the process and its children (the gunicorn master's workers)."""
    total = 0
    children = open(f"/proc/{pid}/task/{pid}/children").read().split()  # noqa: SIM115 (a /proc read)
    for each in [pid, *map(int, children)]:
        for line in open(f"/proc/{each}/status"):  # noqa: SIM115
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


async def _viewers(port: int, count: int, connected, results, stop_at: float) -> None:
    """``count`` streams of the room; each received id with the time it arrived, until the stream ends."""

    async def one() -> list[tuple[int, float]]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        request = f"GET /api/live/rooms/{ROOM} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        writer.write(request.encode())
        await writer.drain()
        status = await reader.readline()
        assert b" 200 " in status, status
        connected.put(1)
        seen: list[tuple[int, float]] = []
        while time.time() < stop_at:
            try:
                chunk = await asyncio.wait_for(reader.read(1 << 16), timeout=max(0.1, stop_at - time.time()))
            except TimeoutError:
                break
            if not chunk:
                break
            now = time.time()
            # Frames start with their id line; a chunk may cut one, which costs its id at most.
            seen.extend((int(found), now) for found in _ID.findall(chunk))
            if b"event: end" in chunk:
                break
        writer.close()
        return seen

    everyone = await asyncio.gather(*(one() for _ in range(count)))
    results.put(everyone)


def _viewer_process(port: int, count: int, connected, results, stop_at: float) -> None:
    asyncio.run(_viewers(port, count, connected, results, stop_at))


async def _publish(events: list[tuple[dict, str]], rate: float, room: str = ROOM) -> list[tuple[int, float]]:
    """Publish at ``rate`` events a second; each stored sequence with the time its ack arrived."""
    from streaming.connection import connect

    client = await connect("live-bench", retry_forever=False)
    js = client.jetstream()
    stored = []
    started = time.perf_counter()
    for n, (event, msg_id) in enumerate(events):
        due = started + n / rate
        if due > time.perf_counter():
            await asyncio.sleep(due - time.perf_counter())
        ack = await js.publish(f"game.{room}.events", json.dumps(event).encode(), headers={"Nats-Msg-Id": msg_id})
        stored.append((ack.seq, time.time()))
    await client.close()
    return stored


def run(servers, quick: bool) -> list[Row]:
    from django.conf import settings

    from bench.events import synthetic_match
    from tests.conftest import reset_stream
    from tests.support import run_async

    settings.NATS_SERVERS = [servers.nats.url]
    run_async(reset_stream())
    # BENCH_LIVE_VIEWERS: another count, e.g. 2 for the path's own latency without the fan-out.
    viewers = int(os.environ.get("BENCH_LIVE_VIEWERS") or (200 if quick else 1000))
    seconds = 8 if quick else 20
    count = EVENTS_PER_SECOND * seconds
    match = synthetic_match(ROOM, 0, players=4, events_per_match=count + 2)
    start, body = match[0], match[1 : count + 1]
    assert match[-1][0]["type"] == "game_end"
    other = synthetic_match(ALONE_ROOM, 0, players=4, events_per_match=count + 2)
    env = {"LIVE_CONNECTIONS_PER_ADDRESS": str(viewers + 10), "STREAMING_LOG_LEVEL": "WARNING"}
    with Gunicorn(workers=2, env=env, asgi=True) as web:
        # Without viewers: the publisher's own rate (another room), and the workers' memory.
        alone = run_async(_publish(other[:count], rate=10_000, room=ALONE_ROOM))
        run_async(_publish([start], rate=1))
        alone_rate = len(alone) / (alone[-1][1] - alone[0][1])
        ctx = multiprocessing.get_context("fork")
        connected, results = ctx.Queue(), ctx.Queue()
        before = _rss_kb(web.process.pid)
        stop_at = time.time() + 60 + seconds
        processes = [
            ctx.Process(target=_viewer_process, args=(web.port, viewers // 2, connected, results, stop_at))
            for _ in range(2)
        ]
        for process in processes:
            process.start()
        for _ in range(viewers):
            connected.get(timeout=120)
        time.sleep(1)
        after = _rss_kb(web.process.pid)
        stored = run_async(_publish(body, rate=EVENTS_PER_SECOND))
        run_async(_publish(match[count + 1 :], rate=1))  # the game_end: the streams say `end` 5 s later
        time.sleep(2)
        streams = []
        for _ in processes:
            streams.extend(results.get(timeout=stop_at - time.time() + 30))
        for process in processes:
            process.terminate()
    stored_at = dict(stored)
    last_arrival: dict[int, float] = {}
    missing = 0
    for seen in streams:
        arrived = {seq: when for seq, when in seen if seq in stored_at}
        missing += len(stored_at) - len(arrived)
        for seq, when in arrived.items():
            last_arrival[seq] = max(last_arrival.get(seq, 0.0), when)
    latencies = [last_arrival[seq] - stored_at[seq] for seq in last_arrival]
    p50, p99 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000
    per_connection_kb = (after - before) / viewers
    figures = {
        "viewers": viewers,
        "events": len(stored),
        "events_per_second": EVENTS_PER_SECOND,
        "p50_ms": p50,
        "p99_ms": p99,
        "missing_deliveries": missing,
        "rss_before_kb": before,
        "rss_after_kb": after,
        "kb_per_connection": per_connection_kb,
        "publish_rate_alone": alone_rate,
        "cpus": os.cpu_count(),
    }
    return [
        Row(
            f"live: {viewers} viewers of one room, {EVENTS_PER_SECOND} events/s, stored -> every viewer",
            f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, {missing} missed",
            f"publisher alone: {alone_rate:,.0f} events/s",
            "",
            "p99 < 250 ms",
            verdict(p99 < 250 and missing == 0),
            figures,
        ),
        Row(
            f"live: web workers' memory per open stream ({viewers} streams)",
            f"{per_connection_kb:.0f} KB",
            f"workers {before / 1024:.0f} MB before",
            "",
            "< 100 KB",
            verdict(per_connection_kb < 100),
            figures,
        ),
    ]
