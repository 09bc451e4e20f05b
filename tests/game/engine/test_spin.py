from hypothesis import given
from hypothesis import strategies as st

from game.engine.board import Board
from game.engine.spin import is_difficult, moment_kind, t_spin

# A T pointing down (state "2") with its centre at (2, 1); the rows around are hand-filled.
TSD_BOARD = Board.from_rows(["XX.XXXXXXX", "XTTTXXXXXX", "XX........"]).masks


def test_three_corners_with_both_front_corners_is_a_full_spin():
    assert t_spin(TSD_BOARD, "T", 2, 2, 1, True, 0, 2) == "full"


def test_no_rotation_last_means_no_spin_and_other_pieces_never_spin():
    assert t_spin(TSD_BOARD, "T", 2, 2, 1, False, 0, 2) == "none"
    assert t_spin(TSD_BOARD, "S", 2, 2, 1, True, 0, 2) == "none"


def test_pointing_away_from_the_filled_corners_is_a_mini_unless_kick_four_or_triple():
    # Same cells judged as a T pointing up: its front corners (1, 2) and (3, 2) - only one filled.
    assert t_spin(TSD_BOARD, "T", 0, 2, 1, True, 0, 2) == "mini"
    assert t_spin(TSD_BOARD, "T", 0, 2, 1, True, 3, 2) == "mini"
    assert t_spin(TSD_BOARD, "T", 0, 2, 1, True, 4, 2) == "full"
    assert t_spin(TSD_BOARD, "T", 0, 2, 1, True, 0, 3) == "full"


def test_walls_and_floor_count_as_corners():
    floor_wall = Board.from_rows([]).masks
    # Centre (0, 0) pointing right: left corners are wall, bottom ones floor -> 3 of 4, but only
    # one of the front (right) corners is filled.
    assert t_spin(floor_wall, "T", 1, 0, 0, True, 0, 0) == "mini"
    assert t_spin(floor_wall, "T", 1, 4, 0, True, 0, 0) == "none"


@given(st.sampled_from(["none", "mini", "full"]), st.integers(min_value=0, max_value=4))
def test_difficult_clears_are_tetrises_and_line_clearing_spins(spin, lines):
    if spin != "none" and lines == 4:
        return
    assert is_difficult(lines, spin) == (lines == 4 or (lines > 0 and spin != "none"))


def test_moment_names_follow_the_detector_where_one_exists():
    assert moment_kind(4, "none") == "tetris"
    assert moment_kind(2, "full") == "t_spin_double"
    assert moment_kind(0, "full") == "t_spin_zero"
    assert moment_kind(1, "mini") == "t_spin_mini_single"
    assert moment_kind(3, "none") is None
