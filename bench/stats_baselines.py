"""The stats benchmark's baselines: each route's figures as docs/api.md defines them, in plain SQL over
matches and match_players (what the routes computed before player_totals, player_days and the covering
indexes), so each row shows what the read models buy in the same run."""

from __future__ import annotations

PLAYER_STATS = """
SELECT p.mode, count(*), count(*) FILTER (WHERE p.placement = 1), sum(p.placement), max(p.score), sum(p.score),
       sum(p.lines_cleared), sum(p.garbage_sent), sum(p.garbage_received), sum(p.pieces_placed),
       sum(p.duration_ms), max(p.level), max(m.ended_at)
FROM match_players p JOIN matches m ON m.id = p.match_id
WHERE p.user_id = %(user_id)s
GROUP BY p.mode
"""

_PERIOD = "AND m.ended_at >= %(start)s"

SOLO_BOARD = """
WITH best AS (
    SELECT DISTINCT ON (p.user_id) p.user_id, p.score, m.id AS match_id, m.ended_at
    FROM match_players p JOIN matches m ON m.id = p.match_id
    WHERE p.mode = 'solo' AND p.user_id IS NOT NULL {period}
    ORDER BY p.user_id, p.score DESC, m.ended_at, m.id
)
SELECT b.user_id, u.username, b.score, b.match_id, b.ended_at
FROM best b JOIN users u ON u.id = b.user_id
ORDER BY b.score DESC, b.ended_at, b.user_id
LIMIT 100
"""

MULTIPLAYER_BOARD = """
SELECT p.user_id, u.username, count(*) FILTER (WHERE p.placement = 1) AS wins, count(*) AS matches,
       round(CAST(count(*) FILTER (WHERE p.placement = 1) AS numeric(1000, 20)) / count(*), 4),
       round(CAST(sum(p.placement) AS numeric(1000, 20)) / count(*), 2) AS average_placement
FROM match_players p JOIN matches m ON m.id = p.match_id JOIN users u ON u.id = p.user_id
WHERE p.mode = 'multiplayer' {period}
GROUP BY p.user_id, u.username
ORDER BY wins DESC, average_placement, matches DESC, p.user_id
LIMIT 100
"""

STANDINGS = """
SELECT p.player_id, count(*), count(*) FILTER (WHERE p.placement = 1) AS wins,
       sum(m.player_count - p.placement) AS points,
       round(CAST(sum(p.placement) AS numeric(1000, 20)) / count(*), 2) AS average_placement, sum(p.score) AS total
FROM matches m JOIN match_players p ON p.match_id = m.id
WHERE m.tournament_id = %(tournament_id)s
GROUP BY p.player_id
ORDER BY points DESC, wins DESC, average_placement, total DESC, p.player_id COLLATE "C"
"""


def board(query: str, start) -> str:
    return query.format(period="" if start is None else _PERIOD)
