"""Reads behind the public routes (docs/api.md, public reads): a match by the text of its URL, the
tournaments, and a tournament's matches. Built on history.selectors' match shape."""

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import sql

from history.selectors import (
    _MATCH_COLUMNS,
    _MATCHES,
    _NEWER_THAN,
    _OLDER_THAN,
    MatchListRow,
    MatchRow,
    _rows,
    match_get,
)


def match_get_public(*, match_id: str | uuid.UUID) -> MatchRow | None:
    """Any match, by id; ``match_id`` may be the text of a URL, and one that is not a UUID names none."""
    if not isinstance(match_id, uuid.UUID):
        try:
            match_id = uuid.UUID(match_id)
        except ValueError:
            return None
    return match_get(match_id=match_id)


@dataclass(frozen=True, slots=True)
class TournamentRow:
    tournament_id: str
    matches: int
    players: int
    first_match_at: datetime
    last_match_at: datetime


# Newest first by their last match. Walks matches_tournament_idx; players are the distinct player ids
# (a guest counts by their player_id, as on the standings).
_TOURNAMENTS = """
SELECT m.tournament_id, count(DISTINCT m.id) AS matches, count(DISTINCT q.player_id) AS players,
       min(m.started_at) AS first_match_at, max(m.started_at) AS last_match_at
FROM matches m JOIN match_players q ON q.match_id = m.id
WHERE m.tournament_id IS NOT NULL
GROUP BY m.tournament_id
ORDER BY max(m.started_at) DESC, m.tournament_id
LIMIT %(limit)s
"""


def tournament_list(*, limit: int = 100) -> list[TournamentRow]:
    """The tournaments, the most recently played first."""
    return [TournamentRow(**row) for row in _rows(sql.SQL(_TOURNAMENTS), {"limit": limit})]


def tournament_match_page(
    *,
    tournament_id: str,
    after: tuple[datetime, uuid.UUID] | None = None,
    newer: bool = False,
    limit: int,
) -> list[MatchListRow]:
    """A tournament's matches, newest first, after ``after`` (as history.selectors.match_page_for_user)."""
    params: dict[str, Any] = {"tournament_id": tournament_id, "limit": limit}
    if after is not None:
        params["at"], params["match_id"] = after
    return [MatchListRow(**row) for row in _rows(_tournament_query(after=after is not None, newer=newer), params)]


@functools.cache
def _tournament_query(*, after: bool, newer: bool) -> sql.SQL:
    conditions = [sql.SQL("m.tournament_id = %(tournament_id)s")]
    if after:
        # The page conditions are written on p (a player row); here the row is the match itself.
        condition = (_NEWER_THAN if newer else _OLDER_THAN).as_string(None).replace("p.started_at", "m.started_at")
        conditions.append(sql.SQL(condition.replace("p.match_id", "m.id")))
    direction = sql.SQL("ASC" if newer else "DESC")
    query = sql.SQL(
        "SELECT {columns}, m.started_at AS cursor_started_at, m.id AS cursor_match_id FROM {matches} m"
        " WHERE {conditions} ORDER BY m.started_at {direction}, m.id {direction} LIMIT %(limit)s"
    ).format(
        columns=_MATCH_COLUMNS, matches=_MATCHES, conditions=sql.SQL(" AND ").join(conditions), direction=direction
    )
    return sql.SQL(query.as_string(None))
