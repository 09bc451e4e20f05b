"""Player stats and leaderboards (docs/api.md, stats), read from matches and match_players.

Counts and sums come from one grouped query; the derived figures are computed from them by the shared
definition (history.figures), exactly, so a figure never depends on where it was summed. Leaderboards
rank in SQL (their tie rules compare the figures as shown, rounded by history.figures' SQL form).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone
from psycopg import sql

from accounts.models import User
from history import figures
from history.models import SOLO_MODES, MatchPlayer
from stats.multiplayer_period import LEADERBOARD_SIZE, multiplayer_period_rows

# docs/api.md, stats: the last 24 hours, 7 days, 30 days by ended_at; "all" has no bound.
PERIODS: dict[str, timedelta | None] = {
    "day": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=30),
    "all": None,
}


@dataclass(frozen=True, slots=True)
class Totals:
    """Counts and sums of one player's matches of one mode."""

    matches: int = 0
    wins: int = 0
    placement_sum: int = 0
    best_score: int | None = None
    total_score: int = 0
    lines_cleared: int = 0
    garbage_sent: int = 0
    garbage_received: int = 0
    pieces_placed: int = 0
    play_time_ms: int = 0
    best_level: int | None = None
    last_played_at: datetime | None = None


def multiplayer_figures(totals: Totals) -> dict:
    return {
        "matches": totals.matches,
        "wins": totals.wins,
        "win_rate": figures.ratio(totals.wins, totals.matches, figures.WIN_RATE),
        "average_placement": figures.ratio(totals.placement_sum, totals.matches, figures.AVERAGE_PLACEMENT),
        "best_score": totals.best_score,
        "total_score": totals.total_score,
        "lines_cleared": totals.lines_cleared,
        "garbage_sent": totals.garbage_sent,
        "garbage_received": totals.garbage_received,
        "pieces_placed": totals.pieces_placed,
        "play_time_ms": totals.play_time_ms,
        "pps": figures.ratio(totals.pieces_placed, totals.play_time_ms, figures.PPS),
        "apm": figures.ratio(totals.garbage_sent, totals.play_time_ms, figures.APM),
        "last_played_at": totals.last_played_at,
    }


def solo_figures(totals: Totals) -> dict:
    return {
        "matches": totals.matches,
        "best_score": totals.best_score,
        "total_score": totals.total_score,
        "lines_cleared": totals.lines_cleared,
        "pieces_placed": totals.pieces_placed,
        "play_time_ms": totals.play_time_ms,
        "pps": figures.ratio(totals.pieces_placed, totals.play_time_ms, figures.PPS),
        "best_level": totals.best_level,
        "last_played_at": totals.last_played_at,
    }


# An index-only scan of match_players_user_mode_idx (user, mode, -started_at, INCLUDE every summed
# column): about 10 ms for a player of 10,000 matches among 1,000,000 (bench/stats.py), where joining
# matches for ended_at cost a scan of matches (280 ms).
_TOTALS_SQL = """
SELECT p.mode, count(*), count(*) FILTER (WHERE p.placement = 1), sum(p.placement), max(p.score),
       sum(p.score), sum(p.lines_cleared), sum(p.garbage_sent), sum(p.garbage_received),
       sum(p.pieces_placed), sum(p.duration_ms), max(p.level), max(p.ended_at)
FROM match_players p
WHERE p.user_id = %s AND p.mode IN ('multiplayer', 'solo') {conditions}
GROUP BY p.mode
"""


# Averages of the figures of the player's analysed matches (docs/api.md, match analysis): each match's
# figure as analysed, averaged, rounded half away from zero (PostgreSQL's round) to the figure's places;
# multiplayer matches and verified solo runs (the only solo matches analysed: their key presses are known)
# apart, in one pass. A run's finesse faults a piece are its faults over its judged placements, a run
# with none judged left out of that mean. The table is the analysis app's, read by name: stats stays
# below it in the layers.
_ANALYSIS_SQL = """
SELECT count(*) FILTER (WHERE p.mode = 'multiplayer'),
       round(avg((e->>'vs')::numeric) FILTER (WHERE p.mode = 'multiplayer'), 2)::float8,
       round(avg((e->>'app')::numeric) FILTER (WHERE p.mode = 'multiplayer'), 3)::float8,
       round(avg((e->>'ds_s')::numeric) FILTER (WHERE p.mode = 'multiplayer'), 4)::float8,
       count(*) FILTER (WHERE p.mode = 'solo'),
       round(avg((e->>'kpp')::numeric) FILTER (WHERE p.mode = 'solo'), 2)::float8,
       round(avg((e->>'finesse_faults')::numeric / nullif((e->>'finesse_judged')::numeric, 0))
             FILTER (WHERE p.mode = 'solo'), 4)::float8
FROM match_players p
JOIN match_analysis a ON a.match_id = p.match_id
CROSS JOIN LATERAL jsonb_array_elements(a.figures->'players') e
WHERE p.user_id = %s AND p.mode IN ('multiplayer', 'solo') AND e->>'player_id' = p.player_id {conditions}
"""


