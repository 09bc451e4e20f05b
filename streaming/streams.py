"""GAME_EVENTS as docs/contract.md describes it, created or brought to that configuration in place."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RePublish, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import APIError, NotFoundError

logger = logging.getLogger("streaming.streams")

SUBJECTS = ["game.>"]
# Every stored message copied to live.{its subject} (docs/contract.md): the live routes' feeds hear them.
REPUBLISH_PREFIX = "live."
REPUBLISH_SOURCE = "game.>"
REPUBLISH_DESTINATION = f"{REPUBLISH_PREFIX}{REPUBLISH_SOURCE}"
DAY_SECONDS = 24 * 60 * 60
# docs/contract.md: 2 minutes. Not a setting (no operator changes it): a parameter of the stream's
# configuration, which tests shorten to show that nothing relies on the window alone.
DUPLICATE_WINDOW_SECONDS = 120.0


class StreamMismatch(Exception):
    """An existing stream that cannot be changed in place to the contract's configuration (docs/contract.md)."""


@dataclass(frozen=True)
class StreamSetup:
    action: str  # "created", "updated" or "unchanged"
    changes: tuple[str, ...]


def game_events_config(*, duplicate_window_seconds: float | None = None) -> StreamConfig:
    """The stream as docs/contract.md describes it; ``duplicate_window_seconds`` None is DUPLICATE_WINDOW_SECONDS."""
    if duplicate_window_seconds is None:
        duplicate_window_seconds = DUPLICATE_WINDOW_SECONDS  # read now: a test may have patched it for a process
    return StreamConfig(
        name=settings.GAME_EVENTS_STREAM,
        subjects=SUBJECTS,
        retention=RetentionPolicy.LIMITS,
        max_age=settings.GAME_EVENTS_MAX_AGE_DAYS * DAY_SECONDS,
        storage=StorageType.FILE,
        num_replicas=settings.GAME_EVENTS_REPLICAS,
        discard=DiscardPolicy.OLD,
        duplicate_window=duplicate_window_seconds,
        # Direct gets let replays read by subject and time from any replica without a consumer.
        allow_direct=True,
        # Every stored message copied at once to live.{subject}, with its sequence (docs/contract.md): the
        # live routes' feeds follow a room by a core subscription there (live/feed.py), not a consumer each.
        republish=RePublish(src=REPUBLISH_SOURCE, dest=REPUBLISH_DESTINATION),
    )


# Settings JetStream refuses to change on an existing stream: the operator must act.
_IMMUTABLE = {
    "storage": "the storage type cannot change; back up (nats stream backup), delete and recreate the stream, "
    "then restore, or mirror it into a new stream",
    "retention": "the retention policy cannot change from {have} to {want}; recreate the stream (back up first)",
}


def _differences(have: StreamConfig, want: StreamConfig) -> dict[str, tuple[object, object]]:
    diffs: dict[str, tuple[object, object]] = {}
    for field in (
        "subjects",
        "retention",
        "max_age",
        "storage",
        "num_replicas",
        "discard",
        "duplicate_window",
        "allow_direct",
        "republish",
    ):
        have_value, want_value = getattr(have, field), getattr(want, field)
        if field == "republish":
            have_value, want_value = _republish(have_value), _republish(want_value)
        if (
            field in ("max_age", "duplicate_window")
            and have_value is not None
            and want_value is not None
            and abs(float(have_value) - float(want_value)) < 1e-6
        ):
            continue
        if field == "subjects" and set(have_value or []) == set(want_value or []):
            continue
        if have_value != want_value:
            diffs[field] = (have_value, want_value)
    return diffs


async def ensure_stream(js: JetStreamContext, *, duplicate_window_seconds: float | None = None) -> StreamSetup:
    """Create GAME_EVENTS or update it to docs/contract.md; raise StreamMismatch when it can't be.

    ``duplicate_window_seconds``: 2 minutes unless given (tests shorten it).
    """
    want = game_events_config(duplicate_window_seconds=duplicate_window_seconds)
    try:
        info = await js.stream_info(want.name)
    except NotFoundError:
        await js.add_stream(want)
        logger.info("stream created name=%s subjects=%s replicas=%s", want.name, SUBJECTS, want.num_replicas)
        return StreamSetup("created", ())
    diffs = _differences(info.config, want)
    if not diffs:
        return StreamSetup("unchanged", ())
    for field, advice in _IMMUTABLE.items():
        if field in diffs:
            have, wanted = diffs[field]
            raise StreamMismatch(
                f"stream {want.name} has {field}={_show(have)} but the contract requires {_show(wanted)}: "
                + advice.format(have=_show(have), want=_show(wanted))
            )
    try:
        await js.update_stream(want)
    except APIError as error:
        raise StreamMismatch(
            f"stream {want.name} could not be updated ({', '.join(diffs)}): {error.description}. "
            "Check the change with `nats stream info` and, for replicas, that the cluster has enough servers."
        ) from error
    changes = tuple(f"{field}: {_show(have)} -> {_show(wanted)}" for field, (have, wanted) in diffs.items())
    logger.info("stream updated name=%s changes=%s", want.name, "; ".join(changes))
    return StreamSetup("updated", changes)


def _republish(value: RePublish | None) -> tuple[str, str, bool] | None:
    """A RePublish as compared: the server may say headers_only False where the config left it out."""
    return None if value is None else (value.src or "", value.dest or "", bool(value.headers_only))


def _show(value: object) -> str:
    return getattr(value, "value", None) or str(value)
