"""Writing a match's document to the archive and reading it back (SPEC section 15).

The object is written first and the row recorded after: a crash between the two leaves an object no
row points at, which the next write replaces with the same bytes, and never a row pointing at nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from nats.aio.client import Client as NATS

from archive.document import decode_document, encode_document, object_key, replay_document, sha256_hex
from archive.store import ArchiveStore, ArchiveUnreadable
from history.models import Match
from history.selectors import MatchRow
from streaming.replay import Replay, read_replay

logger = logging.getLogger("archive")


def match_document(*, match: Match | MatchRow, replay: Replay) -> dict[str, Any]:
    """The replay API's document of ``match`` from its replay read from the stream."""
    return replay_document(
        match_id=str(match.id),
        room_id=match.room_id or "",
        started_at=match.started_at,
        events=replay.events,
        moments=replay.moments,
        last_event_seq=replay.last_event_seq,
        last_moment_seq=replay.last_moment_seq,
    )


async def match_document_from_stream(client: NATS, match: Match) -> dict[str, Any]:
    """Read the match's replay from the stream (ReplayGone / ReplayNotFound when it holds none)."""
    return match_document(match=match, replay=await read_replay(client, match.room_id or "", match.started_at))


@dataclass(frozen=True)
class ArchivedObject:
    key: str
    sha256: str
    size: int


def match_archive_write(*, match: Match, document: dict[str, Any], store: ArchiveStore) -> ArchivedObject:
    """Store the match's document under its key, then record key, SHA-256 and time on its row.

    StoreUnavailable (nothing recorded) when the store fails; a database error leaves the object
    unrecorded, to be written again with the same bytes.
    """
    full_key = store.full_key(object_key(match_id=str(match.id), started_at=match.started_at))
    body = encode_document(document)
    digest = sha256_hex(body)
    store.put(full_key, body)
    Match.objects.filter(pk=match.pk).update(archived_at=timezone.now(), archive_key=full_key, archive_sha256=digest)
    match.archive_key, match.archive_sha256 = full_key, digest
    return ArchivedObject(full_key, digest, len(body))


def archived_document(*, match: Match, store: ArchiveStore) -> dict[str, Any] | None:
    """The match's archived document; None when it was never archived (or its object is gone).

    ArchiveUnreadable when the store is away, or when the object is not the one its row recorded.
    """
    if not match.archive_key:
        return None
    body = store.get(match.archive_key)
    if body is None:
        logger.error("archived object missing key=%s", match.archive_key, extra={"match_id": str(match.id)})
        return None
    if match.archive_sha256 and sha256_hex(body) != match.archive_sha256:
        raise ArchiveUnreadable(
            f"the archived copy of match {match.id} does not match its recorded SHA-256 ({match.archive_key})"
        )
    try:
        return decode_document(body)
    except ValueError as error:
        raise ArchiveUnreadable(f"the archived copy of match {match.id} cannot be read: {error}") from error
