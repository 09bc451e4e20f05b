"""The archive follows what other apps announce about a match (connected in ArchiveConfig.ready)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from archive.services import match_rearchive
from archive.store import StoreUnavailable
from moments.signals import FollowUpFailed


def rewrite_after_redetect(sender: Any, *, room_id: str, started_at: datetime, **kwargs: Any) -> str | None:
    """`redetect` published moments into a match: its archived document holds them too (docs/operations.md)."""
    try:
        rewritten = match_rearchive(room_id=room_id, started_at=started_at)
    except StoreUnavailable as error:
        raise FollowUpFailed(f"the archived document was not rewritten: {error}") from None
    return None if rewritten is None else f"archived document rewritten: {rewritten.key}"
