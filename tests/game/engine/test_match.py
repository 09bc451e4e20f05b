import random

import pytest

from game.engine.board import Board
from game.engine.config import MatchConfig
from game.engine.events import ACTIONS
from game.engine.match import Match
from tests.game.engine.support import STILL, of_type

DROP_I_RIGHT = ["rotate_cw"] + ["move_right"] * 4 + ["hard_drop"]
# Four rows ready for a tetris in column 9, plus a cell on top so that it is not a perfect clear.
TETRIS_READY = ["XXXXXXXXX."] * 4 + ["X........."]


def started(ids: list[str], config: MatchConfig = STILL, seed: int = 7) -> Match:
    match = Match(ids, seed=seed, config=config)
    match.start()
    return match


def give(match: Match, pid: str, rows: list[str], piece: str) -> None:
    player = match.players[pid]
    player.board = Board.from_rows(rows, match.config.board_height)
    player.spawn(piece)


def test_a_tetris_sends_four_rows_after_the_clear_and_before_the_next_spawn():
    match = started(["a", "b"])
    give(match, "a", TETRIS_READY, "I")
    events = match.step({"a": DROP_I_RIGHT})
    a_events = [e["type"] for e in events if e["player_id"] == "a"]
    assert a_events[-4:] == ["piece_lock", "line_clear", "garbage_sent", "piece_spawn"]
    assert of_type(events, "garbage_sent")[0]["data"] == {"to": "b", "rows": 4}
    assert match.players["b"].pending_garbage() == 4


def test_garbage_is_inserted_when_the_receiver_next_locks_without_clearing():
    match = started(["a", "b"])
    give(match, "a", TETRIS_READY, "I")
    match.step({"a": DROP_I_RIGHT})
    events = match.step({"b": ["hard_drop"]})
    assert [e["type"] for e in events] == ["input", "piece_lock", "garbage_received", "piece_spawn"]
    assert events[2]["data"] == {"from": "a", "rows": 4}
    bottom = match.players["b"].board.rows()[:4]
    holes = {row.index(".") for row in bottom}
    assert len(holes) == 1 and all(row.count(".") == 1 and row.count("G") == 9 for row in bottom)
    stats = {s.player_id: s for s in match.stats()}
    assert stats["a"].garbage_sent == 4 and stats["b"].garbage_received == 4


def test_outgoing_garbage_first_cancels_incoming_and_only_the_rest_is_sent():
    match = started(["a", "b"])
    match.players["a"].queue_garbage("b", 1)
    give(match, "a", TETRIS_READY, "I")
    events = match.step({"a": DROP_I_RIGHT})
    assert of_type(events, "garbage_sent")[0]["data"] == {"to": "b", "rows": 3}
    assert match.players["a"].pending_garbage() == 0
    assert not of_type(events, "garbage_received")


def test_fully_cancelled_garbage_sends_nothing():
    match = started(["a", "b"])
    match.players["a"].queue_garbage("b", 6)
    give(match, "a", TETRIS_READY, "I")
    events = match.step({"a": DROP_I_RIGHT})
    assert not of_type(events, "garbage_sent")
    assert match.players["a"].pending_garbage() == 2
    assert match.players["a"].garbage_sent == 0


def test_at_most_the_cap_is_inserted_per_lock():
    match = started(["a", "b"], MatchConfig(gravity=0.0, lock_delay=1000, garbage_cap=8))
    match.players["b"].queue_garbage("a", 10)
    events = match.step({"b": ["hard_drop"]})
    assert of_type(events, "garbage_received")[0]["data"] == {"from": "a", "rows": 8}
    assert match.players["b"].pending_garbage() == 2


