"""Server-Sent Events framing and the live messages' decoding: pure, no I/O (docs/api.md, live).

A frame is built once per stored message and the same bytes go to every viewer of it, so a thousand
viewers of one room cost one encoding, not a thousand.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from contract.events import parse_timestamp

# Sent every LIVE_HEARTBEAT_SECONDS while nothing else is: proxies and browsers keep the connection open.
HEARTBEAT = b": keep-alive\n\n"
# The reconnect delay a browser's EventSource (or the web client's reader) waits after a close.
RECONNECT_MS = 1000

_TICK = re.compile(rb'"tick"\s*:\s*(\d+)')
_TYPE = re.compile(rb'"type"\s*:\s*"([a-z_]+)"')


def frame(event: str, data: str | bytes, message_id: int | None = None) -> bytes:
    """One SSE message: ``id`` (when given), ``event`` and ``data``, one line each.

    JSON written compactly has no newline; any that a publisher's pretty-printing left are made
    separate ``data`` lines, which the client joins back with newlines (the SSE rule), same JSON.
    """
    body = data.encode() if isinstance(data, str) else data
    lines = [f"id: {message_id}\n".encode()] if message_id is not None else []
    lines.append(f"event: {event}\n".encode())
    lines.extend(b"data: " + line + b"\n" for line in body.split(b"\n"))
    lines.append(b"\n")
    return b"".join(lines)


def json_frame(event: str, value: Any, message_id: int | None = None) -> bytes:
    return frame(event, json.dumps(value, separators=(",", ":")), message_id)


def retry_frame(milliseconds: int = RECONNECT_MS) -> bytes:
    """Tells the client how soon to reconnect: sent first, and again when the server closes a stream."""
    return f"retry: {milliseconds}\n\n".encode()


def parse_last_event_id(value: str | None) -> int | None:
    """The sequence a client resumes after, from its Last-Event-ID header (or ?last_event_id=); None if absent."""
    if value is None or not value.strip():
        return None
    try:
        seq = int(value.strip())
    except ValueError:
        return None
    return seq if seq > 0 else None


@dataclass(frozen=True, slots=True)
class LiveMessage:
    """One stored message of a room, as the live routes need it: its sequence, whether it is an event or a
    moment, its type, the match it belongs to (``started_at`` as published, for moments and the
    game_start/game_end), when the stream stored it (epoch seconds), and its SSE frame."""

    seq: int
    is_moment: bool
    type: str
    started_at: datetime | None
    stored_at: float
    frame: bytes


def live_message(seq: int, subject: str, data: bytes, stored_at: float) -> LiveMessage | None:
    """The LiveMessage of a stored message of ``game.{room}.events`` or ``.moments``; None if undecodable."""
    is_moment = subject.endswith(".moments")
    try:
        value = json.loads(data)
    except ValueError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return None
    payload = value.get("data") if isinstance(value.get("data"), dict) else {}
    started = payload.get("started_at") if (is_moment or value["type"] in ("game_start", "game_end")) else None
    return LiveMessage(
        seq=seq,
        is_moment=is_moment,
        type=value["type"],
        started_at=_timestamp(started),
        stored_at=stored_at,
        frame=frame("moment" if is_moment else value["type"], data, seq),
    )


def quick_type(data: bytes) -> str | None:
    """An event's type without decoding the whole event (the live list reads every event of every room)."""
    found = _TYPE.search(data)
    return found.group(1).decode() if found else None


def quick_tick(data: bytes) -> int | None:
    found = _TICK.search(data)
    return int(found.group(1)) if found else None


def _timestamp(text: object) -> datetime | None:
    try:
        return parse_timestamp(text, "started_at") if text is not None else None
    except ValueError:
        return None
