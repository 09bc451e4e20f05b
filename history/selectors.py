"""Reads of the match history (SPEC section 6)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.db.models import Exists, OuterRef
from psycopg import sql

from accounts.models import User
from history import figures
from history.models import PLAYER_RESULT_FIELDS, Match, MatchPlayer

PLAYER_SHOWN_FIELDS = ("user_id", "username", "player_id", "placement", *PLAYER_RESULT_FIELDS, "pps", "apm")

# The players of the match whose id is ``m.id``, by placement, as a JSON array of objects with the
# PLAYER_SHOWN_FIELDS: psycopg decodes it in C into the dicts a response shows (ids as strings), so
# neither a history page nor a match builds MatchPlayer instances. Only fixed names go into the text.
_PLAYER_COLUMNS = {
    **{name: f"q.{name}" for name in ("user_id", "player_id", "placement", *PLAYER_RESULT_FIELDS)},
    "username": "u.username",
    "pps": figures.ratio_sql(sql.SQL("q.pieces_placed"), sql.SQL("q.duration_ms"), figures.PPS).as_string(None),
    "apm": figures.ratio_sql(sql.SQL("q.garbage_sent"), sql.SQL("q.duration_ms"), figures.APM).as_string(None),
}
_PLAYERS_OF_M = """(
    SELECT json_agg(json_build_object({fields}) ORDER BY q.placement, q.player_id)
    FROM match_players q LEFT JOIN users u ON u.id = q.user_id WHERE q.match_id = m.id
)""".format(fields=", ".join(f"'{name}', {_PLAYER_COLUMNS[name]}" for name in PLAYER_SHOWN_FIELDS))


def match_players_attach(*, matches: Sequence[Match]) -> list[Match]:
    """Load the players of ``matches`` in one query, by placement, as ``match.player_list``: dicts of
    the PLAYER_SHOWN_FIELDS, as a history page's rows carry them (match_page_for_user)."""
    matches = list(matches)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT m.id, {_PLAYERS_OF_M} FROM unnest(%s::uuid[]) AS m(id)", [[m.id for m in matches]])
        players = dict(cursor.fetchall())
    for match in matches:
        match.player_list = players.get(match.id) or []
    return matches


@dataclass(slots=True)
class MatchListRow:
    """One match of a history page: what a response shows of it, and the caller's position keys."""

    id: uuid.UUID
    game_type: str
    room_id: str | None
    mode: str
    player_count: int
    started_at: datetime
    ended_at: datetime
    tournament_id: str | None
    position: tuple[datetime, uuid.UUID]  # the caller's player row's (started_at, match_id): the cursor's keys
    player_list: list[dict] = field(default_factory=list)  # PLAYER_SHOWN_FIELDS of each, by placement


# Written by hand: building and compiling this query through the ORM was a third of a history page's
# time. Conditions are on the caller's own player row, so PostgreSQL walks match_players_user_recent_idx
# (user, -started_at, -match) or match_players_user_mode_idx and stops after one page, however many
# matches the caller has played. Each row brings its players (found by the match_id indexes), so a
# page is one round trip. Only the fixed fragments below ever go into the SQL text.
_PAGE_SQL = f"""
SELECT m.id, m.game_type, m.room_id, m.mode, m.player_count, m.started_at, m.ended_at, m.tournament_id,
       p.started_at, p.match_id, {_PLAYERS_OF_M}
FROM match_players p JOIN matches m ON m.id = p.match_id
WHERE {{conditions}}
ORDER BY p.started_at {{direction}}, p.match_id {{direction}}
LIMIT %s
"""
# The redundant bound on the time lets the index scan start at the cursor instead of filtering its way there.
_OLDER_THAN = "p.started_at <= %s AND (p.started_at < %s OR (p.started_at = %s AND p.match_id < %s))"
_NEWER_THAN = "p.started_at >= %s AND (p.started_at > %s OR (p.started_at = %s AND p.match_id > %s))"


def match_page_for_user(
    *,
    user: User,
    mode: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after: tuple[datetime, uuid.UUID] | None = None,
    newer: bool = False,
    limit: int,
) -> list[MatchListRow]:
    """Up to ``limit`` of the matches ``user`` played, in the list's order (newest first), after ``after``.

    ``since`` is inclusive and ``until`` exclusive, both on ``started_at``. With ``newer``, the matches
    just newer than ``after`` instead, nearest first (so oldest first). Each row carries its players.
    """
    conditions, params = ["p.user_id = %s"], [user.pk]
    if mode is not None:
        conditions.append("p.mode = %s")
        params.append(mode)
    if since is not None:
        conditions.append("p.started_at >= %s")
        params.append(since)
    if until is not None:
        conditions.append("p.started_at < %s")
        params.append(until)
    if after is not None:
        at, match_id = after
        conditions.append(_NEWER_THAN if newer else _OLDER_THAN)
        params.extend([at, at, at, match_id])
    sql = _PAGE_SQL.format(conditions=" AND ".join(conditions), direction="ASC" if newer else "DESC")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return [
            MatchListRow(*row[:8], position=(row[8], row[9]), player_list=row[10] or []) for row in cursor.fetchall()
        ]


def match_get_for_user(*, user: User, match_id: uuid.UUID) -> Match | None:
    """The match with its players when ``user`` played in it or is staff; otherwise None."""
    matches = Match.objects.filter(id=match_id)
    if not user.is_staff:
        matches = matches.filter(Exists(MatchPlayer.objects.filter(match=OuterRef("pk"), user=user)))
    match = matches.first()
    return match_players_attach(matches=[match])[0] if match is not None else None
