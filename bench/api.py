"""GET /api/matches with 1,000,000 matches stored, 8 concurrent clients against gunicorn, beside SELECT 1."""

from __future__ import annotations

import io
import random
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import psycopg

from bench.harness import Row, percentile, verdict
from bench.webserver import Gunicorn, database_url, load

CLIENTS = 8
NULL = "\\N"  # COPY's text format for a null


def _copy_matches(total: int, users: list[uuid.UUID]) -> None:
    """COPY ``total`` four-player matches, 30 s apart; each of ``users`` plays in a share of them."""
    rng = random.Random(1)
    base = datetime(2025, 1, 1, tzinfo=UTC)
    matches, players = io.StringIO(), io.StringIO()
    now = datetime.now(UTC).isoformat()
    for n in range(total):
        match_id = uuid.uuid4()
        started = base + timedelta(seconds=n * 30)
        ended = started + timedelta(seconds=90)
        mode = "solo" if n % 10 == 0 else "multiplayer"
        room = "\\N" if mode == "solo" else f"room-{n % 5000}"
        count = 1 if mode == "solo" else 4
        matches.write(
            f"{match_id}\ttetris\t{room}\t{mode}\t{count}\t{started.isoformat()}\t{ended.isoformat()}\t{now}\t{NULL}\n"
        )
        for seat in range(count):
            user = users[rng.randrange(len(users))] if seat == 0 else None
            player_id = str(user) if user else f"guest-{n}-{seat}"
            players.write(
                f"{uuid.uuid4()}\t{match_id}\t{user or NULL}\t{player_id}\t{seat + 1}\t{rng.randrange(90000)}"
                f"\t{rng.randrange(80)}\t{rng.randrange(20)}\t{rng.randrange(20)}\t{rng.randrange(200)}"
                f"\t90000\t\\N\t{now}\t{started.isoformat()}\t{ended.isoformat()}\t{mode}\n"
            )
    with psycopg.connect(database_url()) as connection, connection.cursor() as cursor:
        cursor.execute("TRUNCATE matches, match_players CASCADE")
        with cursor.copy(
            "COPY matches (id, game_type, room_id, mode, player_count, started_at, ended_at, "
            "inserted_at, tournament_id) FROM STDIN"
        ) as copy:
            copy.write(matches.getvalue())
        with cursor.copy(
            "COPY match_players (id, match_id, user_id, player_id, placement, score, lines_cleared, "
            "garbage_sent, garbage_received, pieces_placed, duration_ms, level, inserted_at, started_at, "
            "ended_at, mode) FROM STDIN"
        ) as copy:
            copy.write(players.getvalue())
    # Outside a transaction: VACUUM sets the visibility map, as autovacuum does for insert-only tables
    # soon after a load; without it every "index-only" scan still visits the heap. CHECKPOINT writes
    # the load's dirty pages now, not while the requests are timed.
    with psycopg.connect(database_url(), autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE) matches")
        connection.execute("VACUUM (ANALYZE) match_players")
        connection.execute("CHECKPOINT")


def select_one_baseline(seconds: float) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        mine = []
        with psycopg.connect(database_url()) as connection, connection.cursor() as cursor:
            while time.perf_counter() < stop_at:
                started = time.perf_counter()
                cursor.execute("SELECT 1")
                cursor.fetchone()
                mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
    }


def run(servers, quick: bool) -> list[Row]:
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    total = 100_000 if quick else 1_000_000
    User = get_user_model()
    users = [
        User.objects.create_user(username=f"bench-{uuid.uuid4().hex[:10]}", password="bench-password-1")
        for _ in range(200)
    ]
    started = time.perf_counter()
    _copy_matches(total, [user.id for user in users])
    loaded = time.perf_counter() - started
    tokens = [str(AccessToken.for_user(user)) for user in users[:CLIENTS]]
    seconds = 10 if quick else 30
    with Gunicorn(workers=3) as web:
        paths = [
            "/api/matches",
            "/api/matches?page_size=50",
            "/api/matches?mode=multiplayer",
            "/api/matches?since=2025-03-01",
        ]
        warm = load(web.port, paths, {"Authorization": f"Bearer {tokens[0]}"}, 2, 2)
        assert warm["errors"] == 0, warm
        result = load(web.port, paths, {"Authorization": f"Bearer {tokens[0]}"}, CLIENTS, seconds)
    baseline = select_one_baseline(5)
    return [
        Row(
            f"GET /api/matches, {total:,} matches, {CLIENTS} clients",
            f"p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, {result['rps']:,.0f} req/s",
            f"SELECT 1: p50 {baseline['p50_ms']:.2f} ms, p95 {baseline['p95_ms']:.2f} ms",
            f"{result['p95_ms'] / baseline['p95_ms']:.0f}x",
            "p95 < 30 ms",
            verdict(result["p95_ms"] < 30 and result["errors"] == 0),
            {**result, "baseline": baseline, "matches": total, "load_seconds": loaded},
        )
    ]
