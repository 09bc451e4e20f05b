"""The match card (docs/sharing.md): its first render (the replay read from the stream, then drawn), its
cached answer and its 304, beside the match API's time for the same match."""

from __future__ import annotations

import asyncio
import http.client
import time

from bench.events import synthetic_match
from bench.harness import Row, load_stream, match_messages, percentile
from bench.replay import _timed_gets
from bench.webserver import Gunicorn


def run(servers, quick: bool) -> list[Row]:
    from django.conf import settings
    from django.core.cache import cache

    from contract.events import game_end_from_event, validate_envelope
    from history import card
    from history.public_selectors import match_get_public
    from history.services import matches_record_from_game_ends

    settings.NATS_SERVERS = [servers.nats.url]
    room = "card-bench-room"
    events = synthetic_match(room, 0, players=4, events_per_match=3000)
    asyncio.run(load_stream(servers.nats.url, match_messages([(room, events)])))
    [match] = matches_record_from_game_ends(ends=[game_end_from_event(room, validate_envelope(events[-1][0]))])
    repeats = 20 if quick else 50

    # In this process: the two parts of a first render, with the boards' cache emptied each time.
    row = match_get_public(match_id=match.id)
    reads, draws = [], []
    for _ in range(5 if quick else 10):
        cache.clear()
        began = time.perf_counter()
        players = card.card_players(row)
        read = time.perf_counter()
        png = card.card_png(row, players)
        reads.append(read - began)
        draws.append(time.perf_counter() - read)
    assert all(p.board is not None for p in players), "the card has no boards: the stream was not read"

    with Gunicorn(workers=1, env={"PUBLIC_THROTTLE_RATE": ""}) as web:
        connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=60)
        url = f"/matches/{match.id}/card.png"
        _timed_gets(connection, f"/api/matches/{match.id}", {}, 1, expect=200)  # the worker warm, not the card
        began = time.perf_counter()
        connection.request("GET", url)
        first = connection.getresponse()
        assert first.status == 200 and first.read()[:8] == b"\x89PNG\r\n\x1a\n"
        first_ms = (time.perf_counter() - began) * 1000
        cached, _, etag = _timed_gets(connection, url, {}, repeats, expect=200)
        revalidated, _, _ = _timed_gets(connection, url, {"If-None-Match": etag}, repeats, expect=304)
        api, _, _ = _timed_gets(connection, f"/api/matches/{match.id}", {}, repeats, expect=200)
    p50 = lambda values: percentile(values, 0.5) * 1000  # noqa: E731
    api_p50 = p50(api)
    return [
        Row(
            "match card, first render (4 boards, 3,000-event replay)",
            f"HTTP {first_ms:.0f} ms; in process: stream read p50 {p50(reads):.0f} ms"
            f" + drawing p50 {p50(draws):.0f} ms",
            f"GET /api/matches/{{id}} p50 {api_p50:.1f} ms",
            f"{first_ms / api_p50:.0f}x",
            "reported (once per match and worker)",
            "reported",
            {"first_ms": first_ms, "read_p50_ms": p50(reads), "draw_p50_ms": p50(draws), "png_bytes": len(png)},
        ),
        Row(
            "match card, cached (200 from the worker's cache / 304)",
            f"200 p50 {p50(cached):.1f} ms, 304 p50 {p50(revalidated):.1f} ms",
            f"GET /api/matches/{{id}} p50 {api_p50:.1f} ms",
            f"{p50(cached) / api_p50:.1f}x",
            "about the match API's time",
            "reported",
            {"cached_p50_ms": p50(cached), "revalidated_p50_ms": p50(revalidated), "api_p50_ms": api_p50},
        ),
    ]
