"""Poison rows as a projector with a bug since fixed would have left them: a valid game_end, stored."""

import json

from streaming.models import PoisonEvent
from tests.streaming.factories import match_events


def projector_poison_of_a_valid_game_end(room_id: str, *, stream_seq: int, players: list[str]) -> PoisonEvent:
    event, _ = match_events(room_id, players=players)[-1]
    return PoisonEvent.objects.create(
        consumer="match-projector",
        stream_seq=stream_seq,
        subject=f"game.{room_id}.events",
        payload=json.dumps(event).encode(),
        reason="recorded by an older projector's bug",
    )
