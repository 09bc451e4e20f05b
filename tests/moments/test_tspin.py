"""T-spins (docs/contract.md, key moments): the last effective action, the 3-corner rule, minis and their upgrades."""

from __future__ import annotations

import pytest

from moments.placement import SPIN_FULL, SPIN_MINI, SPIN_NONE, classify_t_spin, height_after_clear
from tests.moments.builders import FULL, board, feed, game_start, kinds, place, press, t_cells

# A T-spin double slot: the T points down into rows 0-1, an overhang at (3, 2) is the third corner.
TSD_ROTATION, TSD_CELLS = t_cells(4, 1, "down")
TSD_BOARD = board(
    "XXXX......",
    "XXXTTTXXXX",
    "XXXXTXXXXX",
)

# Against the left wall, pointing right: the wall gives both back corners; (1, 0) is the one front corner.
MINI_ROTATION, MINI_CELLS = t_cells(0, 1, "right")
MINI_BOARD = board(
    "T.........",
    "TT..XXXXXX",
    "TXXXXXXXXX",
)


def spin_moments(inputs, cells=TSD_CELLS, rows=TSD_BOARD, rotation=TSD_ROTATION, piece="T"):
    _, moments = feed([game_start("a", "b"), *place("a", cells, rows, piece=piece, rotation=rotation, inputs=inputs)])
    return kinds(moments)


def test_rotation_as_last_action_makes_a_t_spin_double():
    assert spin_moments([press("a", "move_left"), press("a", "rotate_cw", kick=0)]) == ["t_spin_double"]


def test_t_spin_double_moment_carries_lines_tick_and_player():
    _, moments = feed(
        [game_start("a", "b"), *place("a", TSD_CELLS, TSD_BOARD, inputs=[press("a", "rotate_cw")], tick=42)]
    )
    (moment,) = moments
    assert (moment.type, moment.tick, moment.player_id, moment.data) == ("t_spin_double", 42, "a", {"lines": 2})


def test_blocked_inputs_and_gravity_after_the_rotation_keep_the_spin():
    inputs = [
        press("a", "rotate_ccw", kick=1),
        press("a", "move_left", ok=False),
        press("a", "move_right", ok=False),
        press("a", "rotate_cw", ok=False),
        press("a", "soft_drop", ok=False),
        # gravity moves the piece without any event
    ]
    assert spin_moments(inputs) == ["t_spin_double"]


@pytest.mark.parametrize(
    "cancel",
    [
        press("a", "move_left"),
        press("a", "move_right", ok=True),
        press("a", "soft_drop"),
        press("a", "soft_drop", distance=2),
        press("a", "hard_drop", distance=3),
        press("a", "hold"),
    ],
    ids=["shift", "shift-ok", "soft-drop", "soft-drop-distance", "hard-drop-distance", "hold"],
)
def test_an_effective_move_after_the_rotation_cancels_the_spin(cancel):
    assert spin_moments([press("a", "rotate_cw"), cancel]) == []


@pytest.mark.parametrize("drop", [press("a", "hard_drop"), press("a", "hard_drop", distance=0)])
def test_a_hard_drop_that_moved_nothing_keeps_the_spin(drop):
    assert spin_moments([press("a", "rotate_cw"), drop]) == ["t_spin_double"]


def test_a_rotation_after_a_shift_is_again_the_last_action():
    assert spin_moments([press("a", "rotate_cw"), press("a", "move_left"), press("a", "rotate_180")]) == [
        "t_spin_double"
    ]


def test_no_rotation_is_no_spin():
    assert spin_moments([press("a", "move_left"), press("a", "hard_drop", distance=18)]) == []


def test_a_rotation_of_an_earlier_piece_does_not_carry_over():
    first = place(
        "a", [[0, 0], [1, 0], [2, 0], [3, 0]], board("IIII......"), piece="I", inputs=[press("a", "rotate_cw")]
    )
    events = [game_start("a", "b"), *first, *place("a", TSD_CELLS, TSD_BOARD, rotation=TSD_ROTATION)]
    _, moments = feed(events)
    assert kinds(moments) == []


def test_only_a_t_can_spin():
    assert spin_moments([press("a", "rotate_cw")], piece="L") == []


def test_walls_count_as_filled_corners():
    rotation, cells = t_cells(0, 1, "right")
    rows = board(
        "TX........",
        "TTXXXXXXXX",
        "TXXXXXXXXX",
    )
    assert spin_moments([press("a", "rotate_cw")], cells=cells, rows=rows, rotation=rotation) == ["t_spin_double"]


