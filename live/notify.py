"""Notifications of a player's new match (docs/api.md, `GET /api/me/events`): a message on
`notify.user.{user_id}`, kept an hour by the small stream LIVE_NOTIFY (never GAME_EVENTS) so a
reconnecting client resumes after the last it saw, sent when the projector records a match
(history.signals.matches_projected) or a solo result is saved, and relayed by the web processes
(live/mine.py). With it, every recorded room match is said on `live.recorded` (core NATS,
`{room_id, started_at, match_id}`): the live list's `match_ended` carries the id (live/index.py).

The senders run in sync code (the projector's commit hook, a solo view's thread): a small publisher
keeps one connection on a thread of its own and sends without waiting, so neither is slowed by NATS.
A notification is a hint to refresh; one lost to a NATS blink costs a refresh a little later.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from nats.js.api import DiscardPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

from history.models import Match, MatchPlayer
from streaming.connection import connect

logger = logging.getLogger("live.notify")

SUBJECT_PREFIX = "notify.user."
NOTIFY_STREAM = "LIVE_NOTIFY"
# Long enough for any reconnect; a page opened later reads the history itself.
NOTIFY_MAX_AGE_SECONDS = 3600
RECORDED_SUBJECT = "live.recorded"


def user_subject(user_id: object) -> str:
    return f"{SUBJECT_PREFIX}{user_id}"


def notify_stream_config() -> StreamConfig:
    return StreamConfig(
        name=NOTIFY_STREAM,
        subjects=[f"{SUBJECT_PREFIX}*"],
        storage=StorageType.FILE,
        num_replicas=settings.GAME_EVENTS_REPLICAS,
        max_age=NOTIFY_MAX_AGE_SECONDS,
        discard=DiscardPolicy.OLD,
        allow_direct=True,  # a resume reads the user's subject by direct get
    )


async def ensure_notify_stream(js: Any) -> None:
    """Make LIVE_NOTIFY when it is missing (the web processes and the notifier both ask: either may be first)."""
    try:
        await js.stream_info(NOTIFY_STREAM)
    except NotFoundError:
        with contextlib.suppress(BadRequestError):  # made by another process meanwhile
            await js.add_stream(notify_stream_config())


class Notifier:
    """One NATS connection on its own thread and event loop, for sync callers."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: Any = None
        self._lock = threading.Lock()

    def _ensure(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="live-notify", daemon=True).start()
                self._loop = loop
            return self._loop

    def send(self, messages: list[tuple[str, bytes]]) -> None:
        if messages and settings.NATS_ENABLED:
            asyncio.run_coroutine_threadsafe(self._publish(messages), self._ensure())

    async def _publish(self, messages: list[tuple[str, bytes]]) -> None:
        try:
            if self._client is None:
                client = await connect("live-notify", retry_forever=False)
                await ensure_notify_stream(client.jetstream())
                self._client = client
            for subject, payload in messages:
                await self._client.publish(subject, payload)
            await self._client.flush(timeout=2)
        except Exception as error:  # NATS away: the player's page refreshes later anyway
            logger.warning("live notification not sent: %s: %s", error.__class__.__name__, error)


notifier = Notifier()


def notifications(pairs: Iterable[tuple[object, Match]]) -> list[tuple[str, bytes]]:
    """The messages for (user_id, match) pairs: `{"match_id"}` each."""
    return [(user_subject(user_id), json.dumps({"match_id": str(match.pk)}).encode()) for user_id, match in pairs]


def recorded(matches: Iterable[Match]) -> list[tuple[str, bytes]]:
    """One `live.recorded` message for the room matches among ``matches`` (None when there are none)."""
    rows = [
        {"room_id": match.room_id, "started_at": match.started_at.isoformat(), "match_id": str(match.pk)}
        for match in matches
        if match.room_id
    ]
    return [(RECORDED_SUBJECT, json.dumps(rows).encode())] if rows else []


def notify_projected(sender: type, *, matches: Sequence[Match], **_: Any) -> None:
    """history.signals.matches_projected: tell each registered player of the new matches."""
    if not matches:
        return
    by_id = {match.pk: match for match in matches}
    players = MatchPlayer.objects.filter(match_id__in=list(by_id), user_id__isnull=False)
    pairs = players.values_list("match_id", "user_id")
    notifier.send(recorded(matches) + notifications((user_id, by_id[match_id]) for match_id, user_id in pairs))


def notify_solo_result(sender: type, *, instance: MatchPlayer, created: bool, **_: Any) -> None:
    """post_save of a solo result's player row (solo/ saves it; the projector's matches are told above),
    sent once committed."""
    if not created or instance.mode != Match.Mode.SOLO or instance.user_id is None:
        return
    message = (user_subject(instance.user_id), json.dumps({"match_id": str(instance.match_id)}).encode())
    transaction.on_commit(lambda: notifier.send([message]))
