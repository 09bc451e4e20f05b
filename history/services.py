"""Writes of projected matches. The database's unique key decides what is new (exactly once in effect)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from contract.events import GameEnd
from history.models import Match, MatchPlayer

_INSERT_MATCHES = """
INSERT INTO matches (id, game_type, room_id, mode, player_count, started_at, ended_at, inserted_at, tournament_id)
SELECT * FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::text[], %s::int[], %s::timestamptz[],
                     %s::timestamptz[], %s::timestamptz[], %s::text[])
ON CONFLICT (room_id, started_at) WHERE room_id IS NOT NULL DO NOTHING
RETURNING id
"""


# A multiplayer match's id is derived from its key (room_id, started_at) (docs/operations.md), so that
# projecting the stream again (rebuild_read_models into an empty database) gives each match its id.
MATCH_ID_NAMESPACE = uuid.UUID("5b0c7f3e-2f4a-4d8e-9a61-7c1e0b7d9a25")


def match_id_for(room_id: str, started_at: datetime) -> uuid.UUID:
    """The id of the multiplayer match (room_id, started_at): the same whoever projects it, whenever."""
    return uuid.uuid5(MATCH_ID_NAMESPACE, f"{room_id}|{started_at.astimezone(UTC).isoformat()}")


def _registered_user_ids(player_ids: set[str]) -> set[str]:
    """The player ids that are user ids of registered players (docs/contract.md, game events); the rest are guests."""
    candidates = []
    for player_id in player_ids:
        try:
            candidates.append(uuid.UUID(player_id))
        except ValueError:
            continue
    if not candidates:
        return set()
    found = get_user_model().objects.filter(id__in=candidates).values_list("id", flat=True)
    return {str(user_id) for user_id in found}


@transaction.atomic
def matches_record_from_game_ends(
    *, ends: Sequence[GameEnd], ids: dict[tuple[str, datetime], uuid.UUID] | None = None
) -> list[Match]:
    """Write each finished match and its players; return only the matches that were new.

    ``ids``: the id of a match by (room_id, started_at), where it is known (a rebuild from the archive,
    which keeps the id the match had); any other match's is derived from that key (`match_id_for`).

    One statement inserts all matches with ON CONFLICT DO NOTHING, so redelivery, a replay of the
    stream and several projectors at once never add a second row. Rows go in a fixed order so two
    projectors writing overlapping batches cannot deadlock.
    """
    if not ends:
        return []
    ordered = sorted(ends, key=lambda end: (end.room_id, end.started_at))
    rows = [
        (end, (ids or {}).get((end.room_id, end.started_at)) or match_id_for(end.room_id, end.started_at))
        for end in ordered
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        inserted_at = cursor.fetchone()[0]
        cursor.execute(
            _INSERT_MATCHES,
            [
                [match_id for _, match_id in rows],
                ["tetris"] * len(rows),
                [end.room_id for end, _ in rows],
                [end.mode for end, _ in rows],
                [len(end.players) for end, _ in rows],
                [end.started_at for end, _ in rows],
                [end.ended_at for end, _ in rows],
                [inserted_at] * len(rows),
                [end.tournament_id for end, _ in rows],
            ],
        )
        new_ids = {str(row[0]) for row in cursor.fetchall()}
    if not new_ids:
        return []
    new = [(end, match_id) for end, match_id in rows if str(match_id) in new_ids]
    registered = _registered_user_ids({player.player_id for end, _ in new for player in end.players})
    players = [
        MatchPlayer(
            match_id=match_id,
            user_id=player.player_id if player.player_id in registered else None,
            player_id=player.player_id,
            placement=player.placement,
            score=player.score,
            lines_cleared=player.lines_cleared,
            garbage_sent=player.garbage_sent,
            garbage_received=player.garbage_received,
            pieces_placed=player.pieces_placed,
            duration_ms=player.duration_ms,
            started_at=end.started_at,
            ended_at=end.ended_at,
            mode=end.mode,
            inserted_at=inserted_at,
        )
        for end, match_id in new
        for player in end.players
    ]
    MatchPlayer.objects.bulk_create(players, batch_size=2000)
    return [
        Match(
            id=match_id,
            room_id=end.room_id,
            mode=end.mode,
            player_count=len(end.players),
            started_at=end.started_at,
            ended_at=end.ended_at,
            inserted_at=inserted_at,
            tournament_id=end.tournament_id,
        )
        for end, match_id in new
    ]


def solo_results_delete(*, user_id: uuid.UUID) -> None:
    """Delete the solo matches of a user whose account is being deleted (docs/api.md, account deletion).

    A solo match has one player, so it is theirs alone; multiplayer rows are the other players' too and
    stay (their user_id is set null by the foreign key). The stats triggers recount on the delete.
    """
    Match.objects.filter(mode=Match.Mode.SOLO, players__user_id=user_id).delete()


def user_pre_delete_receiver(sender: type, instance: object, **kwargs: object) -> None:
    solo_results_delete(user_id=instance.pk)
