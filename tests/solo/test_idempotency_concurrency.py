"""Concurrent repeats of one Idempotency-Key record one match: the unique index decides."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction

from history.models import Match
from solo.services import solo_result_record
from tests.history.factories import api_client_for, user_create

VALID = {"score": 500, "lines_cleared": 4, "level": 1, "pieces_placed": 30, "duration_ms": 60_000}


def in_thread(function):
    """Run ``function`` on a connection of its own, closed afterwards (threads do not share one)."""

    def run(*args):
        try:
            return function(*args)
        finally:
            connections.close_all()

    return run


@pytest.mark.parametrize("attempt", range(3))
def test_two_concurrent_api_repeats_record_one_match(transactional_db, attempt):
    user = user_create()
    barrier = threading.Barrier(2)

    @in_thread
    def send(_):
        client = api_client_for(user)
        barrier.wait()
        return client.post("/api/solo_results", VALID, format="json", HTTP_IDEMPOTENCY_KEY="race")

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(send, range(2)))

    assert sorted(r.status_code for r in responses) == [200, 201]
    assert responses[0].json()["id"] == responses[1].json()["id"]
    assert Match.objects.count() == 1


def _lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_the_loser_of_the_insert_race_answers_with_the_winners_match(transactional_db):
    """Forces the race: the second request reads no key, then waits on the unique index for the first."""
    user = user_create()
    first_recorded, may_commit = threading.Event(), threading.Event()

    @in_thread
    def first():
        with transaction.atomic():  # holds the new key uncommitted until the second request waits on it
            result = solo_result_record(user=user, idempotency_key="race", **VALID)
            first_recorded.set()
            assert may_commit.wait(10)
        return result

    @in_thread
    def second():
        assert first_recorded.wait(10)
        return solo_result_record(user=user, idempotency_key="race", **VALID)

    with ThreadPoolExecutor(2) as pool:
        first_result, second_result = pool.submit(first), pool.submit(second)
        deadline = time.monotonic() + 10
        while _lock_waiters() == 0:
            assert time.monotonic() < deadline, "the second request never waited on the first's key"
            time.sleep(0.01)
        may_commit.set()
        (first_match, first_created), (second_match, second_created) = first_result.result(), second_result.result()

    assert (first_created, second_created) == (True, False)
    assert second_match.id == first_match.id
    assert [p["placement"] for p in second_match.players] == [1]
    assert Match.objects.count() == 1


def test_a_concurrent_repeat_with_another_body_is_refused(transactional_db):
    user = user_create()
    barrier = threading.Barrier(2)

    @in_thread
    def send(score):
        client = api_client_for(user)
        barrier.wait()
        return client.post("/api/solo_results", {**VALID, "score": score}, format="json", HTTP_IDEMPOTENCY_KEY="k")

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(send, [1, 2]))

    assert sorted(r.status_code for r in responses) == [201, 409]
    assert Match.objects.count() == 1
