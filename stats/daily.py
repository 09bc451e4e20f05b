"""A player's multiplayer figures by day (docs/api.md, stats): PPS and APM from the day's sums, as the
stats compute them (history.figures), and the mean VS of the day's analysed matches."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.utils import timezone

from accounts.models import User
from history import figures

MAX_DAYS = 365

# The table match_analysis is the analysis app's, read by name: stats stays below it in the layers.
_DAILY_SQL = """
SELECT (p.started_at AT TIME ZONE 'UTC')::date AS day, count(*), sum(p.pieces_placed), sum(p.garbage_sent),
       sum(p.duration_ms), round(avg((pe.e->>'vs')::numeric), 2)::float8
FROM match_players p
LEFT JOIN match_analysis a ON a.match_id = p.match_id
LEFT JOIN LATERAL (
    SELECT x AS e FROM jsonb_array_elements(a.figures->'players') AS x WHERE x->>'player_id' = p.player_id
) pe ON true
WHERE p.user_id = %s AND p.mode = 'multiplayer' AND p.started_at >= %s
GROUP BY day
ORDER BY day
"""


def player_daily(*, user: User, days: int = 30, now: datetime | None = None) -> list[dict]:
    """One entry a UTC day with multiplayer matches among the last ``days``: {day, matches, pps, apm, vs}."""
    today = (now or timezone.now()).astimezone(UTC).date()
    first: date = today - timedelta(days=days - 1)
    with connection.cursor() as cursor:
        cursor.execute(_DAILY_SQL, [user.pk, datetime.combine(first, datetime.min.time(), tzinfo=UTC)])
        rows = cursor.fetchall()
    return [
        {
            "day": day,
            "matches": matches,
            "pps": figures.ratio(int(pieces), int(ms), figures.PPS),
            "apm": figures.ratio(int(sent), int(ms), figures.APM),
            "vs": vs,
        }
        for day, matches, pieces, sent, ms, vs in rows
    ]
