"""A match's archived document (docs/operations.md): its key, and its bytes, the same every time they are made.

Pure: no Django, no I/O. The document is exactly what `GET /api/matches/{id}/replay` answers, stream
sequences of the last event and moment included (they make the replay's ETag, so an archived replay
revalidates exactly as one read from the stream does).
"""

from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, datetime
from typing import Any

from contract import json_bytes

# gzip's default level: measured against 9, it made the objects about 2% larger at a third of the time.
GZIP_LEVEL = 6


def object_key(*, match_id: str, started_at: datetime) -> str:
    """`matches/{YYYY}/{MM}/{DD}/{match_id}.json.gz`, the date of ``started_at`` in UTC (before any prefix)."""
    day = started_at.astimezone(UTC)
    return f"matches/{day:%Y}/{day:%m}/{day:%d}/{match_id}.json.gz"


def iso_utc(moment: datetime) -> str:
    """An ISO-8601 UTC time with a Z, as the API writes them."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def replay_document(
    *,
    match_id: str,
    room_id: str | None,
    started_at: datetime,
    events: list[dict[str, Any]],
    moments: list[dict[str, Any]],
    last_event_seq: int,
    last_moment_seq: int,
) -> dict[str, Any]:
    """The replay API's answer for one match: built here for the API and the archive alike."""
    return {
        "match_id": str(match_id),
        "room_id": room_id,
        "started_at": iso_utc(started_at),
        "events": events,
        "moments": moments,
        "last_event_seq": last_event_seq,
        "last_moment_seq": last_moment_seq,
    }


def replay_etag(document: dict[str, Any]) -> str:
    """The replay's ETag: the stream sequences of its last event and last moment, which change exactly
    when the answer does (weak: the gzipped and the plain answer are one representation)."""
    return f'W/"replay-{document["last_event_seq"]}-{document["last_moment_seq"]}"'


def document_json(document: dict[str, Any]) -> bytes:
    """The document's JSON: the replay API's answer, byte for byte, and what the archived object holds."""
    return json_bytes.dumps(document)


def encode_document(document: dict[str, Any]) -> bytes:
    """Its JSON, gzip with no name and mtime 0: the same document always gives the same bytes."""
    return gzip.compress(document_json(document), compresslevel=GZIP_LEVEL, mtime=0)


def decode_document(body: bytes) -> dict[str, Any]:
    """The document of an archived object; ValueError when it is not one."""
    try:
        document = json_bytes.loads(gzip.decompress(body))
    except (OSError, EOFError, ValueError, RecursionError) as error:
        raise ValueError(f"not a gzip JSON document: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("events"), list):
        raise ValueError("not a replay document: no events list")
    return document


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
