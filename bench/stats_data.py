"""The stats benchmark's data: a million matches written by PostgreSQL itself (generate_series), in minutes.

Shaped like a busy platform's year: matches 30 s apart, ending about now, so that a day holds 2,880
of them, a week 20,160, a month 86,400. One match in ten is solo. In a multiplayer match of four,
seat 0 is one of ``HEAVY_PLAYERS`` registered players (about 10,000 matches each at 1,000,000), seat 1
one of ``LIGHT_PLAYERS`` others (a few dozen a year each), seats 2 and 3 guests; placements are a
per-match rotation, so every player wins some and loses some. Every ``TOURNAMENT_EVERY``-th match is
one of the tournament ``TOURNAMENT_ID``, its seat-1 players and guests from pools of 64 so that they
meet again. Values come from hashes of the match number: the same data every run.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import psycopg

HEAVY_PLAYERS = 100
LIGHT_PLAYERS = 20_000
TOURNAMENT_ID = "bench-cup"
TOURNAMENT_EVERY = 100
MATCH_SPACING = timedelta(seconds=30)

_USERS = """
INSERT INTO users (id, password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                   date_joined)
SELECT md5('bench-user-' || n)::uuid, '!', false, 'bench-' || n, '', '', '', false, true, now()
FROM generate_series(1, %(count)s) n
"""

_MATCHES = """
INSERT INTO matches (id, game_type, room_id, mode, player_count, started_at, ended_at, inserted_at, tournament_id)
SELECT md5('bench-match-' || n)::uuid, 'tetris',
       CASE WHEN n %% 10 = 0 THEN NULL ELSE 'room-' || (n %% 5000) END,
       CASE WHEN n %% 10 = 0 THEN 'solo' ELSE 'multiplayer' END,
       CASE WHEN n %% 10 = 0 THEN 1 ELSE 4 END,
       %(base)s + n * %(spacing)s, %(base)s + n * %(spacing)s + (60 + n %% 61) * interval '1 second', now(),
       CASE WHEN n %% 10 <> 0 AND n %% %(tournament_every)s = 1 THEN %(tournament_id)s END
FROM generate_series(0, %(total)s - 1) n
"""

_PLAYERS = """
INSERT INTO match_players (id, match_id, user_id, player_id, placement, score, lines_cleared, garbage_sent,
                           garbage_received, pieces_placed, duration_ms, level, inserted_at, started_at,
                           ended_at, mode)
SELECT gen_random_uuid(), md5('bench-match-' || n)::uuid, s.user_id,
       coalesce(s.user_id::text, CASE WHEN s.in_cup THEN 'guest-cup-' || ((n + 17 * seat) %% 64)
                                      ELSE 'guest-' || n || '-' || seat END),
       CASE WHEN s.solo THEN 1 ELSE 1 + (seat + (hashint8(n) & 2147483647) %% 4) %% 4 END,
       (hashint8(n * 8 + seat) & 2147483647) %% 90000,
       (hashint8(n * 8 + seat + 1) & 2147483647) %% 80,
       CASE WHEN s.solo THEN 0 ELSE (hashint8(n * 8 + seat + 2) & 2147483647) %% 20 END,
       CASE WHEN s.solo THEN 0 ELSE (hashint8(n * 8 + seat + 3) & 2147483647) %% 20 END,
       (hashint8(n * 8 + seat + 4) & 2147483647) %% 200,
       (60 + n %% 61) * 1000,
       CASE WHEN s.solo THEN 1 + (hashint8(n * 8 + 5) & 2147483647) %% 20 END,
       now(), %(base)s + n * %(spacing)s, %(base)s + n * %(spacing)s + (60 + n %% 61) * interval '1 second',
       CASE WHEN s.solo THEN 'solo' ELSE 'multiplayer' END
FROM generate_series(0, %(total)s - 1) n
CROSS JOIN LATERAL generate_series(0, CASE WHEN n %% 10 = 0 THEN 0 ELSE 3 END) seat
CROSS JOIN LATERAL (
    SELECT n %% 10 = 0 AS solo,
           n %% 10 <> 0 AND n %% %(tournament_every)s = 1 AS in_cup,
           CASE
               -- solo: four in five games are a heavy player's
               WHEN n %% 10 = 0 AND (n / 10) %% 5 <> 0
                   THEN md5('bench-user-' || (1 + (hashint8(n + 3) & 2147483647) %% %(heavy)s))::uuid
               WHEN n %% 10 = 0
                   THEN md5('bench-user-' || (%(heavy)s + 1 + (hashint8(n) & 2147483647) %% %(light)s))::uuid
               WHEN seat = 0 THEN md5('bench-user-' || (1 + (hashint8(n + 1) & 2147483647) %% %(heavy)s))::uuid
               -- a tournament's registered players meet again: 64 of them in seat 1
               WHEN seat = 1 AND n %% %(tournament_every)s = 1
                   THEN md5('bench-user-' || (%(heavy)s + 1 + (hashint8(n + 2) & 2147483647) %% 64))::uuid
               WHEN seat = 1
                   THEN md5('bench-user-' || (%(heavy)s + 1 + (hashint8(n + 2) & 2147483647) %% %(light)s))::uuid
           END AS user_id
) s
"""


def heavy_player_ids() -> list[uuid.UUID]:
    """The user ids of the players in seat 0 of every multiplayer match (about 10,000 matches each at 1M)."""
    import hashlib

    return [uuid.UUID(hashlib.md5(f"bench-user-{n}".encode()).hexdigest()) for n in range(1, HEAVY_PLAYERS + 1)]


def generate(url: str, total: int, *, now: datetime | None = None) -> None:
    """Empty matches and match_players, then write ``total`` matches and their players (and the users)."""
    base = (now or datetime.now(UTC)) - MATCH_SPACING * total
    params = {
        "total": total,
        "base": base,
        "spacing": MATCH_SPACING,
        "tournament_every": TOURNAMENT_EVERY,
        "tournament_id": TOURNAMENT_ID,
        "heavy": HEAVY_PLAYERS,
        "light": LIGHT_PLAYERS,
        "count": HEAVY_PLAYERS + LIGHT_PLAYERS,
    }
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("TRUNCATE matches, match_players CASCADE")
        cursor.execute("DELETE FROM users WHERE username LIKE 'bench-%%'")
        cursor.execute(_USERS, params)
        cursor.execute(_MATCHES, params)
        cursor.execute(_PLAYERS, params)
    # Outside a transaction: VACUUM sets the visibility map, as autovacuum does for insert-only tables
    # soon after a load; without it every index-only scan still visits the heap. CHECKPOINT writes the
    # load's dirty pages now, not while the requests are timed.
    with psycopg.connect(url, autocommit=True) as connection:
        for table in ("users", "matches", "match_players"):
            connection.execute(f"VACUUM (ANALYZE) {table}")
        connection.execute("CHECKPOINT")
