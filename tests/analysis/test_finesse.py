"""Finesse on a crafted solo run: the fewest presses per placement, and the faults."""

from analysis.finesse import fewest_presses, is_finesse_fault
from game.engine.pieces import cells_at


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
