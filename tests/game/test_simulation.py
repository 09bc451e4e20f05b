"""game.simulation: the event builder and whole simulated matches, with no server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contract.events import InvalidRoomId, event_msg_id, parse_timestamp, validate_event
from game.engine import Match, MatchConfig
from game.simulation import (
    MatchEventLog,
    plan_match,
    simulate_match_events,
    simulated_started_at,
    timestamp,
)

SHORT = MatchConfig(margin_ticks=0, margin_rate=0.05, max_ticks=3_000)


def test_the_same_room_index_and_seed_give_the_same_events():
    first = simulate_match_events("room-1", index=3, seed=11, players=2, config=SHORT)
    again = simulate_match_events("room-1", index=3, seed=11, players=2, config=SHORT)
    assert first == again
    other = simulate_match_events("room-1", index=4, seed=11, players=2, config=SHORT)
    assert other[0][0]["data"]["started_at"] > first[0][0]["data"]["started_at"]
    assert other != first


@pytest.mark.slow
def test_every_simulated_event_passes_validation():
    count = 0
    for index in range(20):
        for event, _ in simulate_match_events(f"room-{index % 3}", index=index, seed=5, players=2 + index % 3):
            validate_event(event)
            count += 1
    assert count > 20 * 300


def test_msg_ids_number_the_events_of_a_match_from_game_start():
    events = simulate_match_events("room-7", index=0, seed=1, players=2, config=SHORT, tournament_id="cup-1")
    started = events[0][0]["data"]["started_at"]
    assert started == "2026-01-01T00:00:00.000Z" == timestamp(simulated_started_at(0))
    assert [msg_id for _, msg_id in events] == [event_msg_id("room-7", started, n) for n in range(len(events))]
    start, end = events[0][0], events[-1][0]
    assert (start["type"], end["type"]) == ("game_start", "game_end")
    assert start["data"]["tournament_id"] == end["data"]["tournament_id"] == "cup-1"
    assert start["data"]["config"]["tick_rate"] == 60.0
    assert start["data"]["config"]["margin_rate"] == SHORT.margin_rate


def test_game_end_times_and_durations_come_from_ticks():
    events = simulate_match_events("room-1", index=0, seed=2, players=3, config=SHORT)
    end = events[-1][0]
    ticks = end["tick"]
    started = parse_timestamp(end["data"]["started_at"], "started_at")
    ended = parse_timestamp(end["data"]["ended_at"], "ended_at")
    assert (ended - started).total_seconds() == pytest.approx(ticks / 60, abs=0.001)
    durations = [p["duration_ms"] for p in end["data"]["players"]]
    assert max(durations) == round(ticks * 1000 / 60)
    assert sorted(p["placement"] for p in end["data"]["players"]) == [1, 2, 3]


def test_game_end_players_equal_the_engine_stats():
    events = simulate_match_events("room-1", index=1, seed=9, players=2, config=SHORT)
    players = events[-1][0]["data"]["players"]
    last_score = {}
    for event, _ in events:
        if event["type"] == "piece_lock":
            last_score[event["player_id"]] = event["data"]["score"]
    assert {p["player_id"]: p["score"] for p in players} == last_score


def test_plan_seats_each_registered_player_at_most_once_and_guests_otherwise():
    registered = ["u-1", "u-2", "u-3"]
    seen_registered = set()
    for index in range(30):
        plan = plan_match("room-1", index=index, seed=4, players=4, registered=registered)
        assert len(set(plan.player_ids)) == 4
        for pid in plan.player_ids:
            assert pid in registered or pid.startswith("guest-")
        seen_registered.update(p for p in plan.player_ids if p in registered)
        assert set(plan.strengths) <= {"easy", "medium", "hard"}
    assert seen_registered == set(registered)


def test_plan_refuses_unknown_strengths():
    with pytest.raises(ValueError, match="unknown bot strengths"):
        plan_match("room-1", index=0, seed=0, players=2, strengths=["easy", "godlike"])


def test_event_log_refuses_a_bad_room_id_and_naive_times():
    with pytest.raises(InvalidRoomId):
        MatchEventLog("a.b", Match(["p"], seed=0), started_at=datetime(2026, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="aware"):
        MatchEventLog("room-1", Match(["p"], seed=0), started_at=datetime(2026, 1, 1))


def test_event_log_ends_only_a_finished_match():
    log = MatchEventLog("room-1", Match(["a", "b"], seed=0), started_at=datetime(2026, 1, 1, tzinfo=UTC))
    log.start()
    with pytest.raises(RuntimeError, match="not over"):
        log.finish()
