"""Replay of one 3,000-event match from a stream of >= 1,000,000 messages: the API beside a raw ordered read."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator

import nats
from nats.js.api import DeliverPolicy

from bench.events import synthetic_match
from bench.harness import Row, load_stream, match_messages, percentile, verdict
from bench.webserver import Gunicorn


def _stream_messages(total: int, target_room: str, target_events) -> Iterator[tuple[str, bytes, str | None]]:
    """``total`` messages of many rooms, with the target match in the middle."""
    filler = [json.dumps(event).encode() for event, _ in synthetic_match("filler", 0)]
    for sent in range(total - len(target_events)):
        if sent == total // 2:
            yield from match_messages([(target_room, target_events)])
        yield f"game.filler-{sent % 997}.events", filler[sent % len(filler)], None


async def raw_ordered_read(url: str, subject: str, count: int, repeats: int) -> list[float]:
    """nats-py's ordered consumer over the match's subject, from its first message, until ``count`` arrive."""
    client = await nats.connect(url)
    js = client.jetstream()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        subscription = await js.subscribe(subject, ordered_consumer=True, deliver_policy=DeliverPolicy.ALL)
        for _ in range(count):
            await subscription.next_msg(timeout=10)
        await subscription.unsubscribe()
        timings.append(time.perf_counter() - started)
    await client.close()
    return timings


def run(servers, quick: bool) -> list[Row]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    from history.services import matches_record_from_game_ends
    from streaming.events import game_end_from_event, validate_envelope

    settings.NATS_SERVERS = [servers.nats.url]
    total = 100_000 if quick else 1_000_000
    user = get_user_model().objects.create_user(username="replay-bench", password="bench-password-1")
    room = "replay-bench-room"
    events = synthetic_match(room, 0, players=4, events_per_match=3000)
    end = events[-1][0]
    end["data"]["players"][0]["player_id"] = str(user.id)
    started = time.perf_counter()
    asyncio.run(load_stream(servers.nats.url, _stream_messages(total, room, events)))
    filled = time.perf_counter() - started
    [match] = matches_record_from_game_ends(ends=[game_end_from_event(room, validate_envelope(end))])
    token = str(AccessToken.for_user(user))
    repeats = 20 if quick else 50
    raw = asyncio.run(raw_ordered_read(servers.nats.url, f"game.{room}.events", len(events), repeats))
    import http.client

    latencies = []
    with Gunicorn(workers=2) as web:
        connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=60)
        for _ in range(repeats + 2):
            began = time.perf_counter()
            connection.request("GET", f"/api/matches/{match.id}/replay", headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            body = response.read()
            latencies.append(time.perf_counter() - began)
            assert response.status == 200, body[:300]
        replay = json.loads(body)
        assert len(replay["events"]) == len(events)
    latencies = latencies[2:]  # the first requests warm the workers
    p50, p95 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.95) * 1000
    raw_p50, raw_p95 = percentile(raw, 0.5) * 1000, percentile(raw, 0.95) * 1000
    return [
        Row(
            f"replay of a 3,000-event match, stream of {total:,}",
            f"API p50 {p50:.0f} ms, p95 {p95:.0f} ms",
            f"ordered read p50 {raw_p50:.0f} ms, p95 {raw_p95:.0f} ms",
            f"{p50 / raw_p50:.1f}x",
            "< 300 ms",
            verdict(p95 < 300),
            {
                "p50_ms": p50,
                "p95_ms": p95,
                "raw_p50_ms": raw_p50,
                "raw_p95_ms": raw_p95,
                "stream_messages": total,
                "fill_seconds": filled,
            },
        )
    ]
