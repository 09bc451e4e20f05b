"""Writing a match's document to the archive and reading it back (docs/operations.md).

The object is written first and the row recorded after: a crash between the two leaves an object no
row points at, which the next write replaces with the same bytes, and never a row pointing at nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.utils import timezone
from nats.aio.client import Client as NATS

from archive.document import decode_document, encode_document, object_key, replay_document, sha256_hex
from archive.signals import matches_archived
from archive.store import ArchiveStore, ArchiveUnreadable
from contract.events import moments_subject, parse_timestamp
from contract.json_bytes import payload_object
from history.models import Match
from history.replay import CLOCK_SKEW_MARGIN, Replay, read_replay, replay_match
from history.selectors import MatchRow
from streaming.stream_reads import read_subject

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


async def match_document_from_events(
    client: NATS, match: Match, events: list[dict[str, Any]], last_event_seq: int
) -> dict[str, Any]:
    """The match's document from its events already in hand (archive.assembly): only its moments are read."""
    replay = Replay(
        room_id=match.room_id or "", started_at=match.started_at, events=events, last_event_seq=last_event_seq
    )
    async for message in read_subject(client, moments_subject(replay.room_id), match.started_at - CLOCK_SKEW_MARGIN):
        # As read_replay reads them: the moments whose data.started_at is the match's, in stream order.
        moment = payload_object(message.data)
        if moment is None:
            continue
        try:
            started = parse_timestamp((moment.get("data") or {}).get("started_at"), "started_at")
        except (ValueError, AttributeError):
            continue
        if started == match.started_at:
            replay.moments.append(moment)
            replay.last_moment_seq = message.seq
        elif started > match.started_at:
            break
    return match_document(match=match, replay=replay)


@dataclass(frozen=True)
class ArchivedObject:
    key: str
    sha256: str
    size: int


def match_archive_put(*, match: Match, document: dict[str, Any], store: ArchiveStore) -> ArchivedObject:
    """Store the match's document under its key (no row touched); StoreUnavailable when the store fails."""
    full_key = store.full_key(object_key(match_id=str(match.id), started_at=match.started_at))
    body = encode_document(document)
    store.put(full_key, body)
    return ArchivedObject(full_key, sha256_hex(body), len(body))


def matches_archive_record(*, stored: list[tuple[Match, ArchivedObject]]) -> None:
    """Record key, SHA-256 and time on the rows of matches whose objects are stored, in one statement."""
    now = timezone.now()
    for match, archived in stored:
        match.archived_at, match.archive_key, match.archive_sha256 = now, archived.key, archived.sha256
    # One statement over arrays: bulk_update's CASE per column and row cost the archiver a tenth of its
    # time (bench/archive.py).
    with connection.cursor() as cursor:
        cursor.execute(
            _RECORD_ARCHIVED,
            [
                now,
                [match.id for match, _ in stored],
                [archived.key for _, archived in stored],
                [archived.sha256 for _, archived in stored],
            ],
        )


_RECORD_ARCHIVED = """
UPDATE matches AS m SET archived_at = %s, archive_key = v.key, archive_sha256 = v.sha256
FROM unnest(%s::uuid[], %s::text[], %s::text[]) AS v(id, key, sha256)
WHERE m.id = v.id
"""


def match_archive_write(*, match: Match, document: dict[str, Any], store: ArchiveStore) -> ArchivedObject:
    """Store the match's document under its key, then record key, SHA-256 and time on its row.

    StoreUnavailable (nothing recorded) when the store fails; a database error leaves the object
    unrecorded, to be written again with the same bytes.
    """
    archived = match_archive_put(match=match, document=document, store=store)
    matches_archive_record(stored=[(match, archived)])
    matches_archived.send(match_archive_write, archived=[(match, document)])
    return archived


def match_rearchive(*, room_id: str, started_at: datetime) -> ArchivedObject | None:
    """Write again the archived document of the match (room_id, started_at), read anew from the stream
    (`redetect` published moments into it: docs/operations.md); None when there is no archive or the match
    was never archived. StoreUnavailable when the store fails."""
    from django.conf import settings

    if not settings.ARCHIVE_URL:
        return None
    match = Match.objects.filter(room_id=room_id, started_at=started_at, archive_key__isnull=False).first()
    if match is None:
        return None
    document = match_document(match=match, replay=replay_match(room_id, started_at))
    return match_archive_write(match=match, document=document, store=ArchiveStore.from_settings())


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
