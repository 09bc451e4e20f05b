"""Reads of a finished match (docs/operations.md): its archived object when it has one, else the stream.

The same document either way (the archive holds exactly what the replay API answered), so the same
ETag. The archive is read first because it is faster: one object against the stream's thousands of
direct gets (bench/archive.py: a 3,000-event match's replay answered in 26 ms from the archive, 156 ms
from the stream, p50). A match not archived yet, or whose object cannot be read, is read from the
stream. ReplayGone only when neither holds it; ArchiveUnreadable when only the archive may and its
store cannot be read now.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from archive.services import archived_document, match_document
from archive.store import ArchiveStore, ArchiveUnreadable
from history.models import Match
from history.replay import ReplayGone, ReplayNotFound, replay_match
from history.selectors import MatchRow
from streaming.world import NATS_UNAVAILABLE

logger = logging.getLogger("archive")


def match_replay_document(match: Match | MatchRow) -> dict[str, Any]:
    """The replay document of a finished match (its row, or the selectors' MatchRow): archived, else streamed.

    ReplayGone when neither holds it; ArchiveUnreadable when the stream does not and the store cannot
    be read; NATS's failures as they are when NATS is away and the archive has no copy to give.
    """
    unreadable: ArchiveUnreadable | None = None
    try:
        document = _from_archive(match.id)
    except ArchiveUnreadable as error:  # the stream may still hold it
        document, unreadable = None, error
    if document is not None:
        return document
    try:
        return match_document(match=match, replay=replay_match(match.room_id or "", match.started_at))
    except (ReplayGone, ReplayNotFound) as error:
        if unreadable is not None:
            raise unreadable from error
        raise ReplayGone(f"neither the stream nor the archive holds match {match.id}") from error
    except NATS_UNAVAILABLE:
        if unreadable is not None:
            logger.warning("NATS and the archive both unreadable: %s", unreadable, extra={"match_id": str(match.id)})
        raise


def archived_match_document(room_id: str, started_at: datetime | None) -> dict[str, Any] | None:
    """The archived document of the room's match started at ``started_at`` (None: its latest archived one);
    None when there is none. For `manage.py replay` once the stream no longer holds the match."""
    matches = Match.objects.filter(room_id=room_id, archive_key__isnull=False)
    if started_at is not None:
        matches = matches.filter(started_at=started_at)
    match = matches.order_by("-started_at").values_list("id", flat=True).first()
    return _from_archive(match) if match is not None else None


def _from_archive(match_id: uuid.UUID) -> dict[str, Any] | None:
    """The match's archived document; None when it is not archived (no store needed to say so)."""
    match = Match.objects.filter(pk=match_id).only("id", "archive_key", "archive_sha256").first()
    if match is None or not match.archive_key:
        return None
    return archived_document(match=match, store=ArchiveStore.from_settings())


def archived_for_command(room_id: str, started_at: datetime | None) -> dict[str, Any] | None:
    """`archived_match_document` for a command (None without ARCHIVE_URL: no archive to look in); the
    store away is a CommandError that says so."""
    from django.conf import settings
    from django.core.management.base import CommandError

    if not settings.ARCHIVE_URL:
        return None
    try:
        return archived_match_document(room_id, started_at)
    except ArchiveUnreadable as error:
        raise CommandError(
            f"the stream no longer holds this match and its archived copy cannot be read: {error}"
        ) from error
