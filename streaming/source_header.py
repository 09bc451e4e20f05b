"""The `Nats-Stream-Source` header a sourced copy carries (a partition's message): where it came from.

Pure, below both the partition layout and `Delivery`, which reads it of every partitioned message.
"""

from __future__ import annotations

from dataclasses import dataclass

from streaming.pull.wire import header_in_block

SOURCE_HEADER = "Nats-Stream-Source"


@dataclass(frozen=True, slots=True)
class SourcedFrom:
    """Where a sourced copy came from: its stream, its sequence there, its original subject (None if not said)."""

    stream: str
    seq: int
    subject: str | None


def sourced_from(value: str | None) -> SourcedFrom | None:
    """Parse ``Nats-Stream-Source`` (``<stream> <seq> <filter> <destination> <subject> ...``); None if unusable."""
    fields = (value or "").split(" ")
    if len(fields) < 2 or not fields[1].isdigit():
        return None
    subject = fields[4] if len(fields) > 4 and fields[4] else None
    return SourcedFrom(fields[0], int(fields[1]), subject)


def source_in_header_block(block: bytes) -> SourcedFrom | None:
    """``sourced_from`` of a raw header block (``NATS/1.0\\r\\nName: value\\r\\n...``), the other headers unread."""
    return sourced_from(header_in_block(block, SOURCE_HEADER))
