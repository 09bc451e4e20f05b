"""Reads of the match history (SPEC section 6)."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from django.db.models import Exists, F, OuterRef, QuerySet

from accounts.models import User
from history.models import PLAYER_RESULT_FIELDS, Match, MatchPlayer

PLAYER_SHOWN_FIELDS = ("user_id", "player_id", "placement", *PLAYER_RESULT_FIELDS)

# The list's order. They are the caller's own player row's columns, annotated onto each match, so that
# PostgreSQL walks match_players_user_recent_idx (user, -started_at, -match) and stops after one page,
# however many matches the caller has played.
LIST_POSITION_FIELDS = ("player_started_at", "player_match_id")


def match_players_attach(*, matches: Sequence[Match]) -> list[Match]:
    """Load the players of ``matches`` in one query, by placement, as ``match.player_list``.

    Each player is a dict of the fields a response shows (PLAYER_SHOWN_FIELDS), not a model: on a
    history page, building MatchPlayer instances cost more than the query. Django's prefetch_related,
    with a related queryset per match, cost more still.
    """
    matches = list(matches)
    by_match: dict[uuid.UUID, list[dict]] = {match.id: [] for match in matches}
    rows = (
        MatchPlayer.objects.filter(match_id__in=list(by_match))
        .order_by("placement", "player_id")
        .values_list("match_id", *PLAYER_SHOWN_FIELDS)
    )
    for match_id, *values in rows:
        by_match[match_id].append(dict(zip(PLAYER_SHOWN_FIELDS, values, strict=True)))
    for match in matches:
        match.player_list = by_match[match.id]
    return matches


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
    )


def match_get_for_user(*, user: User, match_id: uuid.UUID) -> Match | None:
    """The match with its players when ``user`` played in it or is staff; otherwise None."""
    matches = Match.objects.filter(id=match_id)
    if not user.is_staff:
        matches = matches.filter(Exists(MatchPlayer.objects.filter(match=OuterRef("pk"), user=user)))
    match = matches.first()
    return match_players_attach(matches=[match])[0] if match is not None else None
