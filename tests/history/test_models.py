"""The database guards the read models (docs/contract.md, read models): raw ORM writes that bypass every serializer."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from history.models import Match, MatchPlayer
from tests.history.factories import BASE_TIME, match_create

pytestmark = pytest.mark.django_db

PLAYER_COUNTS = ("score", "lines_cleared", "garbage_sent", "garbage_received", "pieces_placed", "duration_ms")


def match_row(**changes) -> Match:
    values = {
        "mode": Match.Mode.MULTIPLAYER,
        "room_id": "room-g",
        "player_count": 2,
        "started_at": BASE_TIME,
        "ended_at": BASE_TIME + timedelta(minutes=3),
        **changes,
    }
    return Match(**values)


def player_row(match: Match, **changes) -> MatchPlayer:
    values = {
        "match": match,
        "player_id": "guest-1",
        "placement": 1,
        "score": 100,
        "lines_cleared": 4,
        "garbage_sent": 1,
        "garbage_received": 2,
        "pieces_placed": 30,
        "duration_ms": 180_000,
        "started_at": match.started_at,
        "ended_at": match.ended_at,
        "mode": match.mode,
        **changes,
    }
    return MatchPlayer(**values)


def vars_of(instance) -> dict:
    """The column values of an unsaved row, for .objects.create()."""
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key and field.attname != "inserted_at"
    }


def assert_refused(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_a_valid_match_and_player_are_stored():
    # The baseline every refusal below differs from by one value.
    match = Match.objects.create(**vars_of(match_row()))
    MatchPlayer.objects.bulk_create([player_row(match)])
    assert MatchPlayer.objects.filter(match=match).count() == 1


def test_second_multiplayer_match_in_the_same_room_at_the_same_start_is_refused():
    Match.objects.create(**vars_of(match_row()))
    assert_refused(lambda: Match.objects.create(**vars_of(match_row(player_count=3))))
    assert_refused(lambda: Match.objects.bulk_create([match_row()]))
    assert Match.objects.count() == 1


def test_same_start_in_other_rooms_is_allowed():
    Match.objects.bulk_create([match_row(room_id="room-a"), match_row(room_id="room-b")])
    assert Match.objects.filter(started_at=BASE_TIME).count() == 2


def test_two_solo_matches_at_the_same_start_are_both_allowed():
    Match.objects.create(**vars_of(match_row(mode=Match.Mode.SOLO, room_id=None, player_count=1)))
    Match.objects.create(**vars_of(match_row(mode=Match.Mode.SOLO, room_id=None, player_count=1)))
    assert Match.objects.filter(room_id__isnull=True, started_at=BASE_TIME).count() == 2


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"ended_at": BASE_TIME - timedelta(microseconds=1)}, id="ended-before-started"),
        pytest.param({"player_count": 0}, id="no-players"),
        pytest.param({"player_count": -1}, id="negative-player-count"),
        pytest.param({"room_id": None}, id="multiplayer-without-room"),
    ],
)
def test_match_out_of_range_is_refused(changes):
    assert_refused(lambda: Match.objects.create(**vars_of(match_row(**changes))))
    assert_refused(lambda: Match.objects.bulk_create([match_row(**changes)]))
    assert Match.objects.count() == 0


def test_match_ending_when_it_starts_is_allowed():
    Match.objects.create(**vars_of(match_row(ended_at=BASE_TIME)))
    assert Match.objects.count() == 1


@pytest.mark.parametrize("field", PLAYER_COUNTS)
def test_negative_player_result_is_refused(field):
    match = match_create(users=[None])
    assert_refused(lambda: MatchPlayer.objects.create(**vars_of(player_row(match, player_id="p-neg", **{field: -1}))))
    assert_refused(lambda: MatchPlayer.objects.bulk_create([player_row(match, player_id="p-neg", **{field: -1})]))
    MatchPlayer.objects.create(**vars_of(player_row(match, player_id="p-zero", **{field: 0})))
    assert not MatchPlayer.objects.filter(player_id="p-neg").exists()
    assert MatchPlayer.objects.filter(match=match).count() == 2  # the factory's player and p-zero


@pytest.mark.parametrize("placement", [0, -1])
def test_placement_below_one_is_refused(placement):
    match = match_create(users=[None])
    assert_refused(lambda: MatchPlayer.objects.create(**vars_of(player_row(match, placement=placement))))
    assert MatchPlayer.objects.filter(match=match).count() == 1


def test_negative_level_is_refused():
    match = match_create(users=[None], mode=Match.Mode.SOLO)
    assert_refused(lambda: MatchPlayer.objects.create(**vars_of(player_row(match, level=-1))))
    MatchPlayer.objects.create(**vars_of(player_row(match, player_id="no-level", level=None)))


def test_second_row_for_the_same_player_in_a_match_is_refused():
    match = match_create(users=[None])
    MatchPlayer.objects.create(**vars_of(player_row(match, player_id="p-once")))
    assert_refused(lambda: MatchPlayer.objects.create(**vars_of(player_row(match, player_id="p-once", placement=2))))
    assert MatchPlayer.objects.filter(match=match, player_id="p-once").count() == 1


def test_the_same_player_in_two_matches_is_allowed():
    first, second = match_create(users=[None]), match_create(users=[None])
    MatchPlayer.objects.bulk_create([player_row(first, player_id="p-both"), player_row(second, player_id="p-both")])
    assert MatchPlayer.objects.filter(player_id="p-both").count() == 2


def test_player_of_a_match_that_does_not_exist_is_refused():
    ghost = match_row()  # never saved

    def create():
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: check now, not at a commit the test never makes.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        MatchPlayer.objects.create(**vars_of(player_row(ghost)))

    assert_refused(create)


def test_deleting_a_match_deletes_its_players():
    match = match_create(users=[None, None])
    match.delete()
    assert MatchPlayer.objects.count() == 0
