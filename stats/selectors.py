"""Player stats and leaderboards (SPEC section 10), read from matches and match_players.

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

LEADERBOARD_SIZE = 100
# SPEC section 10: the last 24 hours, 7 days, 30 days by ended_at; "all" has no bound.
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


# The player's own rows are found by match_players_user_mode_idx (user, mode, -started_at); the
# match's ended_at comes from its primary key.
_TOTALS_SQL = """
SELECT p.mode, count(*), count(*) FILTER (WHERE p.placement = 1), sum(p.placement), max(p.score),
       sum(p.score), sum(p.lines_cleared), sum(p.garbage_sent), sum(p.garbage_received),
       sum(p.pieces_placed), sum(p.duration_ms), max(p.level), max(m.ended_at)
FROM match_players p JOIN matches m ON m.id = p.match_id
WHERE p.user_id = %s AND p.mode IN ('multiplayer', 'solo') {conditions}
GROUP BY p.mode
"""


def player_stats(*, user: User, since: datetime | None = None, until: datetime | None = None) -> dict:
    """SPEC section 10's stats of ``user`` over the matches started in [since, until)."""
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
        "multiplayer": multiplayer_figures(by_mode.get("multiplayer", Totals())),
        "solo": solo_figures(by_mode.get("solo", Totals())),
    }


def period_start(period: str, *, now: datetime | None = None) -> datetime | None:
    """The earliest ended_at a leaderboard of ``period`` counts (inclusive), or None for "all"."""
    length = PERIODS[period]
    return None if length is None else (now or timezone.now()) - length


def _period_condition(start: datetime | None) -> sql.SQL:
    return sql.SQL("") if start is None else sql.SQL("AND m.ended_at >= %s")


@dataclass(frozen=True, slots=True)
class SoloLeaderboardRow:
    rank: int
    user_id: uuid.UUID
    username: str
    best_score: int
    match_id: uuid.UUID
    achieved_at: datetime


# Each registered player's best solo score, its earliest match when reached twice (then the lower
# match id: the SPEC is silent there), ranked by score, then the earlier achieved_at, then user_id.
_SOLO_SQL = sql.SQL("""
WITH best AS (
    SELECT DISTINCT ON (p.user_id) p.user_id, p.score, m.id AS match_id, m.ended_at
    FROM match_players p JOIN matches m ON m.id = p.match_id
    WHERE p.mode = 'solo' AND p.user_id IS NOT NULL {period}
    ORDER BY p.user_id, p.score DESC, m.ended_at, m.id
)
SELECT b.user_id, u.username, b.score, b.match_id, b.ended_at
FROM best b JOIN users u ON u.id = b.user_id
ORDER BY b.score DESC, b.ended_at, b.user_id
LIMIT {limit}
""")


def leaderboard_solo(*, period: str, now: datetime | None = None) -> list[SoloLeaderboardRow]:
    start = period_start(period, now=now)
    query = _SOLO_SQL.format(period=_period_condition(start), limit=sql.Literal(LEADERBOARD_SIZE))
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(None), [] if start is None else [start])
        return [SoloLeaderboardRow(rank, *row) for rank, row in enumerate(cursor.fetchall(), start=1)]


@dataclass(frozen=True, slots=True)
class MultiplayerLeaderboardRow:
    rank: int
    user_id: uuid.UUID
    username: str
    wins: int
    matches: int
    win_rate: float
    average_placement: float


_AVERAGE_PLACEMENT_SQL = figures.ratio_sql(sql.SQL("sum(p.placement)"), sql.SQL("count(*)"), figures.AVERAGE_PLACEMENT)
_WIN_RATE_SQL = figures.ratio_sql(
    sql.SQL("count(*) FILTER (WHERE p.placement = 1)"), sql.SQL("count(*)"), figures.WIN_RATE
)
# Ties by the lower average placement as shown (2 decimals), then more matches, then user_id.
_MULTIPLAYER_SQL = sql.SQL("""
WITH ranked AS (
    SELECT p.user_id, count(*) FILTER (WHERE p.placement = 1) AS wins, count(*) AS matches,
           CAST({win_rate} AS float8) AS win_rate, {average_placement} AS average_placement
    FROM match_players p JOIN matches m ON m.id = p.match_id
    WHERE p.mode = 'multiplayer' AND p.user_id IS NOT NULL {period}
    GROUP BY p.user_id
    ORDER BY wins DESC, average_placement, matches DESC, p.user_id
    LIMIT {limit}
)
SELECT r.user_id, u.username, r.wins, r.matches, r.win_rate, CAST(r.average_placement AS float8)
FROM ranked r JOIN users u ON u.id = r.user_id
ORDER BY r.wins DESC, r.average_placement, r.matches DESC, r.user_id
""")


def leaderboard_multiplayer(*, period: str, now: datetime | None = None) -> list[MultiplayerLeaderboardRow]:
    start = period_start(period, now=now)
    query = _MULTIPLAYER_SQL.format(
        win_rate=_WIN_RATE_SQL,
        average_placement=_AVERAGE_PLACEMENT_SQL,
        period=_period_condition(start),
        limit=sql.Literal(LEADERBOARD_SIZE),
    )
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(None), [] if start is None else [start])
        return [MultiplayerLeaderboardRow(rank, *row) for rank, row in enumerate(cursor.fetchall(), start=1)]
