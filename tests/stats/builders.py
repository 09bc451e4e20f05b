"""Crafted matches for the stats tests: every result given, nothing left to a default."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from accounts.models import User
from history.models import Match, MatchPlayer

BASE = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
_rooms = itertools.count(1)


def seat(user: User | None = None, *, player_id: str | None = None, **results) -> dict:
    """One player of a match: a registered ``user`` or a guest (``player_id``), with its results."""
    defaults = dict(
        score=1000,
        lines_cleared=4,
        garbage_sent=2,
        garbage_received=1,
        pieces_placed=30,
        duration_ms=60_000,
        level=None,
    )
    return {
        "user": user,
        "player_id": player_id or (str(user.id) if user else f"guest-{uuid.uuid4().hex[:8]}"),
        **defaults,
        **results,
    }


def match_of(
    seats: list[dict],
    *,
    mode: str = Match.Mode.MULTIPLAYER,
    started_at: datetime = BASE,
    ended_at: datetime | None = None,
    tournament_id: str | None = None,
    placements: list[int] | None = None,
    solo_mode: str | None = None,
    verified: bool | None = None,
) -> Match:
    """A match whose seats are placed in order (or by ``placements``)."""
    match = Match.objects.create(
        mode=mode,
        room_id=f"room-{next(_rooms)}" if mode == Match.Mode.MULTIPLAYER else None,
        player_count=len(seats),
        started_at=started_at,
        ended_at=ended_at or started_at + timedelta(minutes=2),
        tournament_id=tournament_id,
        solo_mode=solo_mode,
        verified=verified,
    )
    MatchPlayer.objects.bulk_create(
        MatchPlayer(
            match=match,
            placement=placement,
            started_at=started_at,
            ended_at=match.ended_at,
            mode=mode,
            **{key: value for key, value in s.items()},
        )
        for placement, s in zip(placements or range(1, len(seats) + 1), seats, strict=True)
    )
    return match


def solo(
    user: User, *, score: int, ended_at: datetime, solo_mode: str = "marathon", verified: bool = True, **results
) -> Match:
    """A solo match, by default a verified marathon run (docs/api.md: only those are ranked)."""
    duration = results.pop("duration_ms", 60_000)
    return match_of(
        [
            seat(
                user,
                score=score,
                duration_ms=duration,
                garbage_sent=0,
                garbage_received=0,
                level=results.pop("level", 3),
                **results,
            )
        ],
        mode=Match.Mode.SOLO,
        started_at=ended_at - timedelta(milliseconds=duration),
        ended_at=ended_at,
        solo_mode=solo_mode,
        verified=verified,
    )
