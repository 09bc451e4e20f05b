"""Nothing ages out unarchived (docs/operations.md): how many finished matches wait, and the oldest's age."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from django.db import close_old_connections
from django.db.models import Count, Min
from django.utils import timezone

from history.models import Match
from telemetry.metrics import ARCHIVE_OLDEST_UNARCHIVED, ARCHIVE_UNARCHIVED

logger = logging.getLogger("archive")

GAUGE_POLL_SECONDS = 15.0


def archive_health() -> dict[str, int | float | None]:
    """``{unarchived, oldest_unarchived_age_s}`` of the multiplayer matches (solo ones have no replay).

    One query on the partial index of the unarchived few (matches_unarchived_idx).
    """
    found = Match.objects.filter(archived_at__isnull=True, room_id__isnull=False).aggregate(
        unarchived=Count("id"), oldest=Min("ended_at")
    )
    oldest = found["oldest"]
    age = round((timezone.now() - oldest).total_seconds(), 1) if oldest is not None else None
    return {"unarchived": found["unarchived"], "oldest_unarchived_age_s": age}


def archive_health_if_readable(*, database_ok: bool) -> dict[str, int | float | None]:
    """`archive_health` for /healthz: nulls when PostgreSQL is down or the query fails, never an error."""
    if database_ok:
        try:
            return archive_health()
        except Exception:  # the database failed between the two checks: reported as unknown
            pass
    return {"unarchived": None, "oldest_unarchived_age_s": None}


def update_archive_gauges() -> dict[str, int | float | None]:
    """Read the archive's health and copy it into its gauges; what was read."""
    close_old_connections()
    health = archive_health()
    ARCHIVE_UNARCHIVED.set(health["unarchived"] or 0)
    ARCHIVE_OLDEST_UNARCHIVED.set(health["oldest_unarchived_age_s"] or 0)
    return health


async def poll_archive_gauges(stopping: asyncio.Event, interval: float = GAUGE_POLL_SECONDS) -> None:
    """Refresh the archive's gauges every ``interval`` until ``stopping``; a failed read (PostgreSQL away)
    leaves them at their last values."""
    while not stopping.is_set():
        try:
            await asyncio.to_thread(update_archive_gauges)
        except Exception as error:
            logger.debug("archive gauges not read (%s)", error.__class__.__name__)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=interval)
