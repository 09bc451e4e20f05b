"""The match projector: each `game_end` becomes one match and its players in PostgreSQL, exactly once."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.metrics import MATCHES_PROJECTED
from history.models import Match
from history.services import matches_record_from_game_ends
from stats.standings import DebouncedRefresh, standings_refresh
from streaming.consumer import Consumer, Verdict
from streaming.delivery import Delivery
from streaming.events import GameEnd, InvalidEvent, game_end_from_event
from streaming.models import PoisonEvent
from streaming.poison import REASON_MAX_LENGTH, Poison, looks_like_object, read_event, record_poisons

logger = logging.getLogger("streaming.projector")


def classify(delivery: Delivery) -> GameEnd | Poison | None:
    """A GameEnd to write, a Poison to record, or None for an event the projector skips.

    Other event types are skimmed without JSON decoding: only a payload that could be a `game_end`
    (or escapes characters, so could hide one) is decoded and validated.
    """
    data = delivery.data
    if b"game_end" not in data and b"\\u" not in data and looks_like_object(data):
        return None
    try:
        room_id, event = read_event(delivery.origin_subject, data)
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
        record_poisons(self.durable, poisons)
        self.project(ends, seq_of_end)
        return verdicts

    def project(self, ends: list[GameEnd], seq_of_end: dict[tuple[str, datetime], int]) -> list[Match]:
        """Write the matches of ``ends`` (the new ones: a redelivery writes none), count and log them."""
        if not ends:
            return []
        recorded = matches_record_from_game_ends(ends=ends)
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
        return recorded

    @property
    def standings_refresher(self) -> DebouncedRefresh:
        """The tournament standings' debounced refresh (docs/api.md, stats), made on first use."""
        if getattr(self, "_standings_refresher", None) is None:
            self._standings_refresher = DebouncedRefresh(
                standings_refresh, interval=settings.TOURNAMENT_REFRESH_SECONDS
            )
        return self._standings_refresher

    def close(self) -> None:
        """Run a pending standings refresh now; call once the runner has stopped."""
        if getattr(self, "_standings_refresher", None) is not None:
            self._standings_refresher.close()


class MatchReprojector(MatchProjector):
    """Projects the whole stream again from sequence 1 through a consumer of its own, then stops."""

    durable = "match-reprojector"


class NotProjectorPoison(ValueError):
    """A retry asked of a poison event another consumer recorded: only the projector's can be retried."""


def retry_poison(poison: PoisonEvent) -> Match | None:
    """Run the projector's own handling on a poison event's stored payload (an operator's retry, after a fix).

    The match it makes, or finds already made (the projector writes a match once: a retry, or a
    stream that delivered the event again since, links the existing one); the row is then resolved
    with it. None when the payload still cannot be projected: the row is kept, with the new reason.
    NotProjectorPoison for another consumer's row. A world error (PostgreSQL away) is raised as is.
    """
    if poison.consumer != MatchProjector.durable:
        raise NotProjectorPoison(f"{poison.consumer} recorded this event: only {MatchProjector.durable}'s are retried")
    delivery = Delivery(poison.subject, bytes(poison.payload), position=(poison.stream_seq, 1, 0))
    projector = MatchProjector()
    try:
        with transaction.atomic():
            outcome = classify(delivery)
            if outcome is None:
                reason = "type: not a game_end: the projector skips it"
            elif isinstance(outcome, Poison):
                reason = outcome.reason
            else:
                projector.project([outcome], {(outcome.room_id, outcome.started_at): poison.stream_seq})
                poison.match = Match.objects.get(room_id=outcome.room_id, started_at=outcome.started_at)
                poison.resolved_at = poison.resolved_at or timezone.now()
                poison.save(update_fields=["match", "resolved_at"])
                return poison.match
    finally:
        projector.close()  # a tournament's standings refreshed now, not on a thread the request leaves behind
    poison.reason = reason[:REASON_MAX_LENGTH]
    poison.save(update_fields=["reason"])
    return None
