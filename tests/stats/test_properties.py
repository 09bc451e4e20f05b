"""Random match sets: stats and leaderboards equal a plain Python reference over the raw rows."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from history.models import Match, MatchPlayer
from tests.history.factories import api_client_for
from tests.stats import reference

SMALL = st.integers(min_value=0, max_value=7)

seat_strategy = st.fixed_dictionaries(
    {
        "who": st.integers(min_value=0, max_value=4),  # 0-2 registered, 3 a guest, 4 the deleted user
        "score": st.sampled_from([0, 1, 500, 500, 1000]),
        "lines_cleared": SMALL,
        "garbage_sent": SMALL,
        "garbage_received": SMALL,
        "pieces_placed": SMALL,
        "duration_ms": st.sampled_from([0, 1000, 1600, 3000, 240_000]),
    }
)
match_strategy = st.fixed_dictionaries(
    {
        "solo": st.booleans(),
        "seats": st.lists(seat_strategy, min_size=1, max_size=4),
        "ended_hours_ago": st.sampled_from([0, 1, 23, 25, 24 * 8, 24 * 40]),
    }
)


def _store(matches: list[dict], users: list[User]) -> list[Match]:
    now = timezone.now()
    stored = []
    for n, spec in enumerate(matches):
        # A registered player sits once in a match; guests (3) any number of times.
        seats = [
            s
            for i, s in enumerate(spec["seats"])
            if s["who"] == 3 or s["who"] not in [t["who"] for t in spec["seats"][:i]]
        ]
        seats = seats[:1] if spec["solo"] else seats
        ended_at = now - timedelta(hours=spec["ended_hours_ago"], seconds=n)
        mode = "solo" if spec["solo"] else "multiplayer"
        match = Match.objects.create(
            mode=mode,
            room_id=None if spec["solo"] else f"prop-{n}",
            player_count=len(seats),
            started_at=ended_at - timedelta(minutes=3),
            ended_at=ended_at,
            # Every third solo result came without its run: recorded, never ranked (docs/api.md).
            solo_mode="marathon" if spec["solo"] else None,
            verified=(n % 3 != 0) if spec["solo"] else None,
        )
        stored.append(match)
        for placement, s in enumerate(seats, start=1):
            user = users[s["who"]] if s["who"] in (0, 1, 2, 4) else None
            MatchPlayer.objects.create(
                match=match,
                user=user,
                player_id=str(user.id) if user else f"guest-{n}-{placement}",
                placement=placement,
                level=3 if spec["solo"] else None,
                started_at=match.started_at,
                ended_at=match.ended_at,
                mode=mode,
                **{k: v for k, v in s.items() if k != "who"},
            )
    return stored


def _json(value):
    return json.loads(json.dumps(value, default=lambda v: v.isoformat().replace("+00:00", "Z")))


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(matches=st.lists(match_strategy, max_size=12), deleted=st.sets(st.integers(min_value=0, max_value=11)))
def test_random_match_sets_agree_with_the_reference(django_db_blocker, matches, deleted):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        users = [User.objects.create_user(username=f"prop{n}") for n in range(5)]
        stored = _store(matches, users)
        # The triggers' tables, after the inserts, a deleted user's rows set to null, deleted matches.
        assert reference.stored_equal_raw()
        users[4].delete()
        assert reference.stored_equal_raw()
        Match.objects.filter(id__in=[m.id for n, m in enumerate(stored) if n in deleted]).delete()
        assert reference.stored_equal_raw()
        rows = reference.raw_rows()
        client = api_client_for(users[0])
        for user in users[:3]:
            body = client.get(f"/api/players/{user.id}/stats").json()
            assert {k: body[k] for k in ("multiplayer", "solo")} == _json(reference.stats(rows, user.id))
        now = timezone.now()
        for period, hours in (("day", 24), ("week", 24 * 7), ("all", None)):
            start = None if hours is None else now - timedelta(hours=hours)
            solo = client.get("/api/leaderboards/solo", {"period": period}).json()["results"]
            multi = client.get("/api/leaderboards/multiplayer", {"period": period}).json()["results"]
            # The route's "now" is a moment later than ours; no match ends within seconds of a period's start.
            assert solo == _json(reference.solo_leaderboard(rows, start))
            assert multi == _json(reference.multiplayer_leaderboard(rows, start))
        transaction.set_rollback(True)
