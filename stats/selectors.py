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
# figure as analysed, averaged, rounded half away from zero (PostgreSQL's round) to the figure's places.
# The table is the analysis app's, read by name: stats stays below it in the layers.
_ANALYSIS_SQL = """
SELECT count(*), round(avg((e->>'vs')::numeric), 2)::float8, round(avg((e->>'app')::numeric), 3)::float8,
       round(avg((e->>'ds_s')::numeric), 4)::float8
FROM match_players p
JOIN match_analysis a ON a.match_id = p.match_id
CROSS JOIN LATERAL jsonb_array_elements(a.figures->'players') e
WHERE p.user_id = %s AND p.mode = 'multiplayer' AND e->>'player_id' = p.player_id {conditions}
"""


def _analysis_averages(conditions: str, params: list) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(_ANALYSIS_SQL.format(conditions=conditions), params)
        matches, vs, app, ds_s = cursor.fetchone()
    return {"analysed_matches": matches, "vs": vs, "app": app, "ds_s": ds_s}


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
    return {
        "user_id": user.pk,
        "username": user.username,
        "multiplayer": multiplayer_figures(by_mode.get("multiplayer", Totals()))
        | _analysis_averages(" ".join(conditions), params),
        "solo": solo_figures(by_mode.get("solo", Totals())),
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


# Each registered player's best solo score, its earliest match when reached twice (then the lower
# match id: a choice, for a stable order), ranked by score, then the earlier achieved_at, then user_id.
# A period is an index-only scan of match_players_ended_idx (mode, ended_at); "all" reads the
# player_totals the triggers keep (stats/migrations/0002) in the order of its own index, where
# ranking every solo row of 1,000,000 matches took 150 ms.
_SOLO_PERIOD_SQL = sql.SQL("""
WITH best AS (
    SELECT DISTINCT ON (p.user_id) p.user_id, p.score, p.match_id, p.ended_at
    FROM match_players p
    WHERE p.mode = 'solo' AND p.user_id IS NOT NULL AND p.ended_at >= %(start)s
    ORDER BY p.user_id, p.score DESC, p.ended_at, p.match_id
), ranked AS (
    SELECT * FROM best ORDER BY score DESC, ended_at, user_id LIMIT {limit}
)
SELECT r.user_id, u.username, r.score, r.match_id, r.ended_at
FROM ranked r JOIN users u ON u.id = r.user_id
ORDER BY r.score DESC, r.ended_at, r.user_id
""")
_SOLO_ALL_SQL = sql.SQL("""
SELECT t.user_id, u.username, t.best_score, t.best_match_id, t.best_ended_at
FROM player_totals t JOIN users u ON u.id = t.user_id
WHERE t.mode = 'solo'
ORDER BY t.best_score DESC, t.best_ended_at, t.user_id
LIMIT {limit}
""")


def _ranked(query: sql.Composed, start: datetime | None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(None), None if start is None else {"start": start})
        return cursor.fetchall()


def solo_leaderboard_sql(start: datetime | None) -> sql.Composed:
    """The solo leaderboard's query from ``start`` on (parameter ``start``), or of all time when None."""
    return (_SOLO_ALL_SQL if start is None else _SOLO_PERIOD_SQL).format(limit=sql.Literal(LEADERBOARD_SIZE))


def leaderboard_solo(*, period: str, now: datetime | None = None) -> list[SoloLeaderboardRow]:
    start = period_start(period, now=now)
    rows = _ranked(solo_leaderboard_sql(start), start)
    return [SoloLeaderboardRow(rank, *row) for rank, row in enumerate(rows, start=1)]


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
WHERE t.mode = 'multiplayer'
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
