from hypothesis import given
from hypothesis import strategies as st

from game.engine.spin import is_difficult, moment_kind


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
