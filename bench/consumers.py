"""The projector and the moment detector on a backlog, beside a raw fetch-then-ack loop doing no work."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import nats
from django.db import connection
from nats.js.api import ConsumerConfig

from bench.events import realistic_matches, synthetic_match
from bench.harness import Row, load_stream, match_messages, verdict
from history.projector import MatchProjector
from moments.consumer import MomentDetector
from streaming.runner import ConsumerRunner


def _load(url: str, matches) -> int:
    return asyncio.run(load_stream(url, match_messages(matches)))


async def fetch_baseline(url: str, total: int) -> float:
    """nats-py's pull consumer: fetch(1000), then ack each message; no work at all."""
    client = await nats.connect(url)
    js = client.jetstream()
    with contextlib.suppress(Exception):
        await js.delete_consumer("GAME_EVENTS", "bench-baseline")
    subscription = await js.pull_subscribe(
        "game.*.events", durable="bench-baseline", stream="GAME_EVENTS", config=ConsumerConfig(max_ack_pending=20_000)
    )
    started = time.perf_counter()
    seen = 0
    while seen < total:
        try:
            messages = await subscription.fetch(1000, timeout=2)
        except nats.errors.TimeoutError:
            continue
        for message in messages:
            await message.ack()
        seen += len(messages)
    elapsed = time.perf_counter() - started
    await client.close()
    return elapsed


async def ceiling(url: str, total: int, batch: int = 5000) -> float:
    """The most nats-py does with explicit acks: hand-made pull requests into a callback, ack each, no work."""
    client = await nats.connect(url)
    js = client.jetstream()
    with contextlib.suppress(Exception):
        await js.delete_consumer("GAME_EVENTS", "bench-ceiling")
    await js.add_consumer(
        "GAME_EVENTS",
        ConsumerConfig(durable_name="bench-ceiling", filter_subject="game.*.events", max_ack_pending=20_000),
    )
    inbox = client.new_inbox()
    seen = in_request = 0
    done, answered = asyncio.Event(), asyncio.Event()

    async def on_message(message) -> None:
        nonlocal seen, in_request
        if not message.data:  # a status: the request is over
            answered.set()
            return
        seen += 1
        in_request += 1
        await client.publish(message.reply, b"+ACK")
        if seen >= total:
            done.set()
        if in_request >= batch:
            answered.set()

    await client.subscribe(inbox, cb=on_message, pending_msgs_limit=-1)
    request = json.dumps({"batch": batch, "no_wait": True}).encode()
    started = time.perf_counter()
    while not done.is_set():
        in_request = 0
        answered.clear()
        await client.publish("$JS.API.CONSUMER.MSG.NEXT.GAME_EVENTS.bench-ceiling", request, reply=inbox)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(answered.wait(), timeout=0.5)
    elapsed = time.perf_counter() - started
    await client.close()
    return elapsed


def timed_run(consumer) -> float:
    async def go() -> float:
        runner = ConsumerRunner(consumer, stop_when_idle=True)
        started = time.perf_counter()
        await runner.run(install_signal_handlers=False)
        return time.perf_counter() - started

    return asyncio.run(go())


def _clear_matches() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE matches, match_players, poison_events CASCADE")


def run(servers, quick: bool) -> list[Row]:
    from django.conf import settings

    settings.NATS_SERVERS = [servers.nats.url]
    url = servers.nats.url
    rows = []

    # Projector on mixed traffic: about 300 events per four-player match, one game_end among them.
    matches = [
        (f"bench-room-{i % 50}", synthetic_match(f"bench-room-{i % 50}", i)) for i in range(200 if quick else 1500)
    ]
    total = _load(url, matches)
    baseline = asyncio.run(fetch_baseline(url, total))
    raw_ceiling = asyncio.run(ceiling(url, total))
    _clear_matches()
    ours = timed_run(MatchProjector())
    from history.models import Match

    assert Match.objects.count() == len(matches)
    ratio = baseline / ours
    rows.append(
        Row(
            "projector, mixed traffic",
            f"{total / ours:,.0f} events/s, {len(matches) / ours:,.0f} matches/s",
            f"{total / baseline:,.0f} events/s fetch+ack (nats-py ceiling {total / raw_ceiling:,.0f}/s, "
            f"{baseline / raw_ceiling:.1f}x)",
            f"{ratio:.1f}x",
            ">= 3x",
            verdict(ratio >= 3),
            {
                "events": total,
                "matches": len(matches),
                "ours_s": ours,
                "baseline_s": baseline,
                "ceiling_s": raw_ceiling,
            },
        )
    )

    # Projector writing: game_ends only, four players each.
    ends = [
        (f"bench-room-{i % 50}", synthetic_match(f"bench-room-{i % 50}", i, events_per_match=2)[-1:])
        for i in range(2000 if quick else 10_000)
    ]
    total = _load(url, ends)
    _clear_matches()
    ours = timed_run(MatchProjector())
    assert Match.objects.count() == len(ends)
    rows.append(
        Row(
            "projector, writing four-player matches",
            f"{len(ends) / ours:,.0f} matches/s",
            "-",
            "-",
            ">= 1,000 matches/s",
            verdict(len(ends) / ours >= 1000),
            {"matches": len(ends), "ours_s": ours},
        )
    )

    # Moment detector on realistic games.
    games = realistic_matches(40 if quick else 150, rooms=40, seed=3)
    total = _load(url, games)
    baseline = asyncio.run(fetch_baseline(url, total))
    detector = MomentDetector()
    ours = timed_run(detector)
    rows.append(
        Row(
            "moment detector, realistic games",
            f"{total / ours:,.0f} events/s",
            f"{total / baseline:,.0f} events/s fetch+ack",
            f"{baseline / ours:.1f}x",
            ">= 30,000 events/s",
            verdict(total / ours >= 30_000),
            {"events": total, "moments": detector.published, "ours_s": ours, "baseline_s": baseline},
        )
    )

    # detect_moments alone, on the same games.
    from contract.events import validate_envelope
    from moments import detect_moments

    events = [validate_envelope(event) for _, match in games for event, _ in match]
    started = time.perf_counter()
    state = None
    for event in events:
        state, _ = detect_moments(None if event.type == "game_start" else state, event)
    elapsed = time.perf_counter() - started
    rows.append(
        Row(
            "detect_moments alone",
            f"{len(events) / elapsed:,.0f} events/s",
            "-",
            "-",
            ">= 150,000 events/s",
            verdict(len(events) / elapsed >= 150_000),
            {"events": len(events), "seconds": elapsed},
        )
    )
    return rows
