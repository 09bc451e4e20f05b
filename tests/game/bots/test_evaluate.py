from game.bots.bot import STRENGTHS
from game.bots.evaluate import board_value, placement_value, simulate
from game.bots.search import Plan
from game.engine.board import Board

WEIGHTS = STRENGTHS["hard"].weights


def test_a_hole_costs_more_than_the_same_cells_without_one():
    flat = Board.from_rows(["XXXXXXXX..", "XXXXXXXX.."]).masks
    holed = Board.from_rows(["XXXX.XXX..", "XXXXXXXXX."]).masks
    assert board_value(flat, WEIGHTS) > board_value(holed, WEIGHTS)


def test_a_tetris_is_rewarded_and_burning_a_single_low_down_is_not():
    def clear_bonus(rows: list[str]) -> float:
        outcome = simulate(
            Board.from_rows(rows).masks, Plan("I", 1, 8, 2, ("hard_drop",), False, 0), b2b_chain=0, combo=-1
        )
        return placement_value(outcome, 5, WEIGHTS) - board_value(outcome.masks, WEIGHTS)

    # A cell on top keeps the tetris from also being a perfect clear.
    assert clear_bonus(["XXXXXXXXX."] * 4 + ["X........."]) > 10
    assert clear_bonus(["XXXXXXXXX.", "XXXXXXXX..", "XXXXXXXX..", "X........."]) < 0


def test_simulated_spins_use_the_engine_rules():
    masks = Board.from_rows(["XX.XXXXXXX", "X...XXXXXX", "XX........"]).masks
    spun = simulate(masks, Plan("T", 2, 2, 1, (), True, 0), b2b_chain=1, combo=-1)
    dropped = simulate(masks, Plan("T", 2, 2, 1, (), False, 0), b2b_chain=1, combo=-1)
    assert (spun.spin, spun.lines, spun.attack) == ("full", 2, 5)
    assert (dropped.spin, dropped.attack) == ("none", 1)
