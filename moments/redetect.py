"""Re-running the detector's rules over one stored match, after a fix: only the moments not yet stored go out.

The match's events are read from GAME_EVENTS (`history.replay.read_match_messages`), fed to
`detect_moments` in stream order exactly as the live detector feeds them (undecodable or invalid
events skipped), and each moment found is the detector's own `OutgoingMoment` (same payload, same
Msg-Id, named by the event's GAME_EVENTS sequence whether the detectors are partitioned or not). The
moments the match already has on `game.{room_id}.moments` are read as the detector reads them when it
rebuilds a room (`read_stored_moments`), and only the others are published, acks awaited
(`publish_moments`). Running it twice publishes nothing the second time, past the stream's 2-minute
duplicate window too.

A match without its `game_end` is refused: the live detector may still be feeding it, and moments
published ahead of it are not in its in-memory set of stored moments, so it would publish them again
and, more than 2 minutes later, the stream would store them twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from nats.aio.client import Client as NATS

from contract.events import InvalidEvent, events_subject
from history.replay import read_match_messages
from moments.consumer import detector_event
from moments.detection import MatchState, detect_moments
from moments.stored import OutgoingMoment, moments_not_stored, publish_moments, read_stored_moments

# The name the per-moment log lines carry (where the detector's carry its durable name).
REDETECT_CONSUMER = "redetect"


class MatchNotFinished(Exception):
    """The match has no game_end in the stream: it may still be played and detected."""


@dataclass
class Redetection:
    room_id: str
    started_at: str
    events: int
    found: list[OutgoingMoment] = field(default_factory=list)
    new: list[OutgoingMoment] = field(default_factory=list)  # not stored: published unless a dry run

    @property
    def already_stored(self) -> int:
        return len(self.found) - len(self.new)


async def redetect_match(client: NATS, room_id: str, started_at: datetime, *, dry_run: bool = False) -> Redetection:
    """Detect the moments of the finished match (room_id, started_at) again; publish those not stored.

    Raises ReplayNotFound or ReplayGone (no such match, or no longer in the stream), MatchNotFinished,
    and RetryLater when a publish failed after its retries.
    """
    messages = await read_match_messages(client, room_id, started_at)
    state: MatchState | None = None
    found: list[OutgoingMoment] = []
    events = 0
    subject = events_subject(room_id)
    for message in messages:
        try:
            _, event = detector_event(subject, message.data)
        except InvalidEvent:
            continue
        events += 1
        state, moments = detect_moments(state, event)
        found.extend(OutgoingMoment(room_id, message.seq, moment, state.started_at) for moment in moments)
    if state is None or not state.ended or state.started_at is None:
        raise MatchNotFinished(
            f"the match of room {room_id} started at {started_at.isoformat()} has no game_end: "
            "it may still be played and detected; redetect takes finished matches"
        )
    stored = await read_stored_moments(client, room_id, state.started_at)
    result = Redetection(room_id=room_id, started_at=state.started_at, events=events, found=found)
    result.new = [item for item in found if moments_not_stored(stored, item.started_at, item.event_seq, [item.moment])]
    if result.new and not dry_run:
        await publish_moments(client.jetstream(), result.new, consumer=REDETECT_CONSUMER)
    return result
