"""Private profiles are left out of the multiplayer board on both of its paths (stats/multiplayer_period.py):
the pruned one, which counts the all-time leaders first, and the one that groups everyone."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from history.models import MatchPlayer
from stats import multiplayer_period
from stats.models import PlayerTotals
from stats.selectors import period_start
from tests.history.factories import user_create
from tests.stats.builders import match_of, seat


@pytest.mark.parametrize("period", ["week", "month"])
def test_private_leaders_are_left_out_and_the_board_stays_full_on_both_paths(db, period):
    rng = random.Random(period)
    now = timezone.now()
    players = [user_create() for _ in range(130)]
    for n in range(600):
        seated = rng.sample(players, 4)
        ended_at = now - timedelta(hours=int(24 * 40 * rng.random() ** 3), minutes=n)
        match_of([seat(p) for p in seated], started_at=ended_at - timedelta(minutes=3), ended_at=ended_at)
    # The ten players with the most wins of all time go private: the pruned path's pool is theirs first.
    leaders = PlayerTotals.objects.filter(mode="multiplayer").order_by("-wins").values_list("user_id", flat=True)[:10]
    private = set(leaders)
    User.objects.filter(pk__in=private).update(profile_private=True)
    start = period_start(period, now=now)

    pruned = multiplayer_period.multiplayer_period_rows(start, max_candidates=10**6)
    everyone = multiplayer_period.multiplayer_period_rows(start, max_candidates=0)

    assert pruned == everyone
    assert not {row[0] for row in pruned} & private
    public_players = (
        MatchPlayer.objects.filter(mode="multiplayer", ended_at__gte=start, user__profile_private=False)
        .values("user")
        .distinct()
        .count()
    )
    assert len(pruned) == min(100, public_players)  # the private leaders' places go to the next ones
