"""Tournament standings (docs/api.md, stats): the view's refresh, debounced for the projector, and reads."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime

from django.db import connection, connections, transaction

logger = logging.getLogger("stats.standings")

# Any fixed key: refreshes take it before their snapshot, so a later refresh never stores older data.
_REFRESH_LOCK_KEY = 0x5354414E  # "STAN"


def standings_refresh() -> datetime:
    """Refresh the tournament_standings view CONCURRENTLY (reads go on) and return its refreshed_at.

    Two refreshes at once queue on an advisory lock taken before the REFRESH statement, whose snapshot
    is therefore taken after the other one committed: neither fails, and the last one holds the newest
    rows. refreshed_at is the time the snapshot's data is from (just after the lock).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s), clock_timestamp()", [_REFRESH_LOCK_KEY])
        refreshed_at = cursor.fetchone()[1]
        cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY tournament_standings")
        cursor.execute(
            "INSERT INTO tournament_standings_refresh (id, refreshed_at) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET refreshed_at = excluded.refreshed_at",
            [refreshed_at],
        )
    return refreshed_at


class DebouncedRefresh:
    """Runs ``refresh`` on a thread of its own after ``request()``, at most once per ``interval`` seconds.

    A request while a refresh is due or running is folded into the next one, which always comes: the
    last request is followed by a refresh even when nothing else happens (no traffic behind it).
    ``close()`` runs a pending refresh at once and stops the thread. A failed refresh (PostgreSQL away)
    is logged and tried again an interval later.
    """

    def __init__(self, refresh: Callable[[], object], *, interval: float, name: str = "standings-refresh") -> None:
        self._refresh = refresh
        self._interval = interval
        self._name = name
        self._condition = threading.Condition()
        self._pending = False
        self._closed = False
        self._last_started = float("-inf")
        self._thread: threading.Thread | None = None
        self.refreshes = 0

    def request(self) -> None:
        with self._condition:
            if self._closed:
                return
            self._pending = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._condition.notify_all()

    def close(self, timeout: float = 60) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._pending and not self._closed:
                    self._condition.wait()
                if not self._pending:
                    return
                while not self._closed and (wait := self._last_started + self._interval - time.monotonic()) > 0:
                    self._condition.wait(wait)
                self._pending = False
                self._last_started = time.monotonic()
                closing = self._closed
            try:
                self._refresh()
                self.refreshes += 1
            except Exception as error:  # the world failed (PostgreSQL away): try again an interval later
                logger.warning("standings refresh failed, retrying in %.1fs: %s", self._interval, error)
                with self._condition:
                    self._pending = not closing
            finally:
                connections.close_all()  # this thread's own connection: a fresh one next time


# One round trip for the whole answer: whether any match has this tournament_id, the view's refreshed_at
# and its rows (at least one row, the header's, even with no standings yet). The route's time was
# mostly the three statements' round trips and Django's ORM around two of them, not the view's read.
# user_id as text: JSON shows it so, and psycopg's UUID objects then cost an encoder call a row.
_STANDINGS_SQL = """
WITH head AS (
    SELECT EXISTS (SELECT 1 FROM matches WHERE tournament_id = %(tournament_id)s) AS known,
           (SELECT refreshed_at FROM tournament_standings_refresh WHERE id = 1) AS refreshed_at
)
SELECT head.known, head.refreshed_at,
       s.rank, s.player_id, u.id::text, u.username, s.matches, s.wins, s.points,
       CAST(s.average_placement AS float8), s.total_score
FROM head
LEFT JOIN (tournament_standings s LEFT JOIN users u ON u.id = s.user_id)
       ON s.tournament_id = %(tournament_id)s
ORDER BY s.rank
"""
_STANDING_FIELDS = (
    "rank", "player_id", "user_id", "username", "matches", "wins", "points", "average_placement", "total_score",
)  # fmt: skip


def tournament_standings(*, tournament_id: str) -> dict | None:
    """The tournament's standings as of the view's last refresh; None when no match has this tournament_id.

    A user deleted since shows as a guest (user_id and username null), as in a match.
    """
    with connection.cursor() as cursor:
        cursor.execute(_STANDINGS_SQL, {"tournament_id": tournament_id})
        rows = cursor.fetchall()
    known, refreshed_at = rows[0][:2]
    if not known:
        return None
    return {
        "tournament_id": tournament_id,
        "refreshed_at": refreshed_at,
        "standings": [dict(zip(_STANDING_FIELDS, row[2:], strict=True)) for row in rows if row[2] is not None],
    }
