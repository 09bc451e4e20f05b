"""Notifications of a player's new match (docs/api.md, `GET /api/me/events`): a NATS core message on
`notify.user.{user_id}`, never stored in GAME_EVENTS, sent when the projector records a match
(history.signals.matches_projected) or a solo result is saved, and relayed by the web processes.

The senders run in sync code (the projector's commit hook, a solo view's thread): a small publisher
keeps one connection on a thread of its own and sends without waiting, so neither is slowed by NATS.
A notification is a hint to refresh; one lost to a NATS blink costs a refresh a little later.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction

from history.models import Match, MatchPlayer
from streaming.connection import connect

logger = logging.getLogger("live.notify")

SUBJECT_PREFIX = "notify.user."


def user_subject(user_id: object) -> str:
    return f"{SUBJECT_PREFIX}{user_id}"


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
                self._client = await connect("live-notify", retry_forever=False)
            for subject, payload in messages:
                await self._client.publish(subject, payload)
            await self._client.flush(timeout=2)
        except Exception as error:  # NATS away: the player's page refreshes later anyway
            logger.warning("live notification not sent: %s: %s", error.__class__.__name__, error)


notifier = Notifier()


def notifications(pairs: Iterable[tuple[object, Match]]) -> list[tuple[str, bytes]]:
    """The messages for (user_id, match) pairs: `{"match_id"}` each."""
    return [(user_subject(user_id), json.dumps({"match_id": str(match.pk)}).encode()) for user_id, match in pairs]


def notify_projected(sender: type, *, matches: Sequence[Match], **_: Any) -> None:
    """history.signals.matches_projected: tell each registered player of the new matches."""
    if not matches:
        return
    by_id = {match.pk: match for match in matches}
    players = MatchPlayer.objects.filter(match_id__in=list(by_id), user_id__isnull=False)
    pairs = players.values_list("match_id", "user_id")
    notifier.send(notifications((user_id, by_id[match_id]) for match_id, user_id in pairs))


def notify_solo_result(sender: type, *, instance: MatchPlayer, created: bool, **_: Any) -> None:
    """post_save of a solo result's player row (solo/ saves it; the projector's matches are told above),
    sent once committed."""
    if not created or instance.mode != Match.Mode.SOLO or instance.user_id is None:
        return
    message = (user_subject(instance.user_id), json.dumps({"match_id": str(instance.match_id)}).encode())
    transaction.on_commit(lambda: notifier.send([message]))
