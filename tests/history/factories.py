"""Test data through the ORM, and API clients signed in as a given user."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from history.models import Match, MatchPlayer

_numbers = itertools.count(1)
BASE_TIME = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def user_create(*, username: str | None = None, is_staff: bool = False) -> User:
    return User.objects.create_user(
        username=username or f"player{next(_numbers)}", password="correct-horse-battery", is_staff=is_staff
    )


def api_client_for(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}")
    return client


def match_create(
    *,
    users: list[User | None],
    mode: str = Match.Mode.MULTIPLAYER,
    started_at: datetime | None = None,
    duration: timedelta = timedelta(minutes=3),
    room_id: str | None = None,
    tournament_id: str | None = None,
) -> Match:
    """A finished match with one player row per entry of ``users`` (None: a guest), placed in order."""
    started_at = started_at or BASE_TIME + timedelta(minutes=next(_numbers))
    if mode == Match.Mode.MULTIPLAYER and room_id is None:
        room_id = f"room-{next(_numbers)}"
    match = Match.objects.create(
        mode=mode,
        room_id=room_id if mode == Match.Mode.MULTIPLAYER else None,
        player_count=len(users),
        started_at=started_at,
        ended_at=started_at + duration,
        tournament_id=tournament_id,
    )
    MatchPlayer.objects.bulk_create(
        MatchPlayer(
            match=match,
            user=user,
            player_id=str(user.id) if user is not None else f"guest-{uuid.uuid4().hex[:8]}",
            placement=placement,
            score=1000 * (len(users) - placement + 1),
            lines_cleared=10,
            garbage_sent=2,
            garbage_received=3,
            pieces_placed=50,
            duration_ms=int(duration.total_seconds() * 1000),
            level=5 if mode == Match.Mode.SOLO else None,
            # Denormalised from the match, as every writer of match_players must.
            started_at=match.started_at,
            ended_at=match.ended_at,
            mode=match.mode,
        )
        for placement, user in enumerate(users, start=1)
    )
    return match
