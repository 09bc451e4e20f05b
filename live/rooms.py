"""`GET /api/live/rooms/{room_id}` (docs/api.md, live): a room's match from its game_start, then as it happens.

A fresh viewer starts from the room feed's backlog; a viewer resuming with Last-Event-ID starts after
that sequence, from the backlog when it covers it, else from the stream itself (direct gets), and in
both cases continues with the feed's new messages: ``MatchFollow`` skips what was already sent.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime

from asgiref.sync import sync_to_async
from django.conf import settings
from nats.aio.client import Client as NATS

from contract.events import event_msg_id_started_at
from history.models import Match
from live.feed import RoomFeed, read_room
from live.follow import MatchFollow
from live.hub import outside_requests
from live.sse import HEARTBEAT, LiveMessage, json_frame, live_message, retry_frame
from live.viewer import Viewer
from streaming.status import parse_server_time
from streaming.stream_reads import direct_get_one

# After the game_end, the moments the detector still finds arrive within this; then `end`.
MOMENTS_GRACE_SECONDS = 5.0
# Frames sent in one write at most (a catch-up of thousands of events goes out in a few writes).
CHUNK_BYTES = 64 * 1024


class NotLive(Exception):
    """No match is being played in the room (none, ended, or idle past LIVE_IDLE_SECONDS)."""


def fresh_follow(feed: RoomFeed) -> MatchFollow:
    """A new viewer follows the feed's current match, if it is being played."""
    first = feed.backlog[0] if feed.backlog else None
    if first is None or first.type != "game_start" or first.started_at is None:
        raise NotLive(f"no match is being played in room {feed.room_id!r}")
    if any(message.type == "game_end" and not message.is_moment for message in feed.backlog):
        raise NotLive(f"the match of room {feed.room_id!r} has ended")
    if feed.last_stored_at < time.time() - settings.LIVE_IDLE_SECONDS:
        raise NotLive(f"room {feed.room_id!r} has been silent for over {settings.LIVE_IDLE_SECONDS} s")
    return MatchFollow(first.started_at)


async def resumed_follow(client: NATS, room_id: str, after: int) -> MatchFollow:
    """The match a client was following, from the message it saw last (its Last-Event-ID)."""
    stored = await direct_get_one(client, {"seq": after})
    subject = (stored.headers.get("Nats-Subject", "") if stored else "") or ""
    if stored is None or subject not in (f"game.{room_id}.events", f"game.{room_id}.moments"):
        raise NotLive(f"message {after} is not one of room {room_id!r}'s")
    message = live_message(after, subject, stored.data, 0.0)
    started_at: datetime | None = message.started_at if message else None
    if started_at is None:
        started_at = event_msg_id_started_at(stored.headers.get("Nats-Msg-Id"), room_id=room_id)
    if started_at is None:
        raise NotLive(f"cannot tell which match message {after} belongs to")
    ended = message is not None and message.type == "game_end" and not message.is_moment
    follow = MatchFollow(started_at, after_seq=after, in_match=True, ended=ended)
    if ended:
        follow.ended_at = parse_server_time(stored.headers["Nats-Time-Stamp"]).timestamp()
    return follow


async def room_frames(
    client: NATS, feed: RoomFeed, viewer: Viewer, follow: MatchFollow, resumed: bool
) -> AsyncIterator[bytes]:
    """The SSE bytes of one viewer: the catch-up, then the feed's batches, then `end`; ends early (the
    client reconnecting with Last-Event-ID) when the viewer is dropped or the process stops."""
    yield retry_frame()
    backlog = feed.join(viewer)
    try:
        joined_at = feed.released_seq
        if resumed and not (backlog and backlog[0].seq <= follow.last_seq + 1):
            catch_up = await _read_stream(client, feed.room_id, follow.last_seq + 1, joined_at)
        else:
            catch_up = backlog
        for chunk in _chunks(catch_up, follow):
            yield chunk
        del backlog, catch_up
        while True:
            if viewer.closing:
                yield retry_frame()
                return
            if viewer.dropped:
                return
            if follow.ended:
                remaining = (follow.ended_at or 0) + MOMENTS_GRACE_SECONDS - time.time()
                if remaining <= 0:
                    find = functools.partial(_match_id, feed.room_id, follow.started_at)
                    # Shielded: a viewer that leaves must not cancel the answer the others wait for.
                    match_id = await asyncio.shield(feed.match_id(follow.started_at, find))
                    yield json_frame("end", {"match_id": match_id})
                    return
            if not viewer.queue and not viewer.beat:
                if follow.ended:  # the moments' grace: a timer of its own, once a match
                    try:
                        async with asyncio.timeout(remaining):
                            await viewer.wake.wait()
                    except TimeoutError:
                        continue
                else:
                    await viewer.wake.wait()  # woken by a batch, the hub's heartbeat round, or the end
            if viewer.dropped or viewer.closing:
                continue
            if viewer.heartbeat():
                if not follow.ended:
                    yield HEARTBEAT
                continue
            viewer.wrote_at = time.monotonic()
            # Writes of a batch, CHUNK_BYTES at most, not one of all queued: a client that stops reading
            # has the server's writes paused after the first (uvicorn's flow control), and what comes
            # meanwhile fills its bounded queue until it is dropped; one write of everything queued would
            # have the server buffer it all instead.
            for batch in viewer.take():
                data = follow.frames(batch)
                for start in range(0, len(data), CHUNK_BYTES):  # one write, but for a big batch
                    yield data[start : start + CHUNK_BYTES] if len(data) > CHUNK_BYTES else data
            viewer.written()
    finally:
        feed.leave(viewer)


def _chunks(messages: list[LiveMessage], follow: MatchFollow) -> Iterator[bytes]:
    """The frames of the messages the viewer is due, a write of up to CHUNK_BYTES at a time (the feed
    has held each back until LIVE_DELAY_SECONDS after it was stored)."""
    pending: list[bytes] = []
    size = 0
    for message in messages:
        if not follow.accept(message):
            continue
        pending.append(message.frame)
        size += len(message.frame)
        if size >= CHUNK_BYTES:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)


async def _read_stream(client: NATS, room_id: str, start_seq: int, up_to_seq: int) -> list[LiveMessage]:
    """The room's stored messages from ``start_seq`` through ``up_to_seq`` (the feed has the rest)."""
    messages: list[LiveMessage] = []
    if start_seq > up_to_seq:
        return messages
    async for stored in read_room(client, room_id, start_seq):
        if stored.seq > up_to_seq:
            break
        message = live_message(stored.seq, stored.subject, stored.data, stored.stored_at)
        if message is not None:
            messages.append(message)
    return messages


async def _match_id(room_id: str, started_at: datetime) -> str | None:
    """The projected match's id, or None when the projector has not recorded it yet."""

    def find() -> str | None:
        found = Match.objects.filter(room_id=room_id, started_at=started_at).values_list("id", flat=True).first()
        return str(found) if found else None

    return await sync_to_async(outside_requests(find))()


def not_live_body(reason: str) -> str:
    return json.dumps({"detail": reason})
