"""The archive (docs/operations.md): the archiver beside the projector on the same traffic, an archived replay's
API time beside the stream read of the same match, and the bytes a match takes in the object store."""

from __future__ import annotations

import asyncio
import gc
import gzip
import http.client
import json
import os
import time

from bench.consumers import _clear_matches, _load, timed_run
from bench.events import synthetic_match
from bench.harness import Row, percentile, verdict
from bench.webserver import Gunicorn
from devtools.embedded_seaweed import EmbeddedSeaweed

BUCKET = "bench-archive"


def _archive_settings(endpoint: str) -> dict[str, str]:
    from django.conf import settings

    settings.ARCHIVE_URL = f"s3://{BUCKET}/bench"
    settings.ARCHIVE_ENDPOINT_URL = endpoint
    settings.ARCHIVE_CREDENTIALS = ("embedded", "embedded")
    return {
        "ARCHIVE_URL": settings.ARCHIVE_URL,
        "ARCHIVE_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "embedded",
        "AWS_SECRET_ACCESS_KEY": "embedded",
    }


def _timed_gets(connection, url: str, headers: dict[str, str], repeats: int) -> tuple[list[float], bytes, str]:
    timings = []
    for _ in range(repeats + 2):  # two to warm the workers
        began = time.perf_counter()
        connection.request("GET", url, headers=headers)
        response = connection.getresponse()
        body = response.read()
        timings.append(time.perf_counter() - began)
        assert response.status == 200, body[:300]
    return timings[2:], body, response.getheader("ETag")


async def _purge_room(url: str, room: str) -> None:
    """Drop the room's events and moments from the stream: the match is then past the stream, as at expiry."""
    import nats

    client = await nats.connect(url)
    await client.jetstream().purge_stream("GAME_EVENTS", subject=f"game.{room}.>")
    await client.close()


