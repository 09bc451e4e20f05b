"""Property tests: over generated matches (plausible and broken events) the detector never crashes, is
deterministic, and its state is a value fully determined by the events fed so far."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract.events import INPUT_ACTIONS, PIECES, GameEvent, InvalidEvent, validate_data
from moments import MatchState, detect_moments
from tests.moments.builders import EMPTY, FULL, GARBAGE, STARTED_AT, game_end, game_start, t_cells

MOMENT_FIELDS = {
    "tetris": {"lines"},
    "t_spin_single": {"lines"},
    "t_spin_double": {"lines"},
    "t_spin_triple": {"lines"},
    "back_to_back": {"chain", "clear"},
    "garbage_surge": {"rows"},
    "near_death_survival": {"peak_height", "height"},
    "elimination": {"placement"},
    "comeback": {"deficit", "final_score"},
    "perfect_clear": {"lines"},
}
POOL = ["a", "b", "c", "d"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=8,
)
rows = st.sampled_from([FULL, FULL, GARBAGE, GARBAGE, EMPTY, "X.........", "...TTT....", "XXXX.XXXXX"]) | st.text(
    ".X", min_size=10, max_size=10
)
boards = st.lists(rows, max_size=22) | st.lists(st.text(".X", max_size=11), max_size=3)


@st.composite
def t_placement(draw) -> list[list[int]]:
    _, cells = t_cells(
        draw(st.integers(0, 9)), draw(st.integers(0, 20)), draw(st.sampled_from(["up", "down", "left", "right"]))
    )
    return cells


cells_strategy = t_placement() | st.lists(st.lists(st.integers(-1, 21), min_size=2, max_size=2), min_size=3, max_size=5)


def optional(strategy):
    """A value for an optional field: left out (None here), or drawn."""
    return st.none() | strategy


@st.composite
def game_events(draw, players: list[str]) -> GameEvent:
    who = draw(st.sampled_from([*players, *players, "zz"]))
    tick = draw(st.integers(0, 10_000))
    kind = draw(
        st.sampled_from(
            ["input"] * 6
            + ["piece_spawn"] * 2
            + ["piece_lock"] * 3
            + [
                "line_clear",
                "garbage_sent",
                "garbage_received",
                "elimination",
                "game_end",
                "game_start",
                "chat",
                "junk",
            ]
        )
    )
    data: dict
    if kind == "input":
        data = {"action": draw(st.sampled_from([*sorted(INPUT_ACTIONS), "jump"]))}
        for key, values in (
            ("ok", st.booleans() | st.just("yes")),
            ("kick", st.integers(-1, 5)),
            ("distance", st.integers(-1, 20)),
        ):
            value = draw(optional(values))
            if value is not None:
                data[key] = value
    elif kind == "piece_spawn":
        data = {"piece": draw(st.sampled_from([*sorted(PIECES), "X"])), "x": 4, "y": draw(st.integers(19, 21))}
    elif kind == "piece_lock":
        piece = draw(st.sampled_from(["T", "T", "I", "O", "X"]))
        rotation = draw(st.sampled_from(["0", "R", "2", "L"]))
        data = {"piece": piece, "rotation": rotation, "cells": draw(cells_strategy), "board": draw(boards)}
        data["score"] = draw(st.integers(-1, 6000))
    elif kind == "line_clear":
        count = draw(st.integers(0, 5))
        data = {"rows": draw(st.lists(st.integers(0, 21), min_size=count, max_size=count + 1)), "count": count}
    elif kind in ("garbage_sent", "garbage_received"):
        data = {
            "to" if kind == "garbage_sent" else "from": draw(st.sampled_from(players)),
            "rows": draw(st.integers(0, 5)),
        }
    elif kind == "elimination":
        data = {"placement": draw(st.integers(0, 4))}
    elif kind == "game_end":
        order = draw(st.permutations(players))
        results = {player: (place + 1, draw(st.integers(0, 9000))) for place, player in enumerate(order)}
        return game_end(results, tick=tick, started_at=draw(st.sampled_from([STARTED_AT, "2026-03-01T18:00:00Z", "x"])))
    elif kind == "game_start":
        return game_start(*draw(st.permutations(POOL))[: draw(st.integers(1, 4))], tick=tick)
    else:
        data = draw(st.dictionaries(st.text(max_size=8), json_values, max_size=4))
        if kind == "junk":
            kind = draw(st.sampled_from(["input", "piece_lock", "line_clear", "elimination", "game_end"]))
    room_wide = kind in ("game_start", "game_end")
    flip = draw(st.integers(0, 19)) == 0  # now and then, a player_id where none belongs, or none where one does
    player_id = None if room_wide != flip else who
    return GameEvent(tick=tick, type=kind, player_id=player_id, data=data)


@st.composite
def placements(draw, players: list[str]) -> list[GameEvent]:
    """A well-formed placement on a crowded board: spawn, inputs, lock, its line_clear and garbage."""
    who = draw(st.sampled_from(players))
    tick = draw(st.integers(0, 10_000))
    piece = draw(st.sampled_from(["T", "T", "T", "I", "L"]))
    rotation, cells = t_cells(draw(st.integers(1, 8)), draw(st.integers(1, 6)), draw(st.sampled_from(["up", "down"])))
    grid = [
        list(row) for row in draw(st.lists(st.sampled_from([FULL, FULL, GARBAGE, "XXX...XXXX", EMPTY]), max_size=20))
    ]
    grid += [list(EMPTY) for _ in range(8 - len(grid))]
    for x, y in cells:
        grid[y][x] = piece
    board = ["".join(row) for row in grid]
    actions = st.sampled_from(["rotate_cw", "rotate_ccw", "move_left", "soft_drop", "hard_drop", "hold"])
    inputs = [
        GameEvent(tick, "input", who, {"action": action, "ok": ok, "kick": draw(st.integers(0, 4)), "distance": 0})
        for action, ok in draw(st.lists(st.tuples(actions, st.booleans()), max_size=5))
    ]
    events = [GameEvent(tick, "piece_spawn", who, {"piece": piece, "x": 4, "y": 20}), *inputs]
    lock = {"piece": piece, "rotation": rotation, "cells": cells, "board": board, "score": draw(st.integers(0, 6000))}
    events.append(GameEvent(tick, "piece_lock", who, lock))
    full = [index for index, row in enumerate(board) if "." not in row][:4]
    if full:
        events.append(GameEvent(tick, "line_clear", who, {"rows": full, "count": len(full)}))
        events += [GameEvent(tick, "garbage_sent", who, {"to": players[0], "rows": len(full)})] * draw(
            st.integers(0, 2)
        )
    return events


@st.composite
def matches(draw) -> list[GameEvent]:
    players = draw(st.permutations(POOL))[: draw(st.integers(2, 4))]
    parts = draw(st.lists(placements(players) | game_events(players).map(lambda item: [item]), max_size=40))
    body = [item for part in parts for item in part]
    if draw(st.integers(0, 9)) == 0:
        return body  # now and then, a stream that starts mid-match
    return [game_start(*players), *body]


def run(events: list[GameEvent], state: MatchState | None = None):
    moments = []
    for item in events:
        state, found = detect_moments(state, item)
        moments.append(found)
    return state, moments


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(matches())
def test_never_crashes_and_every_moment_is_well_formed(events):
    state = None
    for item in events:
        state, moments = detect_moments(state, item)
        assert isinstance(state, MatchState)
        for moment in moments:
            assert set(moment.data) == MOMENT_FIELDS[moment.type]
            assert moment.tick == item.tick
            assert isinstance(moment.player_id, str)
            json.dumps(moment.to_dict())
        if item.type in ("input", "piece_spawn", "garbage_received", "game_start"):
            assert moments == []
        assert copy.deepcopy(state) == state


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(matches())
def test_same_events_give_the_same_moments_and_equal_states(events):
    assert run(events) == run(events)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(matches(), st.data())
def test_a_copy_of_the_state_continues_exactly_like_the_original(events, data):
    cut = data.draw(st.integers(0, len(events)))
    state, _ = run(events[:cut])
    again, _ = run(events[:cut])
    assert state == again  # the prefix alone decides the state
    copied = copy.deepcopy(state)
    assert run(events[cut:], state) == run(events[cut:], copied)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.data())
def test_hand_checks_of_inputs_and_spawns_agree_with_validate_data(data):
    events = data.draw(st.lists(game_events(["a", "b"]), min_size=1, max_size=10))
    state, _ = detect_moments(None, game_start("a", "b"))
    for item in events:
        if item.type not in ("input", "piece_spawn") or item.player_id not in ("a", "b"):
            continue
        before = state.skipped
        state, _ = detect_moments(state, item)
        try:
            validate_data(item)
            valid = True
        except InvalidEvent:
            valid = False
        assert (state.skipped == before) == valid, (item, state.last_skip)
