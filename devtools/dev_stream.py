"""What `dev.py up` does to keep its demo gentle (issue 24): the development stream bounded in bytes,
and the first projected match noticed so that the banner can be printed again.

Development tooling only: production's GAME_EVENTS keeps docs/contract.md's configuration (bounded by
age, GAME_EVENTS_MAX_AGE_DAYS). A developer's `dev.py up` left running for a week would otherwise
grow the stream without bound; with DiscardPolicy.OLD, JetStream drops the oldest messages once the
stream holds DEV_STREAM_MAX_BYTES.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace
from datetime import datetime

STREAM = "GAME_EVENTS"
DEFAULT_MAX_BYTES = 2 * 1024**3  # 2 GiB: a few days of the demo at a few dozen events a second


def dev_stream_max_bytes(environ: dict[str, str] | None = None) -> int:
    """DEV_STREAM_MAX_BYTES from the environment (0 or less: unbounded), else DEFAULT_MAX_BYTES."""
    value = (environ if environ is not None else os.environ).get("DEV_STREAM_MAX_BYTES", "").strip()
    return int(value) if value else DEFAULT_MAX_BYTES


async def _bound(nats_url: str, max_bytes: int) -> int:
    import nats

    client = await nats.connect(servers=[url.strip() for url in nats_url.split(",") if url.strip()])
    try:
        js = client.jetstream()
        config = (await js.stream_info(STREAM)).config
        if config.max_bytes != max_bytes:
            await js.update_stream(replace(config, max_bytes=max_bytes))
        return (await js.stream_info(STREAM)).config.max_bytes
    finally:
        await client.close()


def bound_stream_bytes(nats_url: str, max_bytes: int) -> int:
    """Set GAME_EVENTS' max_bytes (after `setup_stream` made it); returns the stream's setting."""
    return asyncio.run(_bound(nats_url, max_bytes if max_bytes > 0 else -1))


def first_projected_match(database_url: str, since: datetime) -> str | None:
    """The id of the first match the projector stored at or after ``since`` (this run of dev.py up, not
    a match of the last one), or None while there is none (or no table yet)."""
    import psycopg

    query = "SELECT id FROM matches WHERE inserted_at >= %s ORDER BY inserted_at LIMIT 1"
    try:
        with psycopg.connect(database_url, connect_timeout=3) as connection:
            row = connection.execute(query, (since,)).fetchone()
    except psycopg.Error:
        return None
    return str(row[0]) if row else None
