"""The match around the rules: game_start/game_end, unknown types, malformed and misplaced events."""

from __future__ import annotations

import copy

import pytest

from contract.events import GameEvent
from moments import MatchState, Moment, detect_moments
from tests.moments.builders import (
    STARTED_AT,
    event,
    feed,
    filler,
    game_end,
    game_start,
    kinds,
    lock,
    press,
    spawn,
)


def started(*players: str) -> MatchState:
    state, _ = detect_moments(None, game_start(*players))
    return state


def test_game_start_remembers_started_at_and_the_players():
    state = started("a", "b")
    assert state.started_at == STARTED_AT
    assert sorted(state.players) == ["a", "b"]
    assert state.skipped == 0 and not state.ended


def test_a_game_start_during_a_match_starts_a_fresh_match():
    state, _ = feed([game_start("a", "b"), *filler("a", 18)])
    later = "2026-03-01T19:00:00+00:00"
    state, moments = detect_moments(state, game_start("c", "d", started_at=later))
    assert moments == []
    assert state == MatchState(started_at=later, players=started("c", "d").players)


def test_unknown_event_types_pass_through_untouched():
    state, _ = feed([game_start("a", "b"), *filler("a", 18)])
    before = copy.deepcopy(state)
    for unknown in (event("chat", "a", text="gg"), event("spectator_join", None), event("piece_lock_v2", "zz")):
        state, moments = detect_moments(state, unknown)
        assert moments == []
    assert state == before
    fresh, moments = detect_moments(None, event("chat", "a"))
    assert (fresh, moments) == (MatchState(), [])


def test_events_before_any_game_start_are_skipped_into_a_waiting_state():
    state, moments = detect_moments(None, spawn("a"))
    assert moments == []
    assert state.started_at is None
    assert state.skipped == 1 and "no game_start" in state.last_skip
    state, _ = detect_moments(state, game_start("a", "b"))
    assert state.started_at == STARTED_AT and state.skipped == 0


def test_events_after_game_end_are_skipped():
    state, _ = feed([game_start("a", "b"), game_end({"a": (1, 10), "b": (2, 0)})])
    assert state.ended
    state, moments = detect_moments(state, event("elimination", "b", placement=2))
    assert moments == []
    assert state.skipped == 1 and "after the match's game_end" in state.last_skip


def test_a_game_end_of_another_match_is_skipped():
    state = started("a", "b")
    state, moments = detect_moments(state, game_end({"a": (1, 0), "b": (2, 0)}, started_at="2026-01-01T00:00:00Z"))
    assert moments == [] and not state.ended
    assert "is not this match's" in state.last_skip


def test_the_same_instant_written_differently_is_the_same_match():
    state = started("a", "b")
    state, _ = detect_moments(state, game_end({"a": (1, 0), "b": (2, 0)}, started_at="2026-03-01T18:00:00Z"))
    assert state.ended and state.skipped == 0


def test_events_about_players_outside_the_match_are_skipped():
    state = started("a", "b")
    for stranger in (spawn("zed"), press("zed", "rotate_cw"), event("elimination", "zed", placement=1)):
        state, moments = detect_moments(state, stranger)
        assert moments == []
    assert state.skipped == 3
    assert "'zed' is not a player of this match" in state.last_skip
    assert sorted(state.players) == ["a", "b"]


T_CELLS = [[3, 0], [4, 0], [5, 0], [4, 1]]
GOOD_BOARD = ["XXXTTTXXX.", "....T....."]


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        (press("a", "jump"), "data.action"),
        (press("a", "rotate_cw", ok="yes"), "data.ok"),
        (press("a", "rotate_cw", kick=5), "data.kick"),
        (press("a", "hard_drop", distance=-1), "data.distance"),
        (event("input", "a", action=["rotate_cw"]), "data.action"),
        (event("piece_spawn", "a", piece="X", x=4, y=20), "data.piece"),
        (event("piece_spawn", "a", piece="T", x=4.0, y=20), "data.x"),
        (event("piece_spawn", "a", piece="T", x=4, y=20, rotation="up"), "data.rotation"),
        (lock("a", T_CELLS[:3], GOOD_BOARD), "data.cells"),
        (lock("a", T_CELLS, ["XXX"]), "data.board[0]"),
        (lock("a", T_CELLS, GOOD_BOARD, score=-5), "data.score"),
        (event("line_clear", "a", rows=[0], count=5), "data.count"),
        (event("line_clear", "a", rows=[0, 1], count=1), "data.rows"),
        (event("garbage_sent", "a", to="b", rows=0), "data.rows"),
        (event("garbage_received", "a", rows=2), "data.from"),
        (event("elimination", "a", placement="1st"), "data.placement"),
        (event("elimination", None, placement=1), "player_id"),
        (GameEvent(tick=1, type="input", player_id="a", data=["rotate_cw"]), "data"),  # type: ignore[arg-type]
    ],
)
def test_a_malformed_event_is_skipped_with_the_first_bad_field(bad, field):
    state, _ = feed([game_start("a", "b"), spawn("a"), press("a", "rotate_cw")])
    before = copy.deepcopy(state)
    state, moments = detect_moments(state, bad)
    assert moments == []
    assert state.skipped == 1
    assert state.last_skip.startswith(f"{bad.type}: {field}")
    state.skipped, state.last_skip = before.skipped, before.last_skip
    assert state == before


def test_a_malformed_game_start_keeps_the_running_match():
    state = started("a", "b")
    bad = event("game_start", None, started_at="yesterday", mode="multiplayer", players=[{"player_id": "c"}])
    state, _ = detect_moments(state, bad)
    assert sorted(state.players) == ["a", "b"]
    assert state.last_skip.startswith("game_start: data.started_at")
    waiting, _ = detect_moments(None, bad)
    assert waiting.started_at is None and waiting.skipped == 1


def test_a_malformed_game_end_does_not_end_the_match():
    state = started("a", "b")
    bad = game_end({"a": (1, 0), "b": (1, 0)})
    bad.data["players"][1]["placement"] = 3  # more than the number of players
    state, _ = detect_moments(state, bad)
    assert not state.ended and state.last_skip.startswith("game_end: data.players[1].placement")


def test_a_game_end_without_a_winner_ends_quietly():
    state = started("a", "b")
    state, moments = detect_moments(state, game_end({"a": (2, 0), "b": (2, 0)}))
    assert moments == [] and state.ended


def test_moment_to_dict_is_the_envelope_without_stream_fields():
    moment = Moment("tetris", 5, "a", {"lines": 4})
    assert moment.to_dict() == {"tick": 5, "type": "tetris", "player_id": "a", "data": {"lines": 4}}


def test_moments_and_state_do_not_share_objects_with_the_events():
    events = [game_start("a", "b"), *filler("a", 18), *filler("a", 2, full=3)]
    state, moments = feed(events)
    snapshot = copy.deepcopy((state, moments))
    for item in events:
        item.data.clear()
    assert (state, moments) == snapshot
    assert kinds(moments) == ["near_death_survival"]
