"""The engine held to the shared guideline fixture, which the web client's engine tests read too
(web/src/game/guideline.test.ts): SRS tables, scoring tables, 3-corner T-spin cases and known
positions played from a board with inputs. A change of rules changes the fixture, and both engines
must follow it."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from game.engine.board import Board
from game.engine.pieces import PIECES, ROTATIONS, SHAPES, SPAWN_X, SPAWN_Y, cells_at, kick_offsets
from game.engine.scoring import (
    B2B_TETRIS_PERFECT_CLEAR_POINTS,
    HARD_DROP_POINTS_PER_ROW,
    LINE_POINTS,
    PERFECT_CLEAR_POINTS,
    SOFT_DROP_POINTS_PER_ROW,
    clear_points,
)
from game.engine.spin import t_spin
from tests.game.engine.support import STILL, solo

FIXTURE = json.loads(
    (Path(__file__).resolve().parents[3] / "web" / "src" / "game" / "fixtures" / "guideline.json").read_text()
)
# "fall": gravity strong enough to bring the piece to rest in one tick, still without locking it.
FALLING = replace(STILL, gravity=40.0)


def test_pieces_spawn_where_the_fixture_says():
    assert (FIXTURE["spawn"]["x"], FIXTURE["spawn"]["y"]) == (SPAWN_X, SPAWN_Y)
    for piece in PIECES:
        assert sorted(map(list, cells_at(piece, 0, SPAWN_X, SPAWN_Y))) == FIXTURE["spawn"]["cells"][piece]


def test_shapes_are_the_fixture_shapes():
    for piece in PIECES:
        assert [[list(cell) for cell in state] for state in SHAPES[piece]] == FIXTURE["shapes"][piece]


def test_kick_tables_are_the_fixture_srs_tables():
    for table, piece in (("JLSTZ", "T"), ("I", "I")):
        for key, offsets in FIXTURE["kicks"][table].items():
            start, end = map(int, key.split(">"))
            assert [list(o) for o in kick_offsets(piece, start, end)] == offsets
    assert [list(o) for o in kick_offsets("T", 0, 2)] == FIXTURE["kicks"]["180"]
    assert [list(o) for o in kick_offsets("O", 0, 1)] == FIXTURE["kicks"]["O"]


def test_scoring_tables_are_the_fixture_tables():
    scoring = FIXTURE["scoring"]
    assert {spin: list(points) for spin, points in LINE_POINTS.items()} == scoring["line_points"]
    assert list(PERFECT_CLEAR_POINTS) == scoring["perfect_clear_points"]
    assert scoring["b2b_tetris_perfect_clear_points"] == B2B_TETRIS_PERFECT_CLEAR_POINTS
    assert scoring["soft_drop_points_per_row"] == SOFT_DROP_POINTS_PER_ROW
    assert scoring["hard_drop_points_per_row"] == HARD_DROP_POINTS_PER_ROW


@pytest.mark.parametrize("case", FIXTURE["scoring"]["cases"], ids=lambda c: f"{c['lines']}-{c['spin']}-L{c['level']}")
def test_clear_points_match_the_fixture(case):
    args = {k: case[k] for k in ("lines", "spin", "back_to_back", "combo", "perfect_clear", "level")}
    assert clear_points(**args) == case["points"]


@pytest.mark.parametrize("case", FIXTURE["spins"], ids=lambda c: f"{c['piece']}{c['rotation']}-{c['spin']}")
def test_t_spin_cases_match_the_fixture(case):
    masks = Board.from_rows(case["board"]).masks
    state = ROTATIONS.index(case["rotation"])
    spin = t_spin(
        masks, case["piece"], state, case["x"], case["y"], case["last_was_rotation"], case["last_kick"], case["lines"]
    )
    assert spin == case["spin"]


def _spin_of(new_records: set[str]) -> str:
    if any(kind.startswith("t_spin_mini") for kind in new_records):
        return "mini"
    return "full" if any(kind.startswith("t_spin_") for kind in new_records) else "none"


@pytest.mark.parametrize("position", FIXTURE["positions"], ids=lambda p: p["name"])
def test_known_positions_play_as_the_fixture_says(position):
    steps = position["steps"]
    match, _ = solo(position["board"], steps[0]["piece"])
    player = match.players["p"]
    for index, step in enumerate(steps):
        if "board" in step:
            player.board = Board.from_rows(step["board"], STILL.board_height)
        if index:
            player.spawn(step["piece"])
        score_before, record_before = player.score, dict(player.record)
        events = []
        for action in step["actions"]:
            if action == "fall":
                player.config = FALLING
                events += match.step({})
                player.config = STILL
            else:
                events += match.step({"p": [action]})
        expected = step["expect"]
        assert [e["data"] for e in events if e["type"] == "input"] == expected["inputs"]
        locks = [e["data"] for e in events if e["type"] == "piece_lock"]
        assert bool(locks) == ("lock" in expected)
        if locks:
            lock = locks[0]
            seen = {
                "piece": lock["piece"],
                "rotation": lock["rotation"],
                "cells": sorted(lock["cells"]),
                "board": lock["board"],
            }
            assert seen == expected["lock"]
            clears = [e["data"]["rows"] for e in events if e["type"] == "line_clear"]
            assert (clears[0] if clears else []) == expected["cleared_rows"]
            new_records = {k for k, n in player.record.items() if n > record_before.get(k, 0)}
            assert _spin_of(new_records) == expected["spin"]
            assert player.score - score_before == expected["points"]
            assert (player.score, player.b2b_chain, player.combo) == (
                expected["score"],
                expected["b2b_chain"],
                expected["combo"],
            )
        assert player.topped_out == expected.get("top_out", False)
        if "board_after" in expected:
            assert player.board.rows() == expected["board_after"]
        if "active" in expected:
            active = player.active
            seen = {
                "piece": active.piece,
                "rotation": ROTATIONS[active.state],
                "cells": sorted(map(list, active.cells())),
            }
            assert seen == expected["active"]
        if "hold" in expected:
            assert player.hold == expected["hold"]
