"""EventPublisher against raw pipelined JetStream publishing, publish() on the tick path, fsync policies."""

from __future__ import annotations

import asyncio
import json
import time

import nats

from bench.events import realistic_matches
from bench.harness import Row, load_stream, median, percentile, rate, verdict
from streaming.publisher import EventPublisher

WINDOW = 2000


async def raw_publish(url: str, items: list[tuple[str, dict, str]]) -> float:
    """The best a raw nats-py client does: encode and publish_async in windows, checking every ack."""
    await load_stream(url, [])
    client = await nats.connect(url)
    js = client.jetstream(publish_async_max_pending=WINDOW)
    encode = json.JSONEncoder(separators=(",", ":")).encode  # one encoder, as EventPublisher keeps
    started = time.perf_counter()
    for offset in range(0, len(items), WINDOW):
        futures = [
            await js.publish_async(subject, encode(event).encode(), headers={"Nats-Msg-Id": msg_id})
            for subject, event, msg_id in items[offset : offset + WINDOW]
        ]
        await asyncio.gather(*futures)
    elapsed = time.perf_counter() - started
    await client.close()
    return elapsed


def ours_publish(url: str, items: list[tuple[str, dict, str]]) -> float:
    asyncio.run(load_stream(url, []))
    publisher = EventPublisher(servers=[url], window=WINDOW)
    publisher.start()
    started = time.perf_counter()
    for subject, event, msg_id in items:
        publisher.publish(subject.split(".")[1], event, msg_id=msg_id)
    assert publisher.flush(timeout=600)
    elapsed = time.perf_counter() - started
    publisher.close()
    assert publisher.stats.published == len(items), publisher.stats
    return elapsed


def publish_call_costs(url: str, items: list[tuple[str, dict, str]]) -> list[float]:
    """Nanoseconds of each publish() call, paced like a tick loop (a burst per tick, then a pause)."""
    publisher = EventPublisher(servers=[url], window=WINDOW, max_buffer=len(items) + 1)
    publisher.start()
    costs = []
    clock = time.perf_counter_ns
    for index, (subject, event, msg_id) in enumerate(items):
        room = subject.split(".")[1]
        started = clock()
        publisher.publish(room, event, msg_id=msg_id)
        costs.append(clock() - started)
        if index % 40 == 39:
            time.sleep(0.0005)  # the rest of a tick
    publisher.close(timeout=1 if "59999" in url else 120)
    return costs


def run(servers, quick: bool) -> list[Row]:
    matches = realistic_matches(20 if quick else 100, rooms=20)
    items = [(f"game.{room}.events", event, msg_id) for room, events in matches for event, msg_id in events]
    rows = []
    raw = min(asyncio.run(raw_publish(servers.nats.url, items)) for _ in range(2))
    ours = min(ours_publish(servers.nats.url, items) for _ in range(2))
    ratio = raw / ours
    rows.append(
        Row(
            "EventPublisher throughput",
            rate(len(items), ours),
            rate(len(items), raw) + " raw publish_async",
            f"{ratio:.0%}",
            ">= 90 %",
            verdict(ratio >= 0.9),
            {"events": len(items), "ours_s": ours, "raw_s": raw},
        )
    )
    sample = items[: 20_000 if quick else 100_000]
    up = publish_call_costs(servers.nats.url, sample)
    down = publish_call_costs("nats://127.0.0.1:59999", sample)
    for label, costs in (("NATS up", up), ("NATS down", down)):
        med, p99 = median(costs) / 1000, percentile(costs, 0.99) / 1000
        rows.append(
            Row(
                f"publish() on the tick path, {label}",
                f"median {med:.1f} us, p99 {p99:.1f} us",
                "-",
                "-",
                "median <= 20 us",
                verdict(med <= 20),
                {"median_us": med, "p99_us": p99, "calls": len(costs)},
            )
        )
    fsync_items = items[: 20_000 if quick else 60_000]
    default = asyncio.run(raw_publish(servers.nats.url, fsync_items))
    always = asyncio.run(raw_publish(servers.nats_fsync.url, fsync_items))
    ours_always = ours_publish(servers.nats_fsync.url, fsync_items)
    rows.append(
        Row(
            "publishing, sync_interval always",
            rate(len(fsync_items), ours_always) + " ours; " + rate(len(fsync_items), always) + " raw",
            rate(len(fsync_items), default) + " raw, default fsync",
            f"{always / default:.1f}x slower",
            "reported",
            "reported",
            {"default_s": default, "always_s": always, "ours_always_s": ours_always, "events": len(fsync_items)},
        )
    )
    return rows
