"""Line-clear moments (docs/contract.md, key moments): tetris, back-to-back chains, perfect clears, and their order."""

from __future__ import annotations

from tests.moments.builders import (
    FULL,
    GARBAGE,
    board,
    event,
    feed,
    game_start,
    kinds,
    lock,
    place,
    press,
    spawn,
    t_cells,
)

I_CELLS = [[9, 0], [9, 1], [9, 2], [9, 3]]
TETRIS_BOARD = board(GARBAGE, GARBAGE, FULL, FULL, FULL, FULL)  # leaves two garbage rows
SINGLE_BOARD = board(GARBAGE, FULL)

MINI_ROTATION, MINI_CELLS = t_cells(0, 1, "right")
MINI_BOARD = board(
    "T.........",
    "TT..XXXXXX",
    "TXXXXXXXXX",
)
ROTATE = [press("a", "rotate_cw", kick=1)]


def tetris(tick: int = 1, rows: list[str] = TETRIS_BOARD):
    return place("a", I_CELLS, rows, piece="I", rotation="R", tick=tick)


def single(tick: int = 1):
    return place("a", [[0, 0], [1, 0], [2, 0], [3, 0]], SINGLE_BOARD, piece="I", tick=tick)


def nothing(tick: int = 1):
    return place(
        "a", [[0, 2], [1, 2], [0, 3], [1, 3]], board("OO........", "OO........", GARBAGE), piece="O", tick=tick
    )


def mini_single(tick: int = 1):
    return place("a", MINI_CELLS, MINI_BOARD, rotation=MINI_ROTATION, inputs=ROTATE, tick=tick)


def run(*placements):
    _, moments = feed([game_start("a", "b")] + [item for placement in placements for item in placement])
    return moments


def test_a_four_row_clear_is_a_tetris():
    (moment,) = run(tetris(tick=7))
    assert (moment.type, moment.tick, moment.player_id, moment.data) == ("tetris", 7, "a", {"lines": 4})


def test_plain_singles_doubles_and_triples_are_no_moment():
    rows = board(GARBAGE, FULL, FULL, FULL)
    assert run(single(), place("a", I_CELLS, rows, piece="I")) == []


def test_two_tetrises_in_a_row_are_back_to_back():
    moments = run(tetris(1), tetris(2), tetris(3))
    assert kinds(moments) == ["tetris", "tetris", "back_to_back", "tetris", "back_to_back"]
    assert [m.data for m in moments if m.type == "back_to_back"] == [
        {"chain": 2, "clear": "tetris"},
        {"chain": 3, "clear": "tetris"},
    ]
    assert moments[2].tick == 2


def test_placements_that_clear_nothing_keep_the_chain():
    moments = run(tetris(1), nothing(2), nothing(3), tetris(4))
    assert kinds(moments) == ["tetris", "tetris", "back_to_back"]


def test_a_t_spin_mini_single_keeps_the_chain_and_is_named_in_it():
    moments = run(tetris(1), mini_single(2), tetris(3))
    assert kinds(moments) == ["tetris", "back_to_back", "tetris", "back_to_back"]
    assert moments[1].data == {"chain": 2, "clear": "t_spin_mini"}
    assert moments[3].data == {"chain": 3, "clear": "tetris"}


def test_a_plain_single_breaks_the_chain():
    moments = run(tetris(1), single(2), tetris(3), tetris(4))
    assert kinds(moments) == ["tetris", "tetris", "tetris", "back_to_back"]
    assert moments[-1].data == {"chain": 2, "clear": "tetris"}


def test_a_mini_that_clears_nothing_neither_starts_nor_breaks_a_chain():
    no_clear = board("T.........", "TT..XXXXXX", "TXXXXXXXX.")
    mini_zero = place("a", MINI_CELLS, no_clear, rotation=MINI_ROTATION, inputs=ROTATE)
    assert kinds(run(mini_zero, tetris())) == ["tetris"]
    assert kinds(run(tetris(), mini_zero, tetris())) == ["tetris", "tetris", "back_to_back"]


def test_chains_are_per_player():
    other = place("b", I_CELLS, TETRIS_BOARD, piece="I", rotation="R")
    moments = run(tetris(1), other, single(2), tetris(3))
    assert kinds(moments) == ["tetris", "tetris", "tetris"]


def test_a_perfect_clear_tetris_back_to_back_yields_three_moments_in_order():
    pc_board = board(FULL, FULL, FULL, FULL)
    moments = run(tetris(1), tetris(2, rows=pc_board))
    assert kinds(moments) == ["tetris", "tetris", "back_to_back", "perfect_clear"]
    assert moments[-1].data == {"lines": 4}
    assert {m.tick for m in moments[1:]} == {2}


def test_a_perfect_clear_t_spin_double_back_to_back():
    rotation, cells = t_cells(4, 0, "up")
    rows = board(
        "XXXXTXXXXX",
        "XXXTTTXXXX",
    )
    moments = run(tetris(1), place("a", cells, rows, rotation=rotation, inputs=ROTATE, tick=2))
    assert kinds(moments) == ["tetris", "t_spin_double", "back_to_back", "perfect_clear"]
    assert moments[2].data == {"chain": 2, "clear": "t_spin_double"}
    assert moments[3].data == {"lines": 2}


def test_a_plain_perfect_clear_is_only_a_perfect_clear():
    assert kinds(run(place("a", [[0, 0], [1, 0], [2, 0], [3, 0]], board(FULL), piece="I"))) == ["perfect_clear"]


def test_a_line_clear_without_its_piece_lock_is_skipped():
    events = [game_start("a", "b"), *tetris(1)]
    events.append(event("line_clear", "a", 2, rows=[0, 1, 2, 3], count=4))
    state, moments = feed(events)
    assert kinds(moments) == ["tetris"]
    assert state.skipped == 1
    assert "no piece_lock" in state.last_skip


def test_the_next_spawn_ends_the_placement_its_line_clear_belongs_to():
    events = [game_start("a", "b"), spawn("a", "I"), lock("a", I_CELLS, TETRIS_BOARD, piece="I"), spawn("a", "O")]
    events.append(event("line_clear", "a", 2, rows=[0, 1, 2, 3], count=4))
    state, moments = feed(events)
    assert moments == []
    assert state.skipped == 1
