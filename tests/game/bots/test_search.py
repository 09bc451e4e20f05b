from game.bots.search import SONIC, follow, plans
from game.engine.board import Board
from game.engine.pieces import SPAWN_X, SPAWN_Y, cells_at

EMPTY = Board().masks
TSD_BOARD = Board.from_rows(["XX.XXXXXXX", "X...XXXXXX", "XX........"]).masks


def test_every_flat_and_upright_i_placement_is_found_once_on_an_empty_board():
    found = plans(EMPTY, "I", 0, SPAWN_X, SPAWN_Y, spins=False, tucks=False)
    cell_sets = {frozenset(cells_at("I", p.state, p.x, p.y)) for p in found}
    assert len(found) == len(cell_sets) == 7 + 10
    assert all(min(y for _, y in cells) == 0 for cells in cell_sets)


def test_following_a_plan_lands_exactly_where_it_says():
    for piece in "IOTSZJL":
        for plan in plans(TSD_BOARD, piece, 0, SPAWN_X, SPAWN_Y, spins=True, tucks=True):
            end = follow(TSD_BOARD, piece, 0, SPAWN_X, SPAWN_Y, plan.tokens)
            assert end is not None
            assert end[:3] == (plan.state, plan.x, plan.y)
            assert plan.tokens[-1] == "hard_drop"


def test_the_t_spin_double_slot_is_reached_by_soft_drop_then_rotation():
    spins = [
        p
        for p in plans(TSD_BOARD, "T", 0, SPAWN_X, SPAWN_Y, spins=True, tucks=False)
        if p.last_rotation and (p.state, p.x, p.y) == (2, 2, 1)
    ]
    assert spins
    assert spins[0].tokens[-3:-1] in ((SONIC, "rotate_cw"), (SONIC, "rotate_ccw"))


def test_a_blocked_step_makes_a_plan_unfollowable():
    wall = Board.from_rows(["X........."] * 22).masks
    assert follow(wall, "T", 0, SPAWN_X, SPAWN_Y, ["move_left"] * 4 + ["hard_drop"]) is None
