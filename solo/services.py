"""Solo results (docs/api.md): a finished single-player game, reported by the client, verified when it
brings its run (the serializer has replayed it by then)."""

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from history.models import Match, MatchPlayer
from history.selectors import MatchRow, match_get
from solo.inputs import inputs_encode
from solo.models import SoloIdempotencyKey, SoloRun


class IdempotencyKeyReused(Exception):
    """The Idempotency-Key was already used by this user for a different request body."""

    def __init__(self, key: str) -> None:
        super().__init__(
            f"Idempotency-Key {key!r} was already used for a different solo result; "
            "send a new key for a new result, or repeat the original body unchanged."
        )
        self.key = key


def _request_hash(*, fields: dict) -> str:
    # Instants are compared in UTC, so "…+02:00" and the same instant in "Z" are the same request.
    canonical = {
        name: value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value
        for name, value in fields.items()
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _match_with_players(match_id: uuid.UUID) -> MatchRow:
    match = match_get(match_id=match_id)
    if match is None:  # only if deleted between its write (or its key's) and this read
        raise Match.DoesNotExist(f"match {match_id} is gone")
    return match


def _recorded_match(*, user: User, idempotency_key: str, request_hash: str) -> MatchRow | None:
    entry = SoloIdempotencyKey.objects.filter(user=user, key=idempotency_key).first()
    if entry is None:
        return None
    if entry.request_hash != request_hash:
        raise IdempotencyKeyReused(idempotency_key)
    return _match_with_players(entry.match_id)


def _match_create(*, user: User, fields: dict, replay: dict | None) -> MatchRow:
    ended_at = fields["ended_at"] or timezone.now()
    started_at = ended_at - timedelta(milliseconds=fields["duration_ms"])
    match = Match.objects.create(
        mode=Match.Mode.SOLO,
        room_id=None,
        player_count=1,
        started_at=started_at,
        ended_at=ended_at,
        # A result without its run is the seed's contract: its one mode was marathon.
        solo_mode=replay["mode"] if replay else "marathon",
        verified=replay is not None,
    )
    if replay is not None:
        SoloRun.objects.create(
            match=match,
            engine=replay["engine"],
            mode=replay["mode"],
            seed=replay["seed"],
            settings=dict(replay["settings"]),
            inputs=inputs_encode(replay["inputs"]),
            input_count=len(replay["inputs"]),
        )
    MatchPlayer.objects.create(
        match=match,
        user=user,
        player_id=str(user.id),
        placement=1,
        score=fields["score"],
        lines_cleared=fields["lines_cleared"],
        garbage_sent=0,
        garbage_received=0,
        pieces_placed=fields["pieces_placed"],
        duration_ms=fields["duration_ms"],
        level=fields["level"],
        started_at=started_at,
        ended_at=ended_at,
        mode=Match.Mode.SOLO,
    )
    return _match_with_players(match.id)


def solo_result_record(
    *,
    user: User,
    score: int,
    lines_cleared: int,
    level: int,
    pieces_placed: int,
    duration_ms: int,
    ended_at: datetime | None = None,
    idempotency_key: str | None = None,
    replay: dict | None = None,
) -> tuple[MatchRow, bool]:
    """Record one solo game of ``user``; return the match and whether this call created it.

    The game ended at ``ended_at`` (now when None) and started ``duration_ms`` before. With an
    ``idempotency_key``, a repeat of the same request returns the match of the first, even when both
    run at once; the same key with other values raises IdempotencyKeyReused. With ``replay`` (a run whose
    replay the caller found to yield exactly these figures), the match is verified and keeps the run.
    """
    fields = {
        "score": score,
        "lines_cleared": lines_cleared,
        "level": level,
        "pieces_placed": pieces_placed,
        "duration_ms": duration_ms,
        "ended_at": ended_at,
    }
    if idempotency_key is None:
        with transaction.atomic():
            return _match_create(user=user, fields=fields, replay=replay), True

    # A repeat must bring the same run too; fields without a replay hash as they always did.
    request_hash = _request_hash(fields=fields if replay is None else {**fields, "replay": replay})
    recorded = _recorded_match(user=user, idempotency_key=idempotency_key, request_hash=request_hash)
    if recorded is not None:
        return recorded, False
    try:
        with transaction.atomic():
            match = _match_create(user=user, fields=fields, replay=replay)
            SoloIdempotencyKey.objects.create(
                user=user, key=idempotency_key, request_hash=request_hash, match_id=match.id
            )
    except IntegrityError:
        # A concurrent request with this key committed first (our insert waited for it on the unique
        # index); its match is the answer, and ours was rolled back with the savepoint.
        recorded = _recorded_match(user=user, idempotency_key=idempotency_key, request_hash=request_hash)
        if recorded is None:
            raise
        return recorded, False
    return match, True
