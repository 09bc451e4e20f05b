"""Replays straight from JetStream: one match's events, in stream order, and its key moments.

A match is (room_id, started_at). Its events are read with batched direct gets on the room's subject,
starting at the match's time (never a scan of the stream) and stopping at its `game_end`; its moments
are read from `game.{room_id}.moments` the same way and matched by `data.started_at`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from nats.aio.client import Client as NATS

from contract.events import event_msg_id_started_at, events_subject, moments_subject, parse_timestamp
from contract.json_bytes import payload_object
from streaming.status import parse_server_time
from streaming.stream_reads import StoredMessage, direct_get_batch, direct_get_one, read_subject

# Server timestamps and the game's clock may differ: start a little early and skip to our game_start.
CLOCK_SKEW_MARGIN = timedelta(seconds=30)


class ReplayNotFound(Exception):
    """No such match in the stream (unknown room, or no game_start at that time)."""


class ReplayGone(Exception):
    """The stream no longer holds the match (its retention expired)."""


@dataclass
class Replay:
    room_id: str
    started_at: datetime
    events: list[dict[str, Any]] = field(default_factory=list)
    moments: list[dict[str, Any]] = field(default_factory=list)
    # Stream sequences of the last event and the last moment (0: none): a late moment changes them.
    last_event_seq: int = 0
    last_moment_seq: int = 0


async def read_match_messages(client: NATS, room_id: str, started_at: datetime) -> list[StoredMessage]:
    """The stored messages of the match (room_id, started_at), its game_start to its game_end, undecodable
    ones among them included; ReplayGone or ReplayNotFound when there are none."""
    messages: list[StoredMessage] = []
    in_match = False
    async for message in read_subject(client, events_subject(room_id), started_at - CLOCK_SKEW_MARGIN):
        event = payload_object(message.data)
        if event is None:
            if in_match:
                messages.append(message)
            continue
        if event.get("type") == "game_start":
            if in_match:  # the next match began without our game_end: ours ends here
                break
            in_match = _same_time(event.get("data", {}).get("started_at"), started_at)
            if not in_match and _is_after(event.get("data", {}).get("started_at"), started_at):
                break
        if in_match:
            messages.append(message)
            if event.get("type") == "game_end":
                break
    if not messages:
        if await _stream_starts_after(client, started_at):
            raise ReplayGone(f"the stream no longer holds the match of room {room_id} started at {started_at}")
        raise ReplayNotFound(f"no match of room {room_id!r} started at {started_at.isoformat()} in the stream")
    return messages


async def read_replay(client: NATS, room_id: str, started_at: datetime) -> Replay:
    """The events of the match (room_id, started_at) from its game_start to its game_end, and its moments."""
    replay = Replay(room_id=room_id, started_at=started_at)
    start = started_at - CLOCK_SKEW_MARGIN
    for message in await read_match_messages(client, room_id, started_at):
        event = payload_object(message.data)
        if event is not None:
            replay.events.append(event)
            replay.last_event_seq = message.seq
    async for message in read_subject(client, moments_subject(room_id), start):
        moment = payload_object(message.data)
        if moment is None:
            continue
        moment_started = (moment.get("data") or {}).get("started_at")
        if _same_time(moment_started, started_at):
            replay.moments.append(moment)
            replay.last_moment_seq = message.seq
        elif _is_after(moment_started, started_at):
            break
    return replay


async def latest_started_at(client: NATS, room_id: str) -> datetime:
    """The start of the room's latest match, from the Msg-Id or game_start of its last event."""
    last = await direct_get_one(client, {"last_by_subj": events_subject(room_id)})
    if last is None:
        raise ReplayNotFound(f"room {room_id!r} has no events in the stream")
    started_at = event_msg_id_started_at(last.headers.get("Nats-Msg-Id"), room_id=room_id)
    if started_at is not None:
        return started_at
    event = payload_object(last.data) or {}
    started = (event.get("data") or {}).get("started_at")
    if started is None:
        raise ReplayNotFound(f"cannot tell when room {room_id!r}'s latest match started; pass --started-at")
    return parse_timestamp(started, "data.started_at")


