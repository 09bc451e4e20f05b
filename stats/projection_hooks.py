"""The tournament standings kept fresh from the projector's hooks (history.signals), connected in
StatsConfig.ready(): the projector knows nothing of the standings.

Each projector gets its own debounced refresh (docs/api.md), made on its first tournament match and
run at once when it closes.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence
from typing import Any

from django.conf import settings

from history.models import Match
from stats.standings import DebouncedRefresh, standings_refresh

_refreshers: weakref.WeakKeyDictionary[object, DebouncedRefresh] = weakref.WeakKeyDictionary()
_refreshers_lock = threading.Lock()


def refresher_for(projector: object) -> DebouncedRefresh:
    """The projector's debounced standings refresh, made on first use."""
    with _refreshers_lock:
        refresher = _refreshers.get(projector)
        if refresher is None:
            refresher = DebouncedRefresh(standings_refresh, interval=settings.TOURNAMENT_REFRESH_SECONDS)
            _refreshers[projector] = refresher
        return refresher


def refresh_after_tournament_matches(sender: type, *, projector: object, matches: Sequence[Match], **_: Any) -> None:
    """A refresh requested when a committed batch holds a tournament's match; other matches change nothing."""
    if any(match.tournament_id is not None for match in matches):
        refresher_for(projector).request()


def run_pending_refresh(sender: type, *, projector: object, **_: Any) -> None:
    """The projector closed: its pending refresh runs now, and its refresher is let go."""
    with _refreshers_lock:
        refresher = _refreshers.pop(projector, None)
    if refresher is not None:
        refresher.close()
