"""Stats, leaderboards and standings with 1,000,000 matches stored, each beside its raw SQL in the same run;
the standings view's refresh; the projector's throughput with tournament refreshes on and off."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import psycopg
from django.db import connection

from bench import stats_baselines as baselines
from bench import stats_data
from bench.consumers import _load, timed_run
from bench.events import synthetic_match
from bench.harness import Row, percentile, verdict
from bench.webserver import Gunicorn, database_url, load

CLIENTS = 2


def _p95(call, runs: int) -> float:
    """p95 in ms of a selector called in this process: the route without HTTP, JWT and rendering."""
    latencies = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - started)
    return percentile(latencies, 0.95) * 1000


def _raw_p95(query: str, params: dict, runs: int) -> float:
    """p95 in ms of a query through psycopg, no HTTP, no Django."""
    latencies = []
    deadline = time.perf_counter() + 15  # the slowest baselines take a second or more a run
    with psycopg.connect(database_url()) as db, db.cursor() as cursor:
        while len(latencies) < runs and (len(latencies) < 3 or time.perf_counter() < deadline):
            started = time.perf_counter()
            cursor.execute(query, params)
            cursor.fetchall()
            latencies.append(time.perf_counter() - started)
    return percentile(latencies, 0.95) * 1000


def _projector_rows(servers, quick: bool) -> list[Row]:
    from django.conf import settings

    from history.projector import MatchProjector

    settings.NATS_SERVERS = [servers.nats.url]
    count = 200 if quick else 1500
    matches = []
    for i in range(count):
        room = f"cup-room-{i % 50}"
        events = synthetic_match(room, i)
        events[-1][0]["data"]["tournament_id"] = "bench-stream-cup"
        matches.append((room, events))
    total = _load(servers.nats.url, matches)

    class Off(MatchProjector):
        durable = "bench-projector-refresh-off"

    class On(MatchProjector):
        durable = "bench-projector-refresh-on"

    timings = {}
    for name, consumer in (("off", Off()), ("on", On())):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE matches, match_players CASCADE")
        with _standings_hook(connected=name == "on"):
            timings[name] = timed_run(consumer)
            consumer.close()
    ratio = timings["off"] / timings["on"]
    return [
        Row(
            f"projector, {count:,} tournament matches, refreshes every {settings.TOURNAMENT_REFRESH_SECONDS:g} s",
            f"{total / timings['on']:,.0f} events/s with refreshes",
            f"{total / timings['off']:,.0f} events/s without",
            f"{ratio:.2f}x",
            ">= 0.8x",
            verdict(ratio >= 0.8),
            {"events": total, "on_s": timings["on"], "off_s": timings["off"]},
        )
    ]


@contextlib.contextmanager
def _standings_hook(*, connected: bool) -> Iterator[None]:
    """Without it: stats' standings refresh unhooked from the projected matches for the block."""
    from history.signals import matches_projected
    from stats.projection_hooks import refresh_after_tournament_matches

    if connected:
        yield
        return
    matches_projected.disconnect(dispatch_uid="stats.standings-refresh")
    try:
        yield
    finally:
        matches_projected.connect(refresh_after_tournament_matches, dispatch_uid="stats.standings-refresh")


def run(servers, quick: bool) -> list[Row]:
    from django.contrib.auth import get_user_model
    from rest_framework_simplejwt.tokens import AccessToken

    from stats import selectors
    from stats.standings import standings_refresh, tournament_standings

    rows = _projector_rows(servers, quick)

    total = 100_000 if quick else 1_000_000
    started = time.perf_counter()
    stats_data.generate(database_url(), total)
    generate_seconds = time.perf_counter() - started
    heavy = get_user_model().objects.get(id=stats_data.heavy_player_ids()[0])
    started = time.perf_counter()
    standings_refresh()
    refresh_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM match_players WHERE user_id = %s", [heavy.id])
        player_matches = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM matches WHERE tournament_id = %s", [stats_data.TOURNAMENT_ID])
        cup_matches = cursor.fetchone()[0]
    raw_runs = 20 if quick else 50
    seconds = 3 if quick else 10
    headers = {"Authorization": f"Bearer {AccessToken.for_user(heavy)}"}

    def selector(fn, **kwargs):
        return lambda: fn(**kwargs)

    # (title, path, the route's own selector, the definition's plain SQL and its parameters, target p95)
    checks = [
        (
            f"GET /api/me/stats, a player of {player_matches:,} matches",
            "/api/me/stats",
            selector(selectors.player_stats, user=heavy),
            baselines.PLAYER_STATS,
            {"user_id": heavy.id},
            50,
        )
    ]
    for period in selectors.PERIODS:
        start = selectors.period_start(period)
        for kind, select, plain in (
            ("solo", selectors.leaderboard_solo, baselines.SOLO_BOARD),
            ("multiplayer", selectors.leaderboard_multiplayer, baselines.MULTIPLAYER_BOARD),
        ):
            path = f"/api/leaderboards/{kind}?period={period}"
            checks.append(
                (f"GET {path}", path, selector(select, period=period), baselines.board(plain, start),
                 {} if start is None else {"start": start}, 100)
            )  # fmt: skip
    cup = stats_data.TOURNAMENT_ID
    path = f"/api/tournaments/{cup}/standings"
    checks.append(
        (f"GET {path}, {cup_matches:,} matches", path, selector(tournament_standings, tournament_id=cup),
         baselines.STANDINGS, {"tournament_id": cup}, 30)
    )  # fmt: skip

    with Gunicorn(workers=2) as web:
        for title, path, select, raw_sql, params, target_ms in checks:
            warm = load(web.port, [path], headers, 1, 1)
            assert warm["errors"] == 0, (title, warm)
            result = load(web.port, [path], headers, CLIENTS, seconds)
            alone = _p95(select, raw_runs)
            raw = _raw_p95(raw_sql, params, raw_runs)
            rows.append(
                Row(
                    f"{title}, {total:,} matches stored, {CLIENTS} clients",
                    f"p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms (selector alone p95 {alone:.1f} ms)",
                    f"the definition in plain SQL over the rows: p95 {raw:.1f} ms",
                    f"selector {raw / alone:.1f}x faster",
                    f"p95 < {target_ms} ms",
                    verdict(result["p95_ms"] < target_ms and result["errors"] == 0),
                    {**result, "selector_p95_ms": alone, "plain_sql_p95_ms": raw, "matches": total},
                )
            )
    rows.append(
        Row(
            f"REFRESH MATERIALIZED VIEW CONCURRENTLY tournament_standings, {total:,} matches stored",
            f"{refresh_seconds * 1000:,.0f} ms",
            f"{cup_matches:,} tournament matches",
            "",
            "",
            "",
            {"refresh_s": refresh_seconds, "tournament_matches": cup_matches},
        )
    )
    rows.append(
        Row(
            f"writing {total:,} matches with generate_series (player_totals by its triggers), then VACUUM",
            f"{generate_seconds:,.0f} s",
            "",
            "",
            "",
            "",
            {"generate_s": generate_seconds},
        )
    )
    return rows
