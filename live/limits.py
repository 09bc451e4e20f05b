"""The per-address limit on open live streams (LIVE_CONNECTIONS_PER_ADDRESS), across every worker of
every web process: counted in a NATS key-value bucket, one key per (address, worker).

A worker writes only its own keys (`{address}.{worker}` = its open streams of that address), so writes
never conflict, and writes an opened stream's count before answering it, so that a stream opened after
that answer counts it; a stream's open reads all workers' counts of the address in one batched direct
get (`multi_last`). Keys lapse after LEASE_SECONDS (the bucket's TTL) unless refreshed, which a live worker
does every LEASE_SECONDS / 3: a killed worker's streams stop counting within a minute. Two opens racing
on two workers in the same millisecond may both pass at the limit (one over, at most one per worker);
with NATS away the count falls back to this worker's own, rather than refusing every stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections import Counter
from typing import Any

from django.conf import settings
from nats.js.api import KeyValueConfig, StorageType

from streaming.stream_reads import direct_get_batch

logger = logging.getLogger("live.limits")

BUCKET = "live_streams"
LEASE_SECONDS = 60.0


def address_token(address: str) -> str:
    """An address as one key token: IPv4's dots and IPv6's colons are not allowed in one."""
    return (address or "unknown").replace(".", "-").replace(":", "_").replace("%", "=")


class AddressCounts:
    """This worker's open streams per address, and the shared counts in the bucket."""

    def __init__(self, hub: Any) -> None:
        self.hub = hub
        self.worker = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}".replace(".", "-")
        self.local: Counter[str] = Counter()
        self._kv: Any = None
        self._refresher: asyncio.Task[None] | None = None
        self._writes: set[asyncio.Task[None]] = set()

    async def _bucket(self) -> Any:
        if self._kv is None:
            js = (await self.hub.client()).jetstream()
            config = KeyValueConfig(
                bucket=BUCKET,
                ttl=LEASE_SECONDS,
                storage=StorageType.MEMORY,  # counts of open connections: nothing to keep over a restart
                replicas=settings.GAME_EVENTS_REPLICAS,
                direct=True,
            )
            self._kv = await js.create_key_value(config)
            self._refresher = asyncio.ensure_future(self._refresh())
        return self._kv

    async def acquire(self, address: str) -> bool:
        """Count one more stream of ``address``; False when the address has the limit open already."""
        limit = settings.LIVE_CONNECTIONS_PER_ADDRESS
        try:
            total = await self._shared_total(address)
        except Exception as error:  # NATS away: this worker's own count, not a refusal of everyone
            logger.warning("live stream counts unavailable (%s): counting this worker's only", error)
            total = self.local[address]
        if total >= limit:
            return False
        self.local[address] += 1
        # Written before the stream is answered, so that the next stream of the address, on any worker,
        # counts this one (written after the answer, a 21st opened right after the 20th passed in CI).
        await self._put(address)
        return True

    def release(self, address: str) -> None:
        self.local[address] -= 1
        self._write(address)
        if self.local[address] <= 0:
            del self.local[address]

    async def _shared_total(self, address: str) -> int:
        await self._bucket()
        token = address_token(address)
        request = {"multi_last": [f"$KV.{BUCKET}.{token}.*"], "batch": 1000}
        stored, _ = await direct_get_batch(await self.hub.client(), request, stream=f"KV_{BUCKET}")
        others = 0
        mine = f"$KV.{BUCKET}.{token}.{self.worker}"
        for message in stored:
            if message.headers.get("Nats-Subject") != mine:
                with contextlib.suppress(ValueError):
                    others += int(message.data or b"0")
        return others + self.local[address]

    def _write(self, address: str) -> None:
        """Put this worker's count of ``address`` in the background (a stream's end need not wait for it)."""
        task = asyncio.ensure_future(self._put(address))
        self._writes.add(task)  # held until done: the loop keeps only a weak reference
        task.add_done_callback(self._writes.discard)

    async def _put(self, address: str) -> None:
        try:
            kv = await self._bucket()
            await kv.put(f"{address_token(address)}.{self.worker}", str(self.local[address]).encode())
        except Exception as error:
            logger.warning("live stream count not written (%s)", error)

    async def _refresh(self) -> None:
        """Put this worker's counts again before they lapse."""
        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            for address in list(self.local):
                await self._put(address)
