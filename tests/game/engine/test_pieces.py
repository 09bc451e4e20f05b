from game.engine.board import fits
from game.engine.pieces import PIECES, SHAPES, SPAWN_X, SPAWN_Y, cells_at, kick_offsets
from tests.game.engine.support import inputs, of_type, solo

EMPTY = [0] * 40


def test_pieces_spawn_in_the_guideline_columns_just_above_the_visible_field():
    spawned = {p: sorted(cells_at(p, 0, SPAWN_X, SPAWN_Y)) for p in PIECES}
    assert spawned["I"] == [(3, 20), (4, 20), (5, 20), (6, 20)]
    assert spawned["O"] == [(4, 20), (4, 21), (5, 20), (5, 21)]
    assert spawned["T"] == [(3, 20), (4, 20), (4, 21), (5, 20)]
    for piece in "JLSZ":
        assert {x for x, _ in spawned[piece]} == {3, 4, 5}
        assert {y for _, y in spawned[piece]} == {20, 21}


def test_every_state_has_four_distinct_cells_and_t_points_where_srs_says():
    for piece in PIECES:
        for cells in SHAPES[piece]:
            assert len(set(cells)) == 4
    # T "R" points right, "2" down, "L" left (the nub relative to the centre).
    nubs = [set(SHAPES["T"][s]) - {(0, 0)} for s in range(4)]
    assert nubs[1] == {(0, 1), (0, -1), (1, 0)}
    assert nubs[2] == {(-1, 0), (1, 0), (0, -1)}
    assert nubs[3] == {(0, 1), (0, -1), (-1, 0)}


def test_kick_tables_are_the_srs_tables_with_y_up():
    assert kick_offsets("T", 0, 1) == ((0, 0), (-1, 0), (-1, 1), (0, -2), (-1, -2))
    assert kick_offsets("J", 3, 0) == ((0, 0), (-1, 0), (-1, -1), (0, 2), (-1, 2))
    assert kick_offsets("I", 0, 1) == ((0, 0), (-2, 0), (1, 0), (-2, -1), (1, 2))
    assert kick_offsets("I", 3, 0) == ((0, 0), (1, 0), (-2, 0), (1, -2), (-2, 1))
    assert kick_offsets("O", 0, 1) == ((0, 0),)
    # 180 turns only try the zero offset (documented in pieces.py).
    assert kick_offsets("T", 0, 2) == ((0, 0),)
    assert kick_offsets("I", 1, 3) == ((0, 0),)


def test_rotating_against_the_left_wall_kicks_one_column_right():
    match, _ = solo([], "T")
    events = match.step(
        {"p": ["rotate_cw", "move_left", "move_left", "move_left", "move_left", "move_left", "rotate_ccw"]}
    )
    moves = inputs(events)
    assert [m["ok"] for m in moves[1:6]] == [True, True, True, True, False]
    assert moves[-1] == {"action": "rotate_ccw", "ok": True, "kick": 1}
    piece = match.players["p"].active
    assert (piece.state, piece.x) == (0, 1)


def test_rotating_on_the_floor_kicks_up():
    match, _ = solo([], "T")
    events = match.step({"p": ["soft_drop"] * 20 + ["rotate_cw"]})
    assert inputs(events)[-1] == {"action": "rotate_cw", "ok": True, "kick": 2}
    piece = match.players["p"].active
    assert (piece.state, piece.x, piece.y) == (1, 3, 1)


def test_i_piece_on_the_floor_uses_its_own_fifth_kick():
    match, _ = solo([], "I")
    events = match.step({"p": ["soft_drop"] * 20 + ["rotate_cw"]})
    assert inputs(events)[-1] == {"action": "rotate_cw", "ok": True, "kick": 4}
    assert sorted(match.players["p"].active.cells()) == [(6, 0), (6, 1), (6, 2), (6, 3)]


