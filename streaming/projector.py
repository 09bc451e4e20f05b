"""The match projector: each `game_end` becomes one match and its players in PostgreSQL, exactly once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction

from config.metrics import MATCHES_PROJECTED, POISON_EVENTS
from history.services import matches_record_from_game_ends
from stats.standings import DebouncedRefresh, standings_refresh
from streaming.consumer import Consumer, Verdict
from streaming.delivery import Delivery
from streaming.events import (
    GameEnd,
    InvalidEvent,
    decode_payload,
    game_end_from_event,
    room_id_from_subject,
    validate_envelope,
)
from streaming.models import PoisonEvent

logger = logging.getLogger("streaming.projector")


@dataclass(frozen=True, slots=True)
class Poison:
    delivery: Delivery
    reason: str


def classify(delivery: Delivery) -> GameEnd | Poison | None:
    """A GameEnd to write, a Poison to record, or None for an event the projector skips.

    Other event types are skimmed without JSON decoding: only a payload that could be a `game_end`
    (or escapes characters, so could hide one) is decoded and validated.
    """
    data = delivery.data
    stripped = data.strip()
    if not stripped.startswith(b"{") or not stripped.endswith(b"}"):
        return Poison(delivery, "payload: is not a JSON object")
    if b"game_end" not in data and b"\\u" not in data:
        return None
    try:
        room_id = room_id_from_subject(delivery.subject)
        event = validate_envelope(decode_payload(data))
        if event.type != "game_end":
            return None
        return game_end_from_event(room_id, event)
    except InvalidEvent as error:
        return Poison(delivery, str(error))


class MatchProjector(Consumer):
    durable = "match-projector"
    filter_subject = "game.*.events"

    def process_in_worker_thread(self, batch: list[Delivery]) -> list[Verdict]:
        ends: list[GameEnd] = []
        seq_of_end: dict[tuple[str, datetime], int] = {}  # for the log line of each match
        poisons: list[Poison] = []
        verdicts: list[Verdict] = []
        for delivery in batch:
            outcome = classify(delivery)
            if isinstance(outcome, Poison):
                poisons.append(outcome)
                verdicts.append(Verdict.TERM)
            else:
                if outcome is not None:
                    ends.append(outcome)
                    seq_of_end[(outcome.room_id, outcome.started_at)] = delivery.stream_seq
                verdicts.append(Verdict.ACK)
        if poisons:
            self._record_poisons(poisons)
        if ends:
            recorded = matches_record_from_game_ends(ends=ends)  # the new ones: a redelivery writes none
            if recorded:
                MATCHES_PROJECTED.inc(len(recorded))
            if any(match.tournament_id is not None for match in recorded):
                # Requested once the rows are committed, so the refresh sees them.
                transaction.on_commit(self.standings_refresher.request)
            for match in recorded:
                logger.info(
                    "match projected players=%d",
                    match.player_count,
                    extra={
                        "match_id": str(match.id),
                        "room_id": match.room_id,
                        "started_at": match.started_at.isoformat(),
                        "stream_seq": seq_of_end.get((match.room_id, match.started_at)),
                        "consumer": self.durable,
                    },
                )
        return verdicts

    @property
    def standings_refresher(self) -> DebouncedRefresh:
        """The tournament standings' debounced refresh (SPEC section 10), made on first use."""
        if getattr(self, "_standings_refresher", None) is None:
            self._standings_refresher = DebouncedRefresh(
                standings_refresh, interval=settings.TOURNAMENT_REFRESH_SECONDS
            )
        return self._standings_refresher

    def close(self) -> None:
        """Run a pending standings refresh now; call once the runner has stopped."""
        if getattr(self, "_standings_refresher", None) is not None:
            self._standings_refresher.close()

    def handle_poison(self, delivery: Delivery, reason: str) -> None:
        self._record_poisons([Poison(delivery, reason)])

    def _record_poisons(self, poisons: list[Poison]) -> None:
        PoisonEvent.objects.bulk_create(
            [
                PoisonEvent(
                    consumer=self.durable,
                    stream_seq=poison.delivery.stream_seq,
                    subject=poison.delivery.subject,
                    payload=poison.delivery.data,
                    reason=poison.reason[:1000],
                )
                for poison in poisons
            ],
            ignore_conflicts=True,
        )
        POISON_EVENTS.labels(consumer=self.durable).inc(len(poisons))
        for poison in poisons:
            logger.error(
                "poison event terminated subject=%s reason=%s",
                poison.delivery.subject,
                poison.reason,
                extra={"consumer": self.durable, "stream_seq": poison.delivery.stream_seq},
            )


class MatchReprojector(MatchProjector):
    """Projects the whole stream again from sequence 1 through a consumer of its own, then stops."""

    durable = "match-reprojector"