async def latest_finished_started_at(client: NATS, room_id: str) -> datetime:
    """The start of the room's latest finished match: the match of its last game_end.

    When the room's last event belongs to a match still being played (or one that never ended),
    the search steps back to the last event stored before that match's game_start, a few times.
    """
    subject = events_subject(room_id)
    last = await direct_get_one(client, {"last_by_subj": subject})
    for _ in range(UNFINISHED_MATCHES_SKIPPED):
        if last is None:
            break
        event = payload_object(last.data) or {}
        started = _match_start_of(last, event, room_id)
        if event.get("type") == "game_end":
            return started
        start_seq = await _game_start_seq(client, room_id, started)
        if start_seq is None or start_seq <= 1:
            break
        page, _ = await direct_get_batch(client, {"multi_last": [subject], "up_to_seq": start_seq - 1, "batch": 1})
        last = page[0] if page else None
    raise ReplayNotFound(f"room {room_id!r} has no finished match in the stream")


async def in_progress_started_at(client: NATS, room_id: str) -> datetime:
    """The start of the match the room is playing: the match of its last event, unless that is a game_end."""
    last = await direct_get_one(client, {"last_by_subj": events_subject(room_id)})
    if last is None:
        raise ReplayNotFound(f"room {room_id!r} has no events in the stream")
    event = payload_object(last.data) or {}
    if event.get("type") == "game_end":
        raise ReplayNotFound(f"room {room_id!r} is not playing a match: its last match has ended")
    return _match_start_of(last, event, room_id)


UNFINISHED_MATCHES_SKIPPED = 5


def _match_start_of(message: StoredMessage, event: dict[str, Any], room_id: str) -> datetime:
    started = (event.get("data") or {}).get("started_at") if event.get("type") in ("game_start", "game_end") else None
    if started is not None:
        return parse_timestamp(started, "data.started_at")
    started_at = event_msg_id_started_at(message.headers.get("Nats-Msg-Id"), room_id=room_id)
    if started_at is not None:
        return started_at
    raise ReplayNotFound(f"cannot tell when room {room_id!r}'s latest match started; pass --started-at")


async def _game_start_seq(client: NATS, room_id: str, started_at: datetime) -> int | None:
    async for message in read_subject(client, events_subject(room_id), started_at - CLOCK_SKEW_MARGIN):
        event = payload_object(message.data) or {}
        if event.get("type") == "game_start" and _same_time((event.get("data") or {}).get("started_at"), started_at):
            return message.seq
        if event.get("type") == "game_start" and _is_after((event.get("data") or {}).get("started_at"), started_at):
            return None
    return None


async def _stream_starts_after(client: NATS, started_at: datetime) -> bool:
    info = await client.jetstream().stream_info(settings.GAME_EVENTS_STREAM)
    first = await direct_get_one(client, {"seq": info.state.first_seq}) if info.state.messages else None
    if first is None:
        return True
    stamp = first.headers.get("Nats-Time-Stamp")
    return stamp is not None and parse_server_time(stamp) > started_at


def _same_time(text: object, moment: datetime) -> bool:
    try:
        return parse_timestamp(text, "started_at") == moment
    except ValueError:
        return False


def _is_after(text: object, moment: datetime) -> bool:
    try:
        return parse_timestamp(text, "started_at") > moment
    except ValueError:
        return False


def replay_match(room_id: str, started_at: datetime) -> Replay:
    """Synchronous entry point for views and commands: one short-lived connection per replay."""
    from streaming.connection import connect

    async def run() -> Replay:
        client = await connect("replay", retry_forever=False)
        try:
            return await read_replay(client, room_id, started_at)
        finally:
            await client.close()

    return asyncio.run(run())