def test_top_outs_eliminate_in_order_and_the_last_alive_wins():
    match = started(["a", "b", "c"])
    give(match, "b", ["....X....."] * 20, "T")
    give(match, "c", ["....X....."] * 20, "T")
    events = match.step({"b": ["hard_drop"]})
    assert of_type(events, "elimination") == [{"type": "elimination", "player_id": "b", "data": {"placement": 3}}]
    assert match.alive == ["a", "c"] and not match.over
    events = match.step({"b": ["hard_drop"], "c": ["hard_drop"]})
    assert [e["player_id"] for e in events] == ["c", "c", "c"]
    assert events[-1]["data"] == {"placement": 2}
    assert match.over and match.winner == "a"
    stats = {s.player_id: s for s in match.stats()}
    assert (stats["a"].placement, stats["b"].placement, stats["c"].placement) == (1, 3, 2)
    assert (stats["b"].duration_ticks, stats["c"].duration_ticks, stats["a"].duration_ticks) == (1, 2, 2)
    assert match.step({"a": ["hard_drop"]}) == []


def test_garbage_that_blocks_the_spawn_tops_the_receiver_out():
    match = started(["a", "b"])
    give(match, "b", [".XXXXXXXXX"] * 19, "T")
    match.players["b"].queue_garbage("a", 2)
    events = match.step({"b": ["hard_drop"]})
    assert [e["type"] for e in events] == ["input", "piece_lock", "garbage_received", "elimination"]
    assert match.winner == "a"


def test_the_same_seed_and_inputs_give_the_same_events_and_other_seeds_do_not():
    def play(seed: int) -> list[dict]:
        match = Match(["a", "b", "c"], seed=seed, config=MatchConfig(gravity=0.5, lock_delay=5))
        chooser = random.Random(99)
        actions = sorted(ACTIONS)
        events = match.start()
        for _ in range(400):
            events += match.step({pid: [chooser.choice(actions)] for pid in match.alive})
        return events

    assert play(3) == play(3)
    assert play(3) != play(4)


def test_a_time_limit_ranks_the_survivors_by_score():
    match = started(["a", "b"], MatchConfig(gravity=0.0, lock_delay=1000, max_ticks=3))
    match.step({"b": ["hard_drop"]})
    match.step({})
    assert not match.over
    match.step({})
    assert match.over and match.winner == "b"
    assert [s.placement for s in match.stats()] == [2, 1]
    assert all(s.duration_ticks == 3 for s in match.stats())


def test_unknown_actions_and_players_are_refused():
    match = started(["a"])
    with pytest.raises(ValueError, match="unknown action"):
        match.step({"a": ["teleport"]})
    with pytest.raises(ValueError, match="not in this match"):
        match.step({"zed": ["hard_drop"]})
    with pytest.raises(ValueError, match="distinct"):
        Match(["a", "a"], seed=1)


def test_stats_count_pieces_lines_and_score():
    match = started(["a", "b"])
    give(match, "a", TETRIS_READY, "I")
    match.step({"a": [*DROP_I_RIGHT, "hard_drop"]})
    stats = match.stats()[0]
    assert stats.pieces_placed == 2 and stats.lines_cleared == 4
    assert stats.score == match.players["a"].score > 800
    assert match.record_totals() == {"tetris": 1}
    assert stats.as_dict()["player_id"] == "a"


def test_margin_time_multiplies_attacks_once_it_has_passed():
    match = started(["a", "b"], MatchConfig(gravity=0.0, lock_delay=1000, margin_ticks=0, margin_rate=0.5))
    for _ in range(4):
        match.step({})
    give(match, "a", TETRIS_READY, "I")
    events = match.step({"a": DROP_I_RIGHT})
    assert of_type(events, "garbage_sent")[0]["data"]["rows"] == 4 * 3


def test_gravity_grows_by_the_configured_increase_every_tick():
    match = started(["a"], MatchConfig(gravity=0.0, gravity_increase=0.5, lock_delay=1000))
    heights = []
    for _ in range(3):
        match.step({})
        heights.append(match.players["a"].active.y)
    assert heights == [20, 19, 17]
