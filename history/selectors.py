"""Reads of the match history (docs/api.md): matches as a response shows them, with their players.

The queries are written in SQL, composed with psycopg.sql from fixed identifiers and placeholders
(never from text a caller gives): building and compiling the history page's query through the ORM
was a third of the page's time. Each row comes back in a typed shape (MatchRow, PlayerRow), mapped by
column name.
"""

import functools
import uuid
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypedDict

from django.db import connection
from psycopg import sql

from accounts.models import User
from history import figures
from history.models import Match, MatchPlayer


class PlayerRow(TypedDict):
    """One player of a match, as a response shows it (docs/api.md); by placement within a match."""

    user_id: str | None  # null for a guest, or a user deleted since
    username: str | None
    player_id: str
    placement: int
    score: int
    lines_cleared: int
    garbage_sent: int
    garbage_received: int
    pieces_placed: int
    duration_ms: int
    level: int | None  # solo only
    pps: float | None  # null when duration_ms is 0
    apm: float | None


@dataclass(frozen=True, slots=True)
class MatchRow:
    """A match as a response shows it, with its players."""

    id: uuid.UUID
    game_type: str
    room_id: str | None
    mode: str
    player_count: int
    started_at: datetime
    ended_at: datetime
    tournament_id: str | None
    solo_mode: str | None
    verified: bool | None
    players: list[PlayerRow]


@dataclass(frozen=True, slots=True)
class MatchListRow(MatchRow):
    """A match of a history page, and the keys of the caller's player row that a cursor points at."""

    cursor_started_at: datetime
    cursor_match_id: uuid.UUID

    @property
    def position(self) -> tuple[datetime, uuid.UUID]:
        return (self.cursor_started_at, self.cursor_match_id)


_MATCHES = sql.Identifier(Match._meta.db_table)
_PLAYERS = sql.Identifier(MatchPlayer._meta.db_table)
_USERS = sql.Identifier(User._meta.db_table)

# What each PlayerRow key is, over the player row q and its user u; a plain column unless named here.
_PLAYER_VALUES: dict[str, sql.Composable] = {
    "username": sql.Identifier("u", "username"),
    "pps": figures.ratio_sql(sql.Identifier("q", "pieces_placed"), sql.Identifier("q", "duration_ms"), figures.PPS),
    "apm": figures.ratio_sql(sql.Identifier("q", "garbage_sent"), sql.Identifier("q", "duration_ms"), figures.APM),
}

# The players of the match m, by placement, as a JSON array of PlayerRow objects: psycopg decodes it in
# C into the dicts a response shows (ids as strings), so no MatchPlayer instances are built. The user
# is found by its primary key, and the players by the match_id indexes.
_PLAYERS_OF_M = sql.SQL(
    "(SELECT coalesce(json_agg(json_build_object({values}) ORDER BY q.placement, q.player_id), '[]')"
    " FROM {players} q LEFT JOIN {users} u ON u.id = q.user_id WHERE q.match_id = m.id)"
).format(
    values=sql.SQL(", ").join(
        sql.SQL("{}, {}").format(sql.Literal(name), _PLAYER_VALUES.get(name, sql.Identifier("q", name)))
        for name in PlayerRow.__annotations__
    ),
    players=_PLAYERS,
    users=_USERS,
)

_MATCH_COLUMNS = sql.SQL(", ").join(
    [sql.Identifier("m", f.name) for f in fields(MatchRow) if f.name != "players"]
    + [sql.SQL("{} AS players").format(_PLAYERS_OF_M)]
)


def _rows(query: sql.Composable, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of ``query`` as dicts by column name."""
    with connection.cursor() as cursor:
        cursor.execute(query.as_string(cursor.connection), params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


# Conditions are on the caller's own player row p, so PostgreSQL walks match_players_user_recent_idx
# (user, -started_at, -match) or match_players_user_mode_idx and stops after one page, however many
# matches the caller has played; each row brings its players, so a page is one round trip.
_PAGE = sql.SQL(
    "SELECT {columns}, p.started_at AS cursor_started_at, p.match_id AS cursor_match_id"
    " FROM {players} p JOIN {matches} m ON m.id = p.match_id"
    " WHERE {conditions} ORDER BY p.started_at {direction}, p.match_id {direction} LIMIT %(limit)s"
)
# The redundant bound on the time lets the index scan start at the cursor instead of filtering its way there.
_OLDER_THAN = sql.SQL(
    "p.started_at <= %(at)s AND (p.started_at < %(at)s OR (p.started_at = %(at)s AND p.match_id < %(match_id)s))"
)
_NEWER_THAN = sql.SQL(
    "p.started_at >= %(at)s AND (p.started_at > %(at)s OR (p.started_at = %(at)s AND p.match_id > %(match_id)s))"
)


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
    params: dict[str, Any] = {"user_id": user.pk, "limit": limit, "mode": mode, "since": since, "until": until}
    if after is not None:
        params["at"], params["match_id"] = after
    query = _page_query(
        mode=mode is not None, since=since is not None, until=until is not None, after=after is not None, newer=newer
    )
    return [MatchListRow(**row) for row in _rows(query, params)]


@functools.cache
def _page_query(*, mode: bool, since: bool, until: bool, after: bool, newer: bool) -> sql.SQL:
    """The page's SQL for the filters given: composed once per combination (that took a page 0.2 ms)."""
    conditions = [sql.SQL("p.user_id = %(user_id)s")]
    if mode:
        conditions.append(sql.SQL("p.mode = %(mode)s"))
    if since:
        conditions.append(sql.SQL("p.started_at >= %(since)s"))
    if until:
        conditions.append(sql.SQL("p.started_at < %(until)s"))
    if after:
        conditions.append(_NEWER_THAN if newer else _OLDER_THAN)
    query = _PAGE.format(
        columns=_MATCH_COLUMNS,
        players=_PLAYERS,
        matches=_MATCHES,
        conditions=sql.SQL(" AND ").join(conditions),
        direction=sql.SQL("ASC" if newer else "DESC"),
    )
    return sql.SQL(query.as_string(None))


def match_get(*, match_id: uuid.UUID, player: User | None = None) -> MatchRow | None:
    """The match with its players; None when there is none, or when ``player`` is given and did not play in it."""
    params = {"match_id": match_id, "user_id": player.pk if player is not None else None}
    rows = _rows(_match_query(of_player=player is not None), params)
    return MatchRow(**rows[0]) if rows else None


@functools.cache
def _match_query(*, of_player: bool) -> sql.SQL:
    query = sql.SQL("SELECT {columns} FROM {matches} m WHERE m.id = %(match_id)s").format(
        columns=_MATCH_COLUMNS, matches=_MATCHES
    )
    if of_player:
        query += sql.SQL(
            " AND EXISTS (SELECT FROM {players} o WHERE o.match_id = m.id AND o.user_id = %(user_id)s)"
        ).format(players=_PLAYERS)
    return sql.SQL(query.as_string(None))


def match_get_for_user(*, user: User, match_id: uuid.UUID | str) -> MatchRow | None:
    """The match with its players when ``user`` played in it or is staff; otherwise None.

    ``match_id`` may be the text of a URL: one that is not a UUID names no match.
    """
    if not isinstance(match_id, uuid.UUID):
        try:
            match_id = uuid.UUID(match_id)
        except ValueError:
            return None
    return match_get(match_id=match_id, player=None if user.is_staff else user)
