"""Many seeded bot matches, checked against docs/contract.md as a reader of the events (the detector) sees them."""

import random
from collections import Counter

import pytest

from game.bots import play_bot_match
from game.engine.config import MatchConfig
from game.engine.events import ACTIONS
from tests.game.detected_records import read_moments

GAMES = 50
TICK_LIMIT = 3000
CONFIG = MatchConfig(margin_ticks=300, margin_rate=0.01)


@pytest.fixture(scope="module")
def games():
    played = []
    for seed in range(GAMES):
        strengths = random.Random(seed).choices(["easy", "medium", "hard"], k=4)
        match, timed = play_bot_match(strengths, seed, CONFIG, max_ticks=TICK_LIMIT)
        played.append((match, [event for _, event in timed], timed))
    return played


def test_every_game_ends_with_a_winner_within_the_tick_limit(games):
    for match, _, _ in games:
        assert match.over and match.tick < TICK_LIMIT
        assert sorted(s.placement for s in match.stats()) == [1, 2, 3, 4]


def test_the_engine_record_matches_what_detect_moments_reads_from_the_events(games):
    for match, events, _ in games:
        reading = read_moments(events)
        for pid, record in match.records().items():
            assert reading.counts.get(pid, Counter()) == record, pid


def test_games_contain_tetrises_spins_back_to_backs_garbage_and_eliminations(games):
    totals = Counter()
    types = Counter()
    near_deaths = 0
    for match, events, _ in games:
        totals.update(match.record_totals())
        types.update(e["type"] for e in events)
        near_deaths += read_moments(events).near_deaths
    assert totals["tetris"] >= GAMES
    assert totals["t_spin_double"] >= 5 and totals["t_spin_single"] >= 5
    assert totals["back_to_back"] >= 5
    assert types["garbage_sent"] >= GAMES * 3 and types["garbage_received"] >= GAMES * 3
    assert types["elimination"] == GAMES * 3
    assert near_deaths >= 1


def test_some_spins_end_with_a_rotation_and_a_hard_drop_that_does_not_move(games):
    endings = [inputs[-2:] for _, events, _ in games for inputs in read_moments(events).spin_endings]
    finished_by_rotation = [
        e
        for e in endings
        if len(e) == 2
        and e[0]["action"].startswith("rotate")
        and e[1] == {"action": "hard_drop", "ok": True, "distance": 0}
    ]
    assert len(finished_by_rotation) >= 10


def test_events_follow_the_published_shapes_and_order(games):
    for match, events, timed in games:
        ticks = [tick for tick, _ in timed]
        assert ticks == sorted(ticks)
        last = {}
        for event in events:
            pid, data, type_ = event["player_id"], event["data"], event["type"]
            assert pid in match.players and set(event) == {"type", "player_id", "data"}
            previous = last.get(pid)
            if type_ == "input":
                assert data["action"] in ACTIONS and isinstance(data["ok"], bool)
            elif type_ == "piece_lock":
                assert all(len(row) == 10 for row in data["board"])
                assert all(0 <= x <= 9 and y >= 0 for x, y in data["cells"])
            elif type_ == "line_clear":
                assert previous == "piece_lock" and 1 <= data["count"] <= 4
            elif type_ == "garbage_sent":
                assert previous in ("line_clear", "garbage_sent") and data["rows"] >= 1
                assert data["to"] in match.players and data["to"] != pid
            elif type_ == "garbage_received":
                assert previous in ("piece_lock", "garbage_received") and data["rows"] >= 1
            elif type_ == "piece_spawn" and previous in (
                "piece_lock",
                "line_clear",
                "garbage_sent",
                "garbage_received",
            ):
                pass
            elif type_ == "piece_spawn":
                assert previous in (None, "input")  # the first piece, or a hold
            last[pid] = type_


def test_final_stats_agree_with_the_events(games):
    for match, events, _ in games:
        for stats in match.stats():
            mine = [e for e in events if e["player_id"] == stats.player_id]
            locks = [e["data"] for e in mine if e["type"] == "piece_lock"]
            assert stats.pieces_placed == len(locks)
            assert stats.score == locks[-1]["score"]
            assert stats.lines_cleared == sum(e["data"]["count"] for e in mine if e["type"] == "line_clear")
            assert stats.garbage_sent == sum(e["data"]["rows"] for e in mine if e["type"] == "garbage_sent")
            assert stats.garbage_received == sum(e["data"]["rows"] for e in mine if e["type"] == "garbage_received")
            eliminated = [e["data"]["placement"] for e in mine if e["type"] == "elimination"]
            assert eliminated == ([] if stats.placement == 1 else [stats.placement])


@pytest.mark.slow
def test_the_same_seed_replays_the_same_match():
    first = play_bot_match(["easy", "hard", "medium"], 11, CONFIG)[1]
    again = play_bot_match(["easy", "hard", "medium"], 11, CONFIG)[1]
    other = play_bot_match(["easy", "hard", "medium"], 12, CONFIG)[1]
    assert first == again
    assert first != other
