"""What the commands that take one stored match (replay, validate_events, redetect) share: the match's
arguments checked, and the stream's answers turned into the command's errors (exit status 1)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import datetime
from typing import Any, TypeVar

from django.core.management.base import CommandError

from contract.events import InvalidEvent, InvalidRoomId, check_room_id, parse_timestamp
from history.replay import ReplayGone, ReplayNotFound

T = TypeVar("T")

LATEST_FINISHED_HELP = "ISO-8601 start of the match (its game_start's started_at); default: the latest finished match"


def match_arguments(room_id: str, started_at: str | None) -> datetime | None:
    """The match's start from ``--started-at`` (None when not given); CommandError for a bad room or time."""
    try:
        check_room_id(room_id)
        return parse_timestamp(started_at, "--started-at") if started_at else None
    except (InvalidRoomId, InvalidEvent) as error:
        raise CommandError(str(error)) from error


def run_on_stream(coroutine: Coroutine[Any, Any, T], *refusals: type[Exception]) -> T:
    """Run a read of the stream; no such match, a match gone, NATS away or one of ``refusals``: CommandError."""
    try:
        return asyncio.run(coroutine)
    except (ReplayNotFound, ReplayGone, *refusals) as error:
        raise CommandError(str(error)) from error
    except (OSError, TimeoutError) as error:
        raise CommandError(f"cannot reach NATS ({error.__class__.__name__}); check NATS_URL") from error
