"""player_totals and player_days, the triggers' counts, equal the raw rows whoever writes them, exactly once."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from accounts.models import User
from history.models import Match
from history.projector import MatchProjector
from solo.services import solo_result_record
from tests.stats import reference
from tests.stats.builders import BASE, match_of, seat, solo
from tests.streaming.factories import match_events
from tests.support import BackgroundConsumer, publish_match, wait_until


def _agree() -> dict:
    """player_totals, once it and player_days are checked against the raw rows."""
    assert reference.stored_equal_raw()
    return reference.stored_player_totals()


@pytest.mark.django_db(transaction=True)
def test_totals_after_a_reprojection_of_the_stream_equal_those_before(stream, settings):
    settings.TOURNAMENT_REFRESH_SECONDS = 0.2
    alice, bob = (User.objects.create_user(username=name) for name in ("alice", "bob"))
    seatings = [[alice, bob, "guest"], [bob, alice], ["guest", alice], [alice, bob, "guest"]]
    for n, seated in enumerate(seatings):
        players = [p if isinstance(p, str) else str(p.id) for p in seated]
        publish_match(f"room-{n % 2}", match_events(f"room-{n % 2}", index=n, players=players))
    projector = MatchProjector()
    with BackgroundConsumer(projector):
        wait_until(lambda: Match.objects.count() == 4)
    projector.close()
    before = _agree()
    assert before[(alice.id, "multiplayer")]["matches"] == 4

    call_command("run_projector", from_start=True, stdout=io.StringIO())  # nothing new: nothing doubles
    assert _agree() == before

    Match.objects.all().delete()  # the read models lost: the stream rebuilds them
    assert reference.stored_player_totals() == {} and reference.stored_player_days() == {}
    call_command("run_projector", from_start=True, stdout=io.StringIO())
    after = _agree()
    assert {key: {k: v for k, v in t.items() if k != "best_match_id"} for key, t in after.items()} == {
        key: {k: v for k, v in t.items() if k != "best_match_id"} for key, t in before.items()
    }  # the same figures; the rebuilt matches have new ids


@pytest.mark.django_db
def test_solo_results_count_once_each_and_a_repeat_adds_nothing():
    carol = User.objects.create_user(username="carol")
    fields = dict(score=900, lines_cleared=10, level=2, pieces_placed=40, duration_ms=60_000)
    first, _ = solo_result_record(user=carol, idempotency_key="k1", **fields)
    solo_result_record(user=carol, idempotency_key="k1", **fields)
    solo_result_record(user=carol, **{**fields, "score": 900})  # the same best later: the first stays best
    totals = _agree()[(carol.id, "solo")]
    assert (totals["matches"], totals["best_score"], totals["best_match_id"]) == (2, 900, first.id)


@pytest.mark.django_db
def test_a_deleted_user_leaves_the_totals_and_the_others_stay():
    alice, bob = (User.objects.create_user(username=name) for name in ("alice", "bob"))
    match_of([seat(alice), seat(bob)])
    solo(alice, score=500, ended_at=BASE)
    alice.delete()
    assert set(_agree()) == {(bob.id, "multiplayer")}


@pytest.mark.django_db
def test_a_deleted_match_gives_the_best_score_back_to_the_next_best():
    alice = User.objects.create_user(username="alice")
    best = solo(alice, score=700, ended_at=BASE)
    second = solo(alice, score=700, ended_at=BASE + timedelta(hours=1))
    solo(alice, score=100, ended_at=BASE + timedelta(hours=2))
    assert _agree()[(alice.id, "solo")]["best_match_id"] == best.id
    best.delete()
    totals = _agree()[(alice.id, "solo")]
    assert (totals["matches"], totals["best_match_id"]) == (2, second.id)


@pytest.mark.django_db
def test_one_statement_of_many_players_counts_each_player_once_per_row():
    alice, bob = (User.objects.create_user(username=name) for name in ("alice", "bob"))
    for n in range(3):  # each match a statement of its own rows; the trigger groups them
        match_of([seat(alice, score=10 * n), seat(bob), seat()], started_at=BASE + timedelta(minutes=n))
    totals = _agree()
    assert (totals[(alice.id, "multiplayer")]["matches"], totals[(alice.id, "multiplayer")]["wins"]) == (3, 3)
