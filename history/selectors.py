"""Reads of the match history (SPEC section 6)."""

import uuid
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet

from accounts.models import User
from history.models import PLAYER_RESULT_FIELDS, Match, MatchPlayer

# The list's order. They are the caller's own player row's columns, annotated onto each match, so that
# PostgreSQL walks match_players_user_recent_idx (user, -started_at, -match) and stops after one page,
# however many matches the caller has played.
LIST_POSITION_FIELDS = ("player_started_at", "player_match_id")


def _players_by_placement() -> Prefetch:
    # Only what a response shows: loading the denormalised and bookkeeping columns cost a history page
    # a tenth of its time.
    players = MatchPlayer.objects.only("match_id", "user_id", "player_id", "placement", *PLAYER_RESULT_FIELDS)
    return Prefetch("players", queryset=players.order_by("placement", "player_id"))


def match_list_for_user(
    *,
    user: User,
    mode: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Match]:
    """The matches ``user`` played, newest first, each with its players ordered by placement.

    ``since`` is inclusive and ``until`` exclusive, both on ``started_at``. Every match carries the
    annotations named in LIST_POSITION_FIELDS, the keys a cursor pages on.
    """
    # One filter() call: every condition must apply to the same joined player row (the caller's).
    conditions: dict = {"players__user": user}
    if mode is not None:
        conditions["players__mode"] = mode
    if since is not None:
        conditions["players__started_at__gte"] = since
    if until is not None:
        conditions["players__started_at__lt"] = until
    return (
        Match.objects.filter(**conditions)
        .defer("inserted_at")
        .annotate(player_started_at=F("players__started_at"), player_match_id=F("players__match_id"))
        .order_by("-player_started_at", "-player_match_id")
        .prefetch_related(_players_by_placement())
    )


def match_get_for_user(*, user: User, match_id: uuid.UUID) -> Match | None:
    """The match with its players when ``user`` played in it or is staff; otherwise None."""
    matches = Match.objects.filter(id=match_id).prefetch_related(_players_by_placement())
    if not user.is_staff:
        matches = matches.filter(Exists(MatchPlayer.objects.filter(match=OuterRef("pk"), user=user)))
    return matches.first()