def test_i_piece_against_the_right_wall_kicks_left_when_laid_flat():
    match, _ = solo([], "I")
    events = match.step({"p": ["rotate_cw"] + ["move_right"] * 5 + ["rotate_ccw"]})
    assert inputs(events)[-1] == {"action": "rotate_ccw", "ok": True, "kick": 2}
    assert sorted(x for x, _ in match.players["p"].active.cells()) == [6, 7, 8, 9]


def test_blocked_rotation_reports_not_ok_and_leaves_the_piece():
    # A vertical I in a one-wide shaft cannot turn at all: every kick test collides.
    rows = ["XXXX.XXXXX"] * 4
    match, _ = solo(rows, "I")
    match.step({"p": ["rotate_cw", "move_left"] + ["soft_drop"] * 20})
    before = match.players["p"].active
    assert min(y for _, y in before.cells()) == 0
    events = match.step({"p": ["rotate_cw", "rotate_ccw", "rotate_180"]})
    assert [m["ok"] for m in inputs(events)] == [False, False, False]
    assert all("kick" not in m for m in inputs(events))
    assert match.players["p"].active == before


TST_BOARD = [
    "XXX.XXXXXX",
    "XXX..XXXXX",
    "XXX.XXXXXX",
    "XXX.......",
    "XXXX......",
]


def test_t_spin_triple_setup_uses_kick_four_and_clears_three_rows():
    match, _ = solo(TST_BOARD, "T")
    events = match.step(
        {"p": ["move_right", "soft_drop"] + ["soft_drop"] * 20 + ["move_left", "rotate_cw", "hard_drop"]}
    )
    moves = inputs(events)
    assert moves[-2] == {"action": "rotate_cw", "ok": True, "kick": 4}
    assert moves[-1] == {"action": "hard_drop", "ok": True, "distance": 0}
    lock = of_type(events, "piece_lock")[0]["data"]
    assert sorted(map(tuple, lock["cells"])) == [(3, 0), (3, 1), (3, 2), (4, 1)]
    assert of_type(events, "line_clear")[0]["data"] == {"rows": [0, 1, 2], "count": 3}
    assert match.players["p"].record["t_spin_triple"] == 1


# Found by searching random boards for a T that reaches a two-row clear only through kick 4 while
# just one of its front corners is filled: a "fin" TSD, which the kick-4 exception makes full.
FIN_BOARD = [
    "XXXXXX.XXX",
    "XXXXX..XXX",
    "X.X....X.X",
    ".X.....XX.",
    ".....XXX..",
    "XX..X...X.",
]
FIN_PATH = ["soft_drop"] * 14 + [
    "rotate_cw",
    "move_left",
    "soft_drop",
    "rotate_cw",
    "soft_drop",
    "move_right",
    "move_right",
    "rotate_cw",
    "hard_drop",
]


def test_fin_kick_reaches_a_t_spin_double_that_would_otherwise_be_a_mini():
    match, _ = solo(FIN_BOARD, "T")
    events = match.step({"p": FIN_PATH})
    moves = inputs(events)
    assert all(m["ok"] for m in moves)
    assert moves[-2] == {"action": "rotate_cw", "ok": True, "kick": 4}
    lock = of_type(events, "piece_lock")[0]["data"]
    assert lock["rotation"] == "L"
    centre = (6, 1)
    assert sorted(map(tuple, lock["cells"])) == [(5, 1), (6, 0), (6, 1), (6, 2)]
    # The front (left) corners: one filled, one empty - a mini but for the kick.
    board = lock["board"]
    front = [board[centre[1] + dy][centre[0] - 1] != "." for dy in (1, -1)]
    assert sorted(front) == [False, True]
    assert of_type(events, "line_clear")[0]["data"]["count"] == 2
    assert match.players["p"].record == {"t_spin_double": 1}


def test_fits_rejects_walls_floor_and_ceiling():
    assert fits(EMPTY, "I", 0, 1, 0)
    assert not fits(EMPTY, "I", 0, 0, 0)
    assert not fits(EMPTY, "I", 0, 8, 0)
    assert not fits(EMPTY, "T", 2, 4, 0)
    assert not fits(EMPTY, "I", 1, 4, 39)