def test_the_floor_counts_as_filled_corners():
    rotation, cells = t_cells(4, 0, "up")
    rows = board(
        "...XTX....",
        "XXXTTTXXXX",
    )
    assert spin_moments([press("a", "rotate_cw")], cells=cells, rows=rows, rotation=rotation) == ["t_spin_single"]


def test_rows_above_the_listed_board_are_empty_not_outside():
    # The two back corners (3, 2) and (5, 2) are above the listed rows: only 2 corners are filled.
    rows = board(
        "XXXTTTXXXX",
        "XXXXTXXXXX",
    )
    assert spin_moments([press("a", "rotate_cw")], rows=rows) == ["perfect_clear"]


def test_two_filled_corners_are_not_a_spin():
    rows = board(
        "X.........",
        "XXXTTTXXXX",
        "XXXXTXXXXX",
    )
    assert spin_moments([press("a", "rotate_cw")], rows=rows) == []


def test_a_mini_yields_no_t_spin_moment():
    assert spin_moments([press("a", "rotate_cw", kick=2)], MINI_CELLS, MINI_BOARD, MINI_ROTATION) == []


def test_a_mini_becomes_full_through_kick_4():
    assert spin_moments([press("a", "rotate_cw", kick=4)], MINI_CELLS, MINI_BOARD, MINI_ROTATION) == ["t_spin_single"]


def test_the_kick_that_counts_is_the_last_rotations():
    inputs = [press("a", "rotate_cw", kick=4), press("a", "rotate_ccw", kick=1)]
    assert spin_moments(inputs, MINI_CELLS, MINI_BOARD, MINI_ROTATION) == []


def test_a_mini_that_clears_three_rows_is_a_t_spin_triple():
    # Pointing down: back corners (3, 2) and (5, 2) and front (3, 0) filled, front (5, 0) empty -> mini by
    # its corners, but rows 1-3 are full.
    rotation, cells = t_cells(4, 1, "down")
    rows = board(
        FULL,
        FULL,
        "XXXTTTXXXX",
        "XXXXT.XXXX",
    )
    assert classify_t_spin(cells, rows, 0) == SPIN_MINI
    assert spin_moments([press("a", "rotate_cw")], cells=cells, rows=rows, rotation=rotation) == ["t_spin_triple"]


def test_a_t_spin_that_clears_nothing_yields_no_moment():
    rows = board(
        "XXXX......",
        "XXXTTTXXX.",
        "XXXXTXXXX.",
    )
    assert classify_t_spin(TSD_CELLS, rows, 0) == SPIN_FULL
    assert spin_moments([press("a", "rotate_cw")], rows=rows) == []


@pytest.mark.parametrize("points", ["up", "right", "down", "left"])
def test_front_corners_follow_the_way_the_t_points(points):
    _, cells = t_cells(4, 4, points)
    step = {"up": (0, 1), "right": (1, 0), "down": (0, -1), "left": (-1, 0)}[points]
    corners = [(4 + dx, 4 + dy) for dx in (-1, 1) for dy in (-1, 1)]
    front = [(x, y) for x, y in corners if (x - 4 == step[0]) or (y - 4 == step[1])]
    back = [corner for corner in corners if corner not in front]
    assert len(front) == 2

    def rows_with(filled):
        grid = [["."] * 10 for _ in range(8)]
        for x, y in filled:
            grid[y][x] = "X"
        return ["".join(row) for row in grid]

    assert classify_t_spin(cells, rows_with([*front, back[0]]), 0) == SPIN_FULL
    assert classify_t_spin(cells, rows_with([front[0], *back]), 0) == SPIN_MINI
    assert classify_t_spin(cells, rows_with([front[0], *back]), 4) == SPIN_FULL
    assert classify_t_spin(cells, rows_with(back), 4) == SPIN_NONE


def test_cells_that_are_not_a_t_shape_are_no_spin():
    rows = board(FULL, FULL)
    assert classify_t_spin([[0, 0], [1, 0], [2, 0], [3, 0]], rows, 4) == SPIN_NONE
    assert classify_t_spin([[4, 1], [3, 1], [3, 1], [5, 1]], rows, 4) == SPIN_NONE


@pytest.mark.parametrize(
    ("rows", "height"),
    [
        ([], 0),
        ([FULL, FULL], 0),
        (["X........."], 1),
        ([FULL, "X.........", FULL, ".........X", ".........."], 2),
        (["..........", "X.........", ".........."], 2),
    ],
)
def test_height_after_clear_removes_full_rows(rows, height):
    assert height_after_clear(rows) == height
