import pytest

from game.engine.attack import attack_rows


@pytest.mark.parametrize(
    ("lines", "spin", "rows"),
    [
        (0, "none", 0),
        (1, "none", 0),
        (2, "none", 1),
        (3, "none", 2),
        (4, "none", 4),
        (1, "full", 2),
        (2, "full", 4),
        (3, "full", 6),
        (0, "mini", 0),
        (1, "mini", 0),
        (2, "mini", 1),
        (0, "full", 0),
    ],
)
def test_attack_table(lines, spin, rows):
    assert attack_rows(lines=lines, spin=spin, back_to_back=False, combo=0, perfect_clear=False) == rows


def test_back_to_back_combo_and_perfect_clear_add_up():
    assert attack_rows(lines=4, spin="none", back_to_back=True, combo=0, perfect_clear=False) == 5
    assert attack_rows(lines=1, spin="none", back_to_back=False, combo=2, perfect_clear=False) == 1
    assert attack_rows(lines=1, spin="none", back_to_back=False, combo=50, perfect_clear=False) == 5
    assert attack_rows(lines=2, spin="none", back_to_back=False, combo=0, perfect_clear=True) == 11


def test_no_lines_means_no_attack_whatever_the_chain():
    assert attack_rows(lines=0, spin="full", back_to_back=True, combo=5, perfect_clear=False) == 0
