import pytest

from game.engine.scoring import clear_points


@pytest.mark.parametrize(
    ("lines", "spin", "points"),
    [
        (0, "none", 0),
        (1, "none", 100),
        (2, "none", 300),
        (3, "none", 500),
        (4, "none", 800),
        (0, "mini", 100),
        (1, "mini", 200),
        (2, "mini", 400),
        (0, "full", 400),
        (1, "full", 800),
        (2, "full", 1200),
        (3, "full", 1600),
    ],
)
def test_guideline_line_points_at_level_one(lines, spin, points):
    assert clear_points(lines=lines, spin=spin, back_to_back=False, combo=0, perfect_clear=False, level=1) == points


def test_points_scale_with_level_and_back_to_back_adds_half():
    assert clear_points(lines=4, spin="none", back_to_back=False, combo=0, perfect_clear=False, level=3) == 2400
    assert clear_points(lines=2, spin="full", back_to_back=True, combo=0, perfect_clear=False, level=1) == 1800


def test_combo_adds_fifty_per_step_and_level():
    assert clear_points(lines=1, spin="none", back_to_back=False, combo=3, perfect_clear=False, level=2) == 200 + 300


def test_perfect_clear_bonuses():
    assert clear_points(lines=1, spin="none", back_to_back=False, combo=0, perfect_clear=True, level=1) == 100 + 800
    assert clear_points(lines=4, spin="none", back_to_back=False, combo=0, perfect_clear=True, level=1) == 800 + 2000
    assert clear_points(lines=4, spin="none", back_to_back=True, combo=0, perfect_clear=True, level=1) == 1200 + 3200