def _analysis_averages(conditions: str, params: list) -> tuple[dict, dict]:
    """The averages of the multiplayer matches, and of the verified solo runs."""
    with connection.cursor() as cursor:
        cursor.execute(_ANALYSIS_SQL.format(conditions=conditions), params)
        matches, vs, app, ds_s, runs, kpp, faults = cursor.fetchone()
    return (
        {"analysed_matches": matches, "vs": vs, "app": app, "ds_s": ds_s},
        {"analysed_runs": runs, "kpp": kpp, "finesse_faults_per_piece": faults},
    )


def player_stats(*, user: User, since: datetime | None = None, until: datetime | None = None) -> dict:
    """The stats of ``user`` (docs/api.md) over the matches started in [since, until)."""
    conditions, params = [], [user.pk]
    if since is not None:
        conditions.append("AND p.started_at >= %s")
        params.append(since)
    if until is not None:
        conditions.append("AND p.started_at < %s")
        params.append(until)
    with connection.cursor() as cursor:
        cursor.execute(_TOTALS_SQL.format(conditions=" ".join(conditions)), params)
        by_mode = {row[0]: Totals(*row[1:]) for row in cursor.fetchall()}
    multiplayer, solo = _analysis_averages(" ".join(conditions), params)
    return {
        "user_id": user.pk,
        "username": user.username,
        "multiplayer": multiplayer_figures(by_mode.get("multiplayer", Totals())) | multiplayer,
        "solo": solo_figures(by_mode.get("solo", Totals())) | solo,
    }


def period_start(period: str, *, now: datetime | None = None) -> datetime | None:
    """The earliest ended_at a leaderboard of ``period`` counts (inclusive), or None for "all"."""
    length = PERIODS[period]
    return None if length is None else (now or timezone.now()) - length


@dataclass(frozen=True, slots=True)
class SoloLeaderboardRow:
    rank: int
    user_id: uuid.UUID
    username: str
    best_score: int
    match_id: uuid.UUID
    achieved_at: datetime
    duration_ms: int


# docs/api.md: verified runs only (the server replayed them), of one mode. Each registered player's
# best run: the highest score (marathon, blitz) or the lowest time of a finished sprint (40 lines), its
# earliest when reached twice (then the lower match id), ranked by it, then the earlier achieved_at,
# then user_id; private profiles left out (docs/api.md). Every period, "all" too, reads the verified
# runs themselves (matches_verified_solo_idx): player_totals, which the all-time board read before,
# sums every solo result, unverified ones too.
_SOLO_SQL = sql.SQL("""
WITH best AS (
    SELECT DISTINCT ON (p.user_id) p.user_id, p.score, p.match_id, p.ended_at, p.duration_ms
    FROM matches m JOIN match_players p ON p.match_id = m.id
    WHERE m.verified AND m.solo_mode = %(mode)s AND p.user_id IS NOT NULL {conditions}
      AND p.user_id NOT IN (SELECT id FROM users WHERE profile_private)
    ORDER BY p.user_id, {best}, p.ended_at, p.match_id
), ranked AS (
    SELECT * FROM best ORDER BY {ranking}, ended_at, user_id LIMIT {limit}
)
SELECT r.user_id, u.username, r.score, r.match_id, r.ended_at, r.duration_ms
FROM ranked r JOIN users u ON u.id = r.user_id
ORDER BY {ranking}, r.ended_at, r.user_id
""")
SPRINT_LINES = 40


