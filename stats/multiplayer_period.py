"""The multiplayer leaderboard of a period (docs/api.md, stats), from player_days and the first day's rows.

A period starting at ``start`` is the rest of start's UTC day, read from match_players_ended_idx, and
the whole days after it, read from player_days (one row a player a day). Grouping every player of a
month is still grouping 20,000 players (at 1,000,000 matches: 100 ms from the raw rows, not much less
from player_days), so when it can, the board counts only the players who could be on it (14 ms):

- the 200 players with the most wins of all time (player_totals' ranking index) are counted first;
  the 100th best of them in the period has ``threshold`` wins there;
- a player's wins in a period are at most their wins of all time, so a player with fewer than
  ``threshold`` wins of all time ranks below those 100, whatever the tie rules: only players with at
  least ``threshold`` wins of all time can be on the board. They are counted and ranked.

Private profiles (docs/api.md) are left out at each step, so the pool is of players who can be shown.

When they are many (a day, when everyone has won a few times) grouping the whole period is cheaper,
and that is done instead. Both ways give the same rows, exactly; the tests run both.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.db import connection
from psycopg import sql

from history import figures

LEADERBOARD_SIZE = 100
# The players of all time counted first: twice the board, so that the threshold is not just the
# period's wins of the weakest of them.
POOL_SIZE = 2 * LEADERBOARD_SIZE
# Above this many possible players, grouping the whole period is cheaper than counting each of them.
MAX_CANDIDATES = 2000

_FIRST_DAY = sql.SQL("""
first_day AS (
    SELECT p.user_id, count(*) FILTER (WHERE p.placement = 1) AS wins, count(*) AS matches,
           sum(p.placement) AS placement_sum
    FROM match_players p
    WHERE p.mode = 'multiplayer' AND p.user_id IS NOT NULL AND p.ended_at >= %(start)s AND p.ended_at < %(midnight)s
    GROUP BY p.user_id
)""")

# The period's counts of each player of {players} (a query of user_id), 0 when they did not play.
_COUNTS_OF = sql.SQL("""
SELECT c.user_id, coalesce(d.wins, 0) + coalesce(f.wins, 0) AS wins,
       coalesce(d.matches, 0) + coalesce(f.matches, 0) AS matches,
       coalesce(d.placement_sum, 0) + coalesce(f.placement_sum, 0) AS placement_sum
FROM ({players}) c
LEFT JOIN LATERAL (
    SELECT sum(wins) AS wins, sum(matches) AS matches, sum(placement_sum) AS placement_sum
    FROM player_days WHERE user_id = c.user_id AND day >= %(first_whole_day)s
) d ON true
LEFT JOIN first_day f ON f.user_id = c.user_id
""")

# Every player of the period: the whole days' rows and the first day's, grouped.
_EVERYONE = sql.SQL("""
SELECT user_id, sum(wins) AS wins, sum(matches) AS matches, sum(placement_sum) AS placement_sum
FROM (
    SELECT user_id, wins, matches, placement_sum FROM player_days WHERE day >= %(first_whole_day)s
    UNION ALL
    SELECT user_id, wins, matches, placement_sum FROM first_day
) rows
GROUP BY user_id
""")

_THRESHOLD = sql.SQL("""
WITH {first_day}, counted AS ({counts})
SELECT t.wins, (SELECT count(*) FROM player_totals WHERE mode = 'multiplayer' AND wins >= t.wins)
FROM (SELECT wins FROM counted WHERE matches > 0 ORDER BY wins DESC OFFSET {last} LIMIT 1) t
""")
_TOP_OF_ALL_TIME = sql.SQL(
    "SELECT user_id FROM player_totals WHERE mode = 'multiplayer' AND user_id NOT IN ({private})"
    " ORDER BY wins DESC LIMIT {size}"
)
_CANDIDATES = sql.SQL(
    "SELECT user_id FROM player_totals WHERE mode = 'multiplayer' AND wins >= %(threshold)s"
    " AND user_id NOT IN (SELECT id FROM users WHERE profile_private)"
)

# Ties by the lower average placement as shown (2 decimals), then more matches, then user_id.
_RANKED = sql.SQL("""
WITH {first_day}, counted AS ({counts}), ranked AS (
    SELECT user_id, CAST(wins AS bigint) AS wins, CAST(matches AS bigint) AS matches,
           CAST({win_rate} AS float8) AS win_rate, {average_placement} AS average_placement
    FROM counted
    WHERE matches > 0 AND user_id NOT IN (SELECT id FROM users WHERE profile_private)
    ORDER BY wins DESC, average_placement, matches DESC, user_id
    LIMIT {size}
)
SELECT r.user_id, u.username, r.wins, r.matches, r.win_rate, CAST(r.average_placement AS float8)
FROM ranked r JOIN users u ON u.id = r.user_id
ORDER BY r.wins DESC, r.average_placement, r.matches DESC, r.user_id
""")


def period_params(start: datetime) -> dict:
    """The queries' parameters for a period from ``start``: the first whole UTC day after it and its midnight."""
    first_whole_day = start.astimezone(UTC).date() + timedelta(days=1)
    return {
        "start": start,
        "first_whole_day": first_whole_day,
        "midnight": datetime.combine(first_whole_day, time(), UTC),
    }


def ranked_sql(players: sql.Composable | None) -> sql.Composed:
    """The board of the period, counting only ``players`` (a query of user_id), or everyone when None."""
    counts = _EVERYONE if players is None else _COUNTS_OF.format(players=players)
    return _RANKED.format(
        first_day=_FIRST_DAY,
        counts=counts,
        win_rate=figures.ratio_sql(sql.SQL("wins"), sql.SQL("matches"), figures.WIN_RATE),
        average_placement=figures.ratio_sql(sql.SQL("placement_sum"), sql.SQL("matches"), figures.AVERAGE_PLACEMENT),
        size=sql.Literal(LEADERBOARD_SIZE),
    )


def _threshold(params: dict) -> tuple[int, int] | None:
    """The 100th best period wins of the all-time top 200, and how many players have that many of all
    time; None when fewer than 100 of them played in the period."""
    query = _THRESHOLD.format(
        first_day=_FIRST_DAY,
        counts=_COUNTS_OF.format(
            players=_TOP_OF_ALL_TIME.format(
                size=sql.Literal(POOL_SIZE), private=sql.SQL("SELECT id FROM users WHERE profile_private")
            )
        ),
        last=sql.Literal(LEADERBOARD_SIZE - 1),
    )
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(None), params)
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1])


def multiplayer_period_rows(
    start: datetime, *, prune: bool = True, max_candidates: int = MAX_CANDIDATES
) -> list[tuple]:
    """(user_id, username, wins, matches, win_rate, average_placement) of the period's board, in rank order.

    ``prune``: look for the players who could be on the board first (not worth it for a day, which
    everyone has played a little of: 17 ms against 3 ms for grouping all of it, at 1,000,000 matches).
    """
    params = period_params(start)
    threshold = _threshold(params) if prune else None
    if threshold is not None and threshold[0] > 0 and threshold[1] <= max_candidates:
        query, params = ranked_sql(_CANDIDATES), {**params, "threshold": threshold[0]}
    else:
        query = ranked_sql(None)
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(None), params)
        return cursor.fetchall()
