"""Replay of one 3,000-event match from a stream of >= 1,000,000 messages: the API beside a raw ordered read."""

from __future__ import annotations

import asyncio
import gzip
import http.client
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


def _timed_gets(connection, url: str, headers: dict[str, str], repeats: int, *, expect: int):
    """``repeats`` GETs after two that warm the workers; their times, the last body and its ETag."""
    timings = []
    for _ in range(repeats + 2):
        began = time.perf_counter()
        connection.request("GET", url, headers=headers)
        response = connection.getresponse()
        body = response.read()
        timings.append(time.perf_counter() - began)
        assert response.status == expect, body[:300]
    return timings[2:], body, response.getheader("ETag")


def run(servers, quick: bool) -> list[Row]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    from contract.events import game_end_from_event, validate_envelope
    from history.services import matches_record_from_game_ends

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
    auth = {"Authorization": f"Bearer {token}"}
    with Gunicorn(workers=2) as web:
        connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=60)
        url = f"/api/matches/{match.id}/replay"
        latencies, body, _ = _timed_gets(connection, url, auth, repeats, expect=200)
        replay = json.loads(body)
        assert len(replay["events"]) == len(events)
        gzip_latencies, zipped, etag = _timed_gets(
            connection, url, {**auth, "Accept-Encoding": "gzip"}, repeats, expect=200
        )
        assert json.loads(gzip.decompress(zipped)) == replay
        revalidations, _, _ = _timed_gets(
            connection, url, {**auth, "Accept-Encoding": "gzip", "If-None-Match": etag}, repeats, expect=304
        )
    p50, p95 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.95) * 1000
    raw_p50, raw_p95 = percentile(raw, 0.5) * 1000, percentile(raw, 0.95) * 1000
    gzip_p50 = percentile(gzip_latencies, 0.5) * 1000
    revalidate_p50 = percentile(revalidations, 0.5) * 1000
    return [
        Row(
            "replay of a 3,000-event match, bytes on the wire",
            f"gzip {len(zipped):,} B, p50 {gzip_p50:.0f} ms",
            f"uncompressed {len(body):,} B, p50 {p50:.0f} ms",
            f"{len(body) / len(zipped):.1f}x smaller",
            "reported",
            "reported",
            {"gzip_bytes": len(zipped), "plain_bytes": len(body), "gzip_p50_ms": gzip_p50},
        ),
        Row(
            "replay revalidated (If-None-Match, 304)",
            f"p50 {revalidate_p50:.0f} ms, 0 B of body",
            f"full answer p50 {gzip_p50:.0f} ms (gzip)",
            f"{revalidate_p50 / gzip_p50:.2f}x",
            "reported (the stream is still read)",
            "reported",
            {"revalidate_p50_ms": revalidate_p50},
        ),
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
        ),
    ]
