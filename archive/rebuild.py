"""`manage.py rebuild_read_models`: the match tables (and the stats tables their triggers keep) recreated in an
empty database from the archive, then from the stream (docs/operations.md: disaster recovery of PostgreSQL).

From the archive, each object's game_end is recorded as the projector records it, with the match id the
document names, and the row's archive columns set (its archived_at is the rebuild's time: the first one
is not in the object). Then the stream is projected from its first message through a consumer of its
own: the matches it holds that the archive lacks get new ids (the projector's ids are random, not
derived), those already written are skipped by the projector's unique key.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from archive.document import decode_document, sha256_hex
from archive.store import ArchiveStore
from contract.events import GameEnd, InvalidEvent, game_end_from_event, validate_envelope
from history.models import Match
from history.services import matches_record_from_game_ends

CHUNK = 200
CONCURRENT_GETS = 8


class NotEmpty(Exception):
    """The database already holds matches: a rebuild is for an empty one."""


def rebuild_from_archive(*, store: ArchiveStore, on_progress: Callable[[int], None] = lambda n: None) -> int:
    """Record every archived match; the number recorded. NotEmpty when `matches` has rows."""
    if Match.objects.exists():
        raise NotEmpty(
            "the matches table is not empty: rebuild_read_models recreates the read models in an empty database"
        )
    keys = store.keys("matches/")
    recorded = 0
    with ThreadPoolExecutor(max_workers=CONCURRENT_GETS, thread_name_prefix="rebuild-get") as pool:
        for start in range(0, len(keys), CHUNK):
            chunk = keys[start : start + CHUNK]
            bodies = list(pool.map(store.get, chunk))
            recorded += _record_chunk([(key, body) for key, body in zip(chunk, bodies, strict=True) if body])
            on_progress(len(chunk))
    return recorded


@transaction.atomic
def _record_chunk(objects: list[tuple[str, bytes]]) -> int:
    ends: list[GameEnd] = []
    ids: dict[tuple[str, datetime], uuid.UUID] = {}
    archived: dict[uuid.UUID, tuple[str, str]] = {}
    for key, body in objects:
        document = decode_document(body)
        end = _game_end(document)
        if end is None:
            continue
        match_id = uuid.UUID(document["match_id"])
        ends.append(end)
        ids[(end.room_id, end.started_at)] = match_id
        archived[match_id] = (key, sha256_hex(body))
    recorded = matches_record_from_game_ends(ends=ends, ids=ids)
    now = timezone.now()
    for match in recorded:
        match.archive_key, match.archive_sha256 = archived[match.id]
        match.archived_at = now
    Match.objects.bulk_update(recorded, ["archived_at", "archive_key", "archive_sha256"])
    return len(recorded)


def _game_end(document: dict) -> GameEnd | None:
    """The match's game_end, as the projector reads it; None when the document has none it can use."""
    events = document.get("events") or []
    if not events or events[-1].get("type") != "game_end":
        return None
    try:
        return game_end_from_event(document["room_id"], validate_envelope(events[-1]))
    except (InvalidEvent, KeyError):
        return None
