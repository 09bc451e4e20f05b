"""Poison events (docs/operations.md): a message a consumer can never process, recorded where an operator sees it.

One reader for both consumers (`read_event`): the same message gets the same reason from the
projector and the detector, in the validator's words (`InvalidEvent`: the first bad field and why).
One recorder (`record_poisons`): the row of `poison_events` with the consumer's durable name and the
message's GAME_EVENTS sequence, the `poison_events_total` counter and the log line. The consumer
then terminates the message (`Verdict.TERM`), so it never blocks the events behind it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from contract.events import GameEvent, InvalidEvent, decode_payload, room_id_from_subject, validate_envelope
from streaming.delivery import Delivery
from streaming.models import PoisonEvent
from telemetry.metrics import POISON_EVENTS

logger = logging.getLogger("streaming.poison")

REASON_MAX_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class Poison:
    delivery: Delivery
    reason: str


def looks_like_object(payload: bytes) -> bool:
    """Whether the payload is braced like a JSON object (cheap: no decoding)."""
    stripped = payload.strip()
    return stripped.startswith(b"{") and stripped.endswith(b"}")


def read_event(subject: str, payload: bytes) -> tuple[str, GameEvent]:
    """The room and the event of one message, its envelope checked; InvalidEvent, the poison's reason, when not.

    Its data is checked by the consumer that reads it (`validate_data`, `game_end_from_event`), with
    the validator's words too. ``subject``: the subject it was published to (`Delivery.origin_subject`).
    """
    if not looks_like_object(payload):
        raise InvalidEvent("payload", "is not a JSON object")
    room_id = room_id_from_subject(subject)
    return room_id, validate_envelope(decode_payload(payload))


def record_poisons(consumer: str, poisons: list[Poison]) -> None:
    """Record each poison once per (consumer, stream sequence), count and log it; on the worker thread (ORM)."""
    if not poisons:
        return
    PoisonEvent.objects.bulk_create(
        [
            PoisonEvent(
                consumer=consumer,
                stream_seq=poison.delivery.stream_seq,
                subject=poison.delivery.origin_subject,
                payload=poison.delivery.data,
                reason=poison.reason[:REASON_MAX_LENGTH],
            )
            for poison in poisons
        ],
        ignore_conflicts=True,  # a redelivery of a message recorded before its term was lost
    )
    POISON_EVENTS.labels(consumer=consumer).inc(len(poisons))
    for poison in poisons:
        logger.error(
            "poison event terminated subject=%s reason=%s",
            poison.delivery.origin_subject,
            poison.reason,
            extra={"consumer": consumer, "stream_seq": poison.delivery.stream_seq},
        )
