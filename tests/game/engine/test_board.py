import pytest

from game.engine.board import Board, is_filled


def test_rows_are_bottom_first_and_stop_at_the_highest_filled_row():
    board = Board.from_rows(["X.........", "..........", ".........T"])
    assert board.rows() == ["X.........", "..........", ".........T"]
    assert board.stack_height() == 3
    assert Board().rows() == []


def test_rows_of_the_wrong_width_are_refused():
    with pytest.raises(ValueError, match="exactly 10"):
        Board.from_rows(["XXX"])


def test_clearing_rows_drops_everything_above_them():
    board = Board.from_rows(["XXXXXXXXXX", "X.........", "XXXXXXXXXX", "..T......."])
    board.clear_rows(board.full_rows())
    assert board.rows() == ["X.........", "..T......."]


def test_garbage_comes_in_from_the_bottom_with_one_hole():
    board = Board.from_rows(["T........."])
    assert board.insert_garbage(2, hole=3)
    assert board.rows() == ["GGG.GGGGGG", "GGG.GGGGGG", "T........."]


def test_garbage_pushing_blocks_out_of_the_top_reports_a_top_out():
    board = Board.from_rows(["X........."] * 39, height=40)
    assert not board.insert_garbage(2, hole=0)
    assert len(board.masks) == 40


def test_walls_and_floor_count_as_filled_but_the_space_above_does_not():
    masks = Board.from_rows(["X........."]).masks
    assert is_filled(masks, 0, 0)
    assert not is_filled(masks, 1, 0)
    assert is_filled(masks, -1, 5) and is_filled(masks, 10, 5) and is_filled(masks, 4, -1)
    assert not is_filled(masks, 4, 40)