def run(servers, quick: bool) -> list[Row]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    from archive.archiver import MatchArchiver
    from archive.store import ArchiveStore
    from contract.events import game_end_from_event, validate_envelope
    from history.models import Match
    from history.projector import MatchProjector
    from history.services import matches_record_from_game_ends

    settings.NATS_SERVERS = [servers.nats.url]
    seaweed = EmbeddedSeaweed(servers.root / "seaweedfs")
    env = _archive_settings(seaweed.start())
    rows = []
    try:
        store = ArchiveStore.from_settings()
        store.ensure_bucket()
        # SeaweedFS grows a new bucket's volumes at its first non-empty write (1-5 s here): a fresh store's
        # cost, paid once in a deployment, not the archiver's. Paid before the timing.
        store.put(store.full_key("bench-warm-up"), bytes(4096))

        # The projector, then the archiver, over the same mixed traffic: ~300 events a four-player match.
        count = 200 if quick else 1000
        matches = [(f"bench-room-{i % 50}", synthetic_match(f"bench-room-{i % 50}", i)) for i in range(count)]
        total = _load(servers.nats.url, matches)
        _clear_matches()
        # The benchmark's own data (the 60,000-300,000 event dicts above, kept for the bytes row) is set
        # aside from the garbage collector for both timings: a deployed consumer's heap holds nothing like
        # it, and its full collections were a fifth of the archiver's time (it allocates every event,
        # the projector almost none).
        gc.collect()
        gc.freeze()
        try:
            projector_s = timed_run(MatchProjector())
            archiver = MatchArchiver(store=store, settle_seconds=0)
            archiver_s = timed_run(archiver)
        finally:
            gc.unfreeze()
        assert Match.objects.filter(archived_at__isnull=False).count() == count == archiver.archived
        sizes = [len(store.get(key)) for key in Match.objects.values_list("archive_key", flat=True)]
        raw = [sum(len(json.dumps(event, separators=(",", ":"))) for event, _ in events) for _, events in matches]
        ratio = projector_s / archiver_s
        rows.append(
            Row(
                "archiver, mixed traffic (game_end: replay read, object written, row recorded)",
                f"{count / archiver_s:,.0f} matches/s ({total / archiver_s:,.0f} events/s)",
                f"projector {count / projector_s:,.0f} matches/s on the same traffic",
                f"{ratio:.2f}x",
                ">= the projector's matches/s (issue 25)",
                verdict(ratio >= 1),
                {
                    "matches": count,
                    "events": total,
                    "archiver_s": archiver_s,
                    "projector_s": projector_s,
                    "read_back": archiver.read_back,
                },
            )
        )
        rows.append(
            Row(
                "archive bytes a match (300 events, 4 players, gzip 6)",
                f"{sum(sizes) / len(sizes):,.0f} B a match",
                f"{sum(raw) / len(raw):,.0f} B of event JSON a match",
                f"{sum(raw) / sum(sizes):.1f}x smaller",
                "reported",
                "reported",
                {"mean_object_bytes": sum(sizes) / len(sizes), "mean_event_json_bytes": sum(raw) / len(raw)},
            )
        )

        # One 3,000-event match: its replay through the API from the stream, then from the archive.
        user = get_user_model().objects.create_user(username="archive-bench", password="bench-password-1")
        room = "archive-bench-room"
        events = synthetic_match(room, 9999, players=4, events_per_match=3000)
        end = events[-1][0]
        end["data"]["players"][0]["player_id"] = str(user.id)
        _load_more(servers.nats.url, [(room, events)])
        [match] = matches_record_from_game_ends(ends=[game_end_from_event(room, validate_envelope(end))])
        timed_run(MatchArchiver(store=store, settle_seconds=0))
        exported = _record_player_matches(str(user.id), 2000 if quick else 10_000)
        repeats = 20 if quick else 50
        auth = {"Authorization": f"Bearer {AccessToken.for_user(user)}", "Accept-Encoding": "gzip"}
        os.environ.update(env)
        with Gunicorn(workers=2) as web:
            connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=60)
            url = f"/api/matches/{match.id}/replay"
            stream_times, stream_body, stream_etag = _timed_gets(connection, url, auth, repeats)
            asyncio.run(_purge_room(servers.nats.url, room))
            archive_times, archive_body, archive_etag = _timed_gets(connection, url, auth, repeats)
            export_s, export_lines = _timed_export(connection, f"/api/players/{user.id}/matches/export", auth)
        assert export_lines == exported + 1  # and the 3,000-event match
        # Django's gzip adds random bytes to each answer (against BREACH): compared decompressed.
        assert archive_etag == stream_etag and gzip.decompress(archive_body) == gzip.decompress(stream_body)
        stream_p50, archive_p50 = percentile(stream_times, 0.5) * 1000, percentile(archive_times, 0.5) * 1000
        rows.append(
            Row(
                "replay of a 3,000-event match from the archive (API, gzip)",
                f"archive p50 {archive_p50:.0f} ms, p95 {percentile(archive_times, 0.95) * 1000:.0f} ms",
                f"stream p50 {stream_p50:.0f} ms, p95 {percentile(stream_times, 0.95) * 1000:.0f} ms",
                f"{archive_p50 / stream_p50:.2f}x",
                "reported (same body and ETag asserted)",
                "reported",
                {"archive_p50_ms": archive_p50, "stream_p50_ms": stream_p50},
            )
        )
        rows.append(
            Row(
                "export of a player's matches (JSON lines, API)",
                f"{export_lines / export_s:,.0f} matches/s ({export_lines:,} matches)",
                "-",
                "-",
                ">= 1,000 matches/s (docs/operations.md)",
                verdict(export_lines / export_s >= 1000),
                {"matches": export_lines, "seconds": export_s},
            )
        )
    finally:
        for name in env:
            os.environ.pop(name, None)
        seaweed.stop(timeout=1.0)
    return rows


def _load_more(url: str, matches) -> None:
    """Publish more matches without emptying the stream (bench.consumers._load starts it afresh)."""
    import nats

    from bench.harness import match_messages

    async def go() -> None:
        client = await nats.connect(url)
        js = client.jetstream()
        for subject, payload, msg_id in match_messages(matches):
            await js.publish(subject, payload, headers={"Nats-Msg-Id": msg_id} if msg_id else None)
        await client.close()

    asyncio.run(go())


def _record_player_matches(player_id: str, count: int) -> int:
    """``count`` four-player matches of the player, written as the projector writes them."""
    from contract.events import game_end_from_event, validate_envelope
    from history.services import matches_record_from_game_ends

    ends = []
    for index in range(count):
        room = f"export-room-{index % 50}"
        end = synthetic_match(room, index, events_per_match=2)[-1][0]
        end["data"]["players"][0]["player_id"] = player_id
        ends.append(game_end_from_event(room, validate_envelope(end)))
    for start in range(0, count, 1000):
        matches_record_from_game_ends(ends=ends[start : start + 1000])
    return count


def _timed_export(connection, url: str, headers: dict[str, str]) -> tuple[float, int]:
    """Seconds to read the whole export (not gzipped), and its lines."""
    plain = {key: value for key, value in headers.items() if key != "Accept-Encoding"}
    began = time.perf_counter()
    connection.request("GET", url, headers=plain)
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - began
    assert response.status == 200, body[:300]
    return elapsed, body.count(b"\n")
