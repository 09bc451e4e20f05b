from game.engine.board import fits
from game.engine.pieces import PIECES, SHAPES

EMPTY = [0] * 40


def test_every_state_has_four_distinct_cells_and_t_points_where_srs_says():
    for piece in PIECES:
        for cells in SHAPES[piece]:
            assert len(set(cells)) == 4
    # T "R" points right, "2" down, "L" left (the nub relative to the centre).
    nubs = [set(SHAPES["T"][s]) - {(0, 0)} for s in range(4)]
    assert nubs[1] == {(0, 1), (0, -1), (1, 0)}
    assert nubs[2] == {(-1, 0), (1, 0), (0, -1)}
    assert nubs[3] == {(0, 1), (0, -1), (-1, 0)}


def test_fits_rejects_walls_floor_and_ceiling():
    assert fits(EMPTY, "I", 0, 1, 0)
    assert not fits(EMPTY, "I", 0, 0, 0)
    assert not fits(EMPTY, "I", 0, 8, 0)
    assert not fits(EMPTY, "T", 2, 4, 0)
    assert not fits(EMPTY, "I", 1, 4, 39)