def solo_leaderboard_sql(start: datetime | None, mode: str = "marathon") -> sql.Composed:
    """The solo leaderboard's query of ``mode`` (parameters ``mode``, ``start``) from ``start`` on, or of all time."""
    conditions = [] if start is None else [sql.SQL("AND m.ended_at >= %(start)s")]
    if mode == "sprint":
        # A sprint that topped out before its 40 lines is recorded, never ranked.
        conditions.append(sql.SQL("AND p.lines_cleared >= {}").format(sql.Literal(SPRINT_LINES)))
    by_time = mode == "sprint"
    return _SOLO_SQL.format(
        conditions=sql.SQL(" ").join(conditions),
        best=sql.SQL("p.duration_ms" if by_time else "p.score DESC"),
        ranking=sql.SQL("duration_ms" if by_time else "score DESC"),
        limit=sql.Literal(LEADERBOARD_SIZE),
    )


def leaderboard_solo(*, period: str, mode: str = "marathon", now: datetime | None = None) -> list[SoloLeaderboardRow]:
    start = period_start(period, now=now)
    with connection.cursor() as cursor:
        cursor.execute(solo_leaderboard_sql(start, mode).as_string(None), {"start": start, "mode": mode})
        rows = cursor.fetchall()
    return [SoloLeaderboardRow(rank, *row) for rank, row in enumerate(rows, start=1)]


def solo_bests(*, user: User) -> dict[str, dict | None]:
    """``user``'s best verified run of each solo mode (docs/api.md), as the leaderboards rank them."""
    bests: dict[str, dict | None] = {}
    for mode in SOLO_MODES:
        by_time = mode == "sprint"
        query = (
            MatchPlayer.objects.filter(user=user, match__verified=True, match__solo_mode=mode)
            .order_by("duration_ms" if by_time else "-score", "ended_at", "match_id")
            .values("match_id", "score", "duration_ms", "lines_cleared", "ended_at")
        )
        if by_time:
            query = query.filter(lines_cleared__gte=SPRINT_LINES)
        best = query.first()
        bests[mode] = None if best is None else {**best, "achieved_at": best.pop("ended_at")}
    return bests


def _ranked(query: sql.Composed, start: datetime | None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(None), None if start is None else {"start": start})
        return cursor.fetchall()


@dataclass(frozen=True, slots=True)
class MultiplayerLeaderboardRow:
    rank: int
    user_id: uuid.UUID
    username: str
    wins: int
    matches: int
    win_rate: float
    average_placement: float


def _ratios(wins: str, matches: str, placement_sum: str) -> dict[str, sql.Composed]:
    return {
        "win_rate": figures.ratio_sql(sql.SQL(wins), sql.SQL(matches), figures.WIN_RATE),
        "average_placement": figures.ratio_sql(sql.SQL(placement_sum), sql.SQL(matches), figures.AVERAGE_PLACEMENT),
    }


# Ties by the lower average placement as shown (2 decimals), then more matches, then user_id. "all" is
# the first 100 entries of player_totals' ranking index, whose average placement is this very
# expression (stats/migrations/0002), where grouping every multiplayer row of 1,000,000 matches took
# 1.5 s; a period is stats.multiplayer_period's.
_MULTIPLAYER_ALL_SQL = sql.SQL("""
SELECT t.user_id, u.username, t.wins, t.matches, CAST({win_rate} AS float8), CAST({average_placement} AS float8)
FROM player_totals t JOIN users u ON u.id = t.user_id
WHERE t.mode = 'multiplayer' AND NOT u.profile_private
ORDER BY t.wins DESC, {average_placement}, t.matches DESC, t.user_id
LIMIT {limit}
""")


def multiplayer_all_time_sql() -> sql.Composed:
    ratios = _ratios("t.wins", "t.matches", "t.placement_sum")
    return _MULTIPLAYER_ALL_SQL.format(**ratios, limit=sql.Literal(LEADERBOARD_SIZE))


def leaderboard_multiplayer(*, period: str, now: datetime | None = None) -> list[MultiplayerLeaderboardRow]:
    start = period_start(period, now=now)
    if start is None:
        rows = _ranked(multiplayer_all_time_sql(), None)
    else:
        rows = multiplayer_period_rows(start, prune=PERIODS[period] > timedelta(days=1))
    return [MultiplayerLeaderboardRow(rank, *row) for rank, row in enumerate(rows, start=1)]
