"""The matches being played now, kept in the web process from the stream (docs/api.md, live): never a scan
of the stream per request.

At start the index reads each room's last stored event once (a batched direct get, `multi_last`), and
takes as live every room whose last event is no game_end and is newer than LIVE_IDLE_SECONDS; from then
on an ordered consumer on `game.*.events` keeps it: game_start adds a match, game_end removes it, any
other event moves its tick and last_event_at. So a restarted web process is right from its first answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections import OrderedDict
from datetime import datetime
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from nats.js.api import ConsumerConfig, DeliverPolicy

from contract.events import event_msg_id_started_at, events_subject, parse_timestamp, room_id_from_subject
from history.models import Match
from history.replay import CLOCK_SKEW_MARGIN
from live.hub import Hub, outside_requests
from live.notify import RECORDED_SUBJECT
from live.sse import json_frame, quick_tick, quick_type
from live.viewer import Viewer
from streaming.status import parse_server_time
from streaming.stream_reads import direct_get_batch, read_subject

logger = logging.getLogger("live.index")

SEED_BATCH = 10_000
SWEEP_SECONDS = 5.0
# How long a match_ended waits for the projector to record the match; it says null for the id past it.
END_WAIT_SECONDS = 5.0
RECORDED_KEPT = 1000


class LiveIndex:
    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.matches: dict[str, dict[str, Any]] = {}
        self.listeners: set[Viewer] = set()
        self.ready = asyncio.Event()
        self._starting: asyncio.Task[None] | None = None
        self._ended: set[tuple[str, str]] = set()  # (room, started_at) ended while the seed was reading
        self._sweeper: asyncio.Task[None] | None = None
        # match_ended waits for the projector's word (live.recorded) to carry the match's id.
        self._waiting: dict[tuple[str, datetime], asyncio.Future[str]] = {}
        self._recorded: OrderedDict[tuple[str, datetime], str] = OrderedDict()  # heard before the game_end
        self._announcing: set[asyncio.Task[None]] = set()

    async def started(self) -> LiveIndex:
        failed = (
            self._starting is not None
            and self._starting.done()
            and (self._starting.cancelled() or self._starting.exception() is not None)
        )
        if self._starting is None or failed:  # a start that failed (NATS away, no stream yet) is tried again
            self._starting = asyncio.ensure_future(self._start())
        await asyncio.shield(self._starting)
        return self

    async def _start(self) -> None:
        client = await self.hub.client()
        await client.jetstream().subscribe(
            "game.*.events",
            stream=settings.GAME_EVENTS_STREAM,
            ordered_consumer=True,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.NEW),
            cb=self._on_message,
        )
        await client.subscribe(RECORDED_SUBJECT, cb=self._on_recorded)
        await self._seed(client)
        self.ready.set()
        self._sweeper = asyncio.ensure_future(self._sweep())

    async def _seed(self, client: Any) -> None:
        page, _ = await direct_get_batch(client, {"multi_last": ["game.*.events"], "batch": SEED_BATCH})
        idle_before = time.time() - settings.LIVE_IDLE_SECONDS
        for last in page:
            subject = last.headers.get("Nats-Subject", "")
            stamp = last.headers.get("Nats-Time-Stamp")
            stored_at = parse_server_time(stamp).timestamp() if stamp else 0.0
            if stored_at < idle_before or quick_type(last.data) == "game_end":
                continue
            try:
                room_id = room_id_from_subject(subject)
            except ValueError:
                continue
            start = await _game_start_of(client, room_id, last)
            if start is None or room_id in self.matches:
                continue  # the subscription has seen a newer game_start meanwhile
            seq, event = start
            if (room_id, _text(event)) in self._ended:
                continue
            entry = await _entry(room_id, event, seq)
            entry.update(tick=quick_tick(last.data) or 0, last_event_at=stored_at)
            self.matches.setdefault(room_id, entry)

    async def _on_message(self, msg: Any) -> None:
        data: bytes = msg.data
        kind = quick_type(data)
        try:
            room_id = room_id_from_subject(msg.subject)
        except ValueError:
            return
        stored_at = msg.metadata.timestamp.timestamp()
        seq = msg.metadata.sequence.stream
        if kind == "game_start":
            with contextlib.suppress(ValueError):
                entry = await _entry(room_id, json.loads(data), seq)
                entry["last_event_at"] = stored_at
                self.matches[room_id] = entry
                self._tell(json_frame("match_started", _announce(entry), seq))
        elif kind == "game_end":
            entry = self.matches.pop(room_id, None)
            with contextlib.suppress(ValueError):
                started = (json.loads(data).get("data") or {}).get("started_at")
                self._ended.add((room_id, str(started)))
                if entry is not None:
                    task = asyncio.ensure_future(self._announce_end(entry, seq))
                    self._announcing.add(task)  # held until done: the loop keeps only a weak reference
                    task.add_done_callback(self._announcing.discard)
        else:
            entry = self.matches.get(room_id)
            if entry is not None:
                entry["last_event_at"] = stored_at
                entry["tick"] = quick_tick(data) or entry["tick"]

    async def _announce_end(self, entry: dict[str, Any], seq: int) -> None:
        """`match_ended` once the projector has recorded the match (its id), or after END_WAIT_SECONDS
        with the id the database has then (None when the projector is behind or away)."""
        key = _key(entry["room_id"], entry["started_at"])
        match_id = self._recorded.pop(key, None) if key else None
        if key and match_id is None:
            waiter = self._waiting.setdefault(key, asyncio.get_running_loop().create_future())
            try:
                match_id = await asyncio.wait_for(waiter, timeout=END_WAIT_SECONDS)
            except TimeoutError:
                match_id = await _recorded_id(*key)
            finally:
                self._waiting.pop(key, None)
        self._tell(json_frame("match_ended", {**_announce(entry), "match_id": match_id}, seq))

    async def _on_recorded(self, msg: Any) -> None:
        with contextlib.suppress(ValueError, TypeError, KeyError):
            for row in json.loads(msg.data):
                key = _key(row["room_id"], row["started_at"])
                if key is None:
                    continue
                waiter = self._waiting.get(key)
                if waiter is not None and not waiter.done():
                    waiter.set_result(str(row["match_id"]))
                else:
                    self._recorded[key] = str(row["match_id"])
                    while len(self._recorded) > RECORDED_KEPT:
                        self._recorded.popitem(last=False)

    async def _sweep(self) -> None:
        """A match silent past LIVE_IDLE_SECONDS (a game server that died) leaves the list, said once."""
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            idle_before = time.time() - settings.LIVE_IDLE_SECONDS
            for room_id, entry in list(self.matches.items()):
                if entry["last_event_at"] < idle_before:
                    del self.matches[room_id]
                    self._tell(json_frame("match_ended", {**_announce(entry), "match_id": None}))

    def _tell(self, frame: bytes) -> None:
        for listener in list(self.listeners):
            if not listener.offer(frame):
                self.listeners.discard(listener)

    def listing(self) -> list[dict[str, Any]]:
        """The list of GET /api/live/matches, newest first, without the idle ones."""
        idle_before = time.time() - settings.LIVE_IDLE_SECONDS
        rows = [_public(entry) for entry in self.matches.values() if entry["last_event_at"] >= idle_before]
        return sorted(rows, key=lambda row: row["started_at"], reverse=True)


def _announce(entry: dict[str, Any]) -> dict[str, Any]:
    return {"room_id": entry["room_id"], "started_at": entry["started_at"], "match_id": None}


def _public(entry: dict[str, Any]) -> dict[str, Any]:
    public = {key: value for key, value in entry.items() if key != "start_seq"}
    public["last_event_at"] = datetime.fromtimestamp(entry["last_event_at"]).astimezone().isoformat()
    return public


def _key(room_id: str, started_at: object) -> tuple[str, datetime] | None:
    try:
        return room_id, parse_timestamp(started_at, "started_at")
    except (ValueError, TypeError):
        return None


async def _recorded_id(room_id: str, started_at: datetime) -> str | None:
    def find() -> str | None:
        found = Match.objects.filter(room_id=room_id, started_at=started_at).values_list("id", flat=True).first()
        return str(found) if found else None

    try:
        return await sync_to_async(outside_requests(find))()
    except DatabaseError:
        return None


def _text(event: dict[str, Any]) -> str:
    return str((event.get("data") or {}).get("started_at"))


async def _entry(room_id: str, event: dict[str, Any], seq: int) -> dict[str, Any]:
    data = event.get("data") or {}
    player_ids = [str(player.get("player_id")) for player in data.get("players") or [] if isinstance(player, dict)]
    names = await _usernames(player_ids)
    return {
        "room_id": room_id,
        "started_at": data.get("started_at"),
        "mode": data.get("mode"),
        "tournament_id": data.get("tournament_id"),
        "players": [{"player_id": player_id, "username": names.get(player_id)} for player_id in player_ids],
        "tick": event.get("tick") or 0,
        "last_event_at": 0.0,
        "start_seq": seq,
    }


async def _usernames(player_ids: list[str]) -> dict[str, str]:
    """Registered players' usernames (a player_id that is a user id); guests have none."""
    ids = []
    for player_id in player_ids:
        with contextlib.suppress(ValueError):
            ids.append(uuid.UUID(player_id))

    def read() -> dict[str, str]:
        users = get_user_model().objects.filter(pk__in=ids).values_list("pk", "username")
        return {str(pk): username for pk, username in users}

    return await sync_to_async(outside_requests(read))() if ids else {}


async def _game_start_of(client: Any, room_id: str, last: Any) -> tuple[int, dict[str, Any]] | None:
    """The game_start (its sequence and event) of the match of the room's last stored event."""
    started_at = event_msg_id_started_at(last.headers.get("Nats-Msg-Id"), room_id=room_id)
    if started_at is None:
        with contextlib.suppress(ValueError):
            event = json.loads(last.data)
            if event.get("type") == "game_start":
                return last.seq, event
        return None
    async for message in read_subject(client, events_subject(room_id), started_at - CLOCK_SKEW_MARGIN):
        if quick_type(message.data) != "game_start":
            continue
        with contextlib.suppress(ValueError):
            event = json.loads(message.data)
            if event_msg_id_started_at(message.headers.get("Nats-Msg-Id"), room_id=room_id) == started_at:
                return message.seq, event
    return None
