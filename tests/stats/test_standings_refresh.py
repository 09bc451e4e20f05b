"""The projector's debounced refresh of the standings view (docs/api.md, stats), on real NATS and PostgreSQL."""

import io
import itertools
import time

import pytest
from django.core.management import call_command

from history.models import Match
from history.projector import MatchProjector
from stats.models import StandingsRefresh
from stats.projection_hooks import refresher_for
from stats.standings import DebouncedRefresh, tournament_standings
from tests.streaming.factories import match_events
from tests.support import BackgroundConsumer, publish_match, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def standing_players(tournament_id: str) -> set[str]:
    standings = tournament_standings(tournament_id=tournament_id)
    return set() if standings is None else {row["player_id"] for row in standings["standings"]}


def test_debounce_refreshes_at_once_then_at_most_once_an_interval_and_always_after_the_last_request():
    started: list[float] = []
    refresher = DebouncedRefresh(lambda: started.append(time.monotonic()), interval=0.5)
    try:
        first = time.monotonic()
        for _ in range(20):  # a burst: one refresh now, the rest folded into refreshes an interval apart
            last_request = time.monotonic()  # before the request: a refresh may start right after it
            refresher.request()
            time.sleep(0.05)
        wait_until(lambda: started and started[-1] >= last_request, timeout=10)
        time.sleep(1.2)  # nothing more is requested: nothing more runs
        assert started[0] - first < 0.5  # the first at once
        assert started[-1] >= last_request  # the trailing refresh after the last request
        assert all(later - earlier >= 0.5 - 0.01 for earlier, later in itertools.pairwise(started))
        assert len(started) <= (started[-1] - started[0]) / 0.5 + 1
    finally:
        refresher.close()


def test_close_runs_a_pending_refresh_at_once():
    calls = []
    refresher = DebouncedRefresh(lambda: calls.append(1), interval=30)
    refresher.request()
    wait_until(lambda: calls == [1])
    refresher.request()  # due only in 30 s
    began = time.monotonic()
    refresher.close()
    assert calls == [1, 1] and time.monotonic() - began < 10


def test_a_failed_refresh_is_tried_again():
    calls = []

    def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("PostgreSQL away")

    refresher = DebouncedRefresh(flaky, interval=0.2)
    try:
        refresher.request()
        wait_until(lambda: len(calls) == 2, timeout=10)
    finally:
        refresher.close()


def test_the_last_tournament_match_with_no_traffic_after_it_reaches_the_standings(stream, settings):
    settings.TOURNAMENT_REFRESH_SECONDS = 1.0
    projector = MatchProjector()
    with BackgroundConsumer(projector):
        publish_match("room-1", match_events("room-1", index=0, players=["a", "b"], tournament_id="cup"))
        wait_until(lambda: standing_players("cup") == {"a", "b"})
        # Within the debounce of that refresh: it cannot run at once, and nothing comes after it.
        publish_match("room-1", match_events("room-1", index=1, players=["c", "b"], tournament_id="cup"))
        wait_until(lambda: Match.objects.count() == 2)
        began = time.monotonic()
        wait_until(lambda: standing_players("cup") == {"a", "b", "c"}, timeout=20)
        assert time.monotonic() - began < 10  # within the debounce (1 s), with room for a loaded machine
        assert refresher_for(projector).refreshes == 2
    projector.close()


def test_matches_without_a_tournament_do_not_refresh(stream, settings):
    settings.TOURNAMENT_REFRESH_SECONDS = 0.1
    projector = MatchProjector()
    with BackgroundConsumer(projector):
        publish_match("room-1", match_events("room-1", index=0))
        wait_until(lambda: Match.objects.count() == 1)
    projector.close()
    assert not StandingsRefresh.objects.exists()


def test_standings_after_a_reprojection_of_the_stream_equal_those_before(stream, settings):
    settings.TOURNAMENT_REFRESH_SECONDS = 0.2
    for n in range(4):
        players = [["a", "b", "c"], ["c", "b", "a"], ["b", "d"], ["d", "a", "c"]][n]
        publish_match(f"room-{n % 2}", match_events(f"room-{n % 2}", index=n, players=players, tournament_id="cup"))
    projector = MatchProjector()
    with BackgroundConsumer(projector):
        wait_until(lambda: Match.objects.count() == 4)
    projector.close()
    before = tournament_standings(tournament_id="cup")["standings"]
    assert {row["player_id"] for row in before} == {"a", "b", "c", "d"}

    call_command("run_projector", from_start=True, stdout=io.StringIO())  # nothing new: nothing doubles
    call_command("refresh_standings", stdout=io.StringIO())
    assert tournament_standings(tournament_id="cup")["standings"] == before

    Match.objects.all().delete()  # the read models lost: the stream rebuilds them
    call_command("run_projector", from_start=True, stdout=io.StringIO())
    assert Match.objects.count() == 4
    assert tournament_standings(tournament_id="cup")["standings"] == before


def test_two_projectors_refreshing_at_once_never_fail(stream, settings):
    settings.TOURNAMENT_REFRESH_SECONDS = 0.05
    failures = []
    projectors = [MatchProjector(), MatchProjector()]
    original = [refresher_for(p)._refresh for p in projectors]

    def watched(refresh):
        def run():
            try:
                refresh()
            except Exception as error:
                failures.append(error)
                raise

        return run

    for projector, refresh in zip(projectors, original, strict=True):
        refresher_for(projector)._refresh = watched(refresh)
    with BackgroundConsumer(projectors[0]), BackgroundConsumer(projectors[1]):
        for n in range(30):
            publish_match(
                f"room-{n % 5}", match_events(f"room-{n % 5}", index=n, players=[f"p{n}", "q"], tournament_id="cup")
            )
        wait_until(lambda: Match.objects.count() == 30, timeout=60)
        wait_until(lambda: len(standing_players("cup")) == 31, timeout=30)
    for projector in projectors:
        projector.close()
    assert failures == []


def test_simulate_with_a_tournament_id_feeds_the_standings(stream, settings):
    settings.TOURNAMENT_REFRESH_SECONDS = 0.2
    call_command(
        "simulate", rooms=2, matches=1, players=2, seed=5, tournament_id="sim-cup", stdout=io.StringIO(),
        stderr=io.StringIO(),
    )  # fmt: skip
    projector = MatchProjector()
    with BackgroundConsumer(projector):
        wait_until(lambda: Match.objects.filter(tournament_id="sim-cup").count() == 2, timeout=60)
        wait_until(lambda: len(standing_players("sim-cup")) == 4, timeout=30)
    projector.close()
