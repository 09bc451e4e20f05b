"""Finesse on a crafted solo run: the fewest presses per placement, and the faults."""

import pytest

from analysis.figures import analyse_match
from analysis.finesse import PressesUnmatched, fewest_presses, is_finesse_fault, run_placements
from game.engine.pieces import cells_at
from tests.analysis.crafted import crafted_solo_run


def placed(piece, state, x):
    return cells_at(piece, state, x, 0)


def test_the_fewest_presses_follow_the_guideline_table():
    assert fewest_presses("T", placed("T", 0, 4)) == 1  # hard drop at spawn
    assert fewest_presses("T", placed("T", 0, 3)) == 2  # tap left, drop
    assert fewest_presses("T", placed("T", 0, 1)) == 2  # hold left to the wall, drop
    assert fewest_presses("T", placed("T", 0, 2)) == 3  # to the wall and back one, drop
    assert fewest_presses("T", placed("T", 2, 4)) == 2  # rotate 180, drop
    assert fewest_presses("O", placed("O", 0, 0)) == 2


def test_the_two_looks_of_an_s_or_an_i_are_one_placement():
    # Vertical I in column 5: reached by rotating counter-clockwise and tapping right (3 presses), but
    # rotating clockwise lands on the same cells (2), and the locked cells are all that is judged.
    assert fewest_presses("I", placed("I", 3, 5)) == fewest_presses("I", placed("I", 1, 4)) == 2
    # S flat, state 0 and state 2 one row lower cover the same columns with the same shape.
    assert fewest_presses("S", placed("S", 2, 4)) == fewest_presses("S", placed("S", 0, 4)) == 1


def test_a_crafted_run_has_the_faults_it_was_given():
    run = [  # (piece, cells, presses)
        ("T", placed("T", 0, 4), 1),  # clean
        ("T", placed("T", 0, 1), 4),  # tapped left three times: a fault
        ("L", placed("L", 1, 0), 3),  # rotate, hold left, drop: clean
        ("J", placed("J", 0, 8), 5),  # a fault
    ]
    assert [is_finesse_fault(piece, cells, presses) for piece, cells, presses in run] == [False, True, False, True]


def test_a_crafted_runs_presses_go_to_the_placement_they_moved():
    inputs, events = crafted_solo_run()
    placements, presses = run_placements(inputs, events)
    assert presses == 11 == sum(1 for _, direction, _ in inputs if direction == "down")
    assert [(p.piece, p.tick, p.presses) for p in placements] == [
        ("T", 0, 1),
        ("L", 300, 4),  # the left pressed in the T's last step, after its drop, is the L's
        ("S", 600, 2),
        ("I", 1200, 3),  # the J's hold, the I's auto-shift (one press, three repeats) and drop
        ("O", 2000, 1),
    ]
    assert [p.fewest for p in placements] == [1, 2, None, None, 2]  # soft drop and hold: not judged
    assert [p.fault for p in placements] == [False, True, False, False, False]
    assert placements[4].judged_presses == 2  # left to lock by gravity: judged as if hard dropped


def test_a_verified_runs_analysis_has_its_kpp_and_finesse_faults():
    inputs, events = crafted_solo_run()
    start = {"tick": 0, "type": "game_start", "player_id": None, "data": {"config": {"tick_rate": 1000}}}
    document = {"events": [start, *events], "moments": []}
    (entry,) = analyse_match(document, key_presses={"solo": inputs})["players"]
    assert entry["key_presses"] == 11
    assert entry["kpp"] == 2.2  # 11 presses / 5 pieces
    assert (entry["finesse_judged"], entry["finesse_faults"]) == (3, 1)
    assert entry["finesse_fault_placements"] == [{"tick": 300, "piece": "L", "presses": 4, "fewest": 2}]
    (without,) = analyse_match(document)["players"]
    assert [without[key] for key in ("key_presses", "kpp", "finesse_judged", "finesse_faults")] == [None] * 4


def test_presses_that_do_not_match_the_actions_leave_finesse_unjudged():
    inputs, events = crafted_solo_run()
    inputs[0] = [0, "down", "rotate_cw"]  # the replay's first action was a hard drop
    with pytest.raises(PressesUnmatched):
        run_placements(inputs, events)
    start = {"tick": 0, "type": "game_start", "player_id": None, "data": {"config": {"tick_rate": 1000}}}
    (entry,) = analyse_match({"events": [start, *events], "moments": []}, key_presses={"solo": inputs})["players"]
    assert (entry["kpp"], entry["finesse_faults"], entry["finesse_fault_placements"]) == (2.2, None, None)
