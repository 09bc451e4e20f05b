"""Reads of GAME_EVENTS by direct get, shared by the replays and the key moment detector.

Direct gets read stored messages by subject without a consumer: one message (``direct_get_one``), or
a subject's messages in stream order a page at a time (``read_subject``), from a time or a sequence.
The stream must allow direct access (`allow_direct`, set by `streaming.streams`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from nats.aio.client import Client as NATS

PAGE_SIZE = 1000
REQUEST_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class StoredMessage:
    seq: int
    data: bytes
    headers: dict[str, str]


async def direct_get_batch(
    client: NATS, request: dict[str, Any], *, stream: str | None = None
) -> tuple[list[StoredMessage], bool]:
    """One batched direct get (of GAME_EVENTS unless ``stream`` names another); returns the messages and
    whether the subject has more after them."""
    inbox = client.new_inbox()
    messages: list[StoredMessage] = []
    done = asyncio.get_running_loop().create_future()
    more = False

    async def on_message(msg) -> None:
        nonlocal more
        headers = msg.headers or {}
        status = headers.get("Status")
        if status is not None and not msg.data:
            more = status == "204" and int(headers.get("Nats-Num-Pending", "0") or 0) > 0
            if not done.done():
                done.set_result(None)
            return
        messages.append(StoredMessage(int(headers["Nats-Sequence"]), msg.data, headers))

    subscription = await client.subscribe(inbox, cb=on_message)
    try:
        subject = f"$JS.API.DIRECT.GET.{stream or settings.GAME_EVENTS_STREAM}"
        await client.publish(subject, json.dumps(request).encode(), reply=inbox)
        await asyncio.wait_for(done, timeout=REQUEST_TIMEOUT_SECONDS)
    finally:
        await subscription.unsubscribe()
    return messages, more


async def read_subject(
    client: NATS,
    subject: str,
    start_time: datetime | None = None,
    *,
    start_seq: int | None = None,
    page_size: int = PAGE_SIZE,
    stream: str | None = None,
) -> AsyncIterator[StoredMessage]:
    """The messages of one subject from ``start_time`` (or stream sequence ``start_seq``) on, in stream order.

    Read a page at a time; a caller that stops early costs only the pages it read.
    """
    request: dict[str, Any] = {"next_by_subj": subject, "batch": page_size}
    if start_seq is not None:
        request["seq"] = start_seq
    elif start_time is not None:
        request["start_time"] = rfc3339(start_time)
    else:
        raise ValueError("read_subject needs a start_time or a start_seq")
    while True:
        page, more = await direct_get_batch(client, request, stream=stream)
        for message in page:
            yield message
        if not page or not more:
            return
        request = {"next_by_subj": subject, "batch": page_size, "seq": page[-1].seq + 1}


async def direct_get_one(client: NATS, request: dict[str, Any]) -> StoredMessage | None:
    """One message of GAME_EVENTS by direct get (``seq``, ``last_by_subj``, ``next_by_subj``); None if none."""
    subject = f"$JS.API.DIRECT.GET.{settings.GAME_EVENTS_STREAM}"
    msg = await client.request(subject, json.dumps(request).encode(), timeout=REQUEST_TIMEOUT_SECONDS)
    headers = msg.headers or {}
    if headers.get("Status") or "Nats-Sequence" not in headers:
        return None
    return StoredMessage(int(headers["Nats-Sequence"]), msg.data, headers)


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
