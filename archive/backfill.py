"""`manage.py archive_matches`: archive what the stream holds and the archive lacks (a first deployment).

Matches are taken oldest first in chunks; each is recorded right after its object is written, so the
command is safe to stop and run again (what is recorded is skipped). A match the stream no longer
holds is counted and left: /healthz keeps reporting it unarchived.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from django.db import connections

from archive.services import match_archive_write, match_document_from_stream
from archive.store import ArchiveStore
from history.models import Match
from history.replay import ReplayGone, ReplayNotFound
from streaming.connection import connect

CHUNK = 50
CONCURRENT_READS = 8


@dataclass
class BackfillResult:
    archived: int = 0
    not_in_stream: int = 0


def unarchived_matches(*, since: datetime | None = None, until: datetime | None = None):
    """The multiplayer matches not archived yet, started in [since, until), oldest first."""
    matches = Match.objects.filter(room_id__isnull=False, archived_at__isnull=True)
    if since is not None:
        matches = matches.filter(started_at__gte=since)
    if until is not None:
        matches = matches.filter(started_at__lt=until)
    return matches.order_by("started_at", "id").only("id", "room_id", "started_at")


async def archive_matches(
    matches: list[Match], *, store: ArchiveStore, on_progress: Callable[[int], None] = lambda n: None
) -> BackfillResult:
    """Read each match's replay from the stream and write it to the archive, a chunk at a time."""
    result = BackfillResult()
    client = await connect("archive-matches", retry_forever=False)
    gate = asyncio.Semaphore(CONCURRENT_READS)

    async def read(match: Match):
        async with gate:
            try:
                return await match_document_from_stream(client, match)
            except (ReplayGone, ReplayNotFound):
                return None

    # The ORM refuses to run on the event loop: one thread of its own, its connection closed at the end.
    database = ThreadPoolExecutor(max_workers=1, thread_name_prefix="archive-matches-db")
    loop = asyncio.get_running_loop()
    try:
        for start in range(0, len(matches), CHUNK):
            chunk = matches[start : start + CHUNK]
            documents = await asyncio.gather(*(read(match) for match in chunk))
            written = await loop.run_in_executor(database, _write_chunk, chunk, documents, store)
            result.archived += written
            result.not_in_stream += len(chunk) - written
            on_progress(len(chunk))
    finally:
        await client.close()
        await loop.run_in_executor(database, connections.close_all)
        database.shutdown()
    return result


def _write_chunk(chunk: list[Match], documents: list, store: ArchiveStore) -> int:
    written = 0
    for match, document in zip(chunk, documents, strict=True):
        if document is not None:
            match_archive_write(match=match, document=document, store=store)
            written += 1
    return written
