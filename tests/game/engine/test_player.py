from game.engine.board import Board
from game.engine.config import MatchConfig
from tests.game.engine.support import inputs, of_type, solo

TSD_BOARD = ["XX.XXXXXXX", "X...XXXXXX", "XX........"]
TSD_PATH = ["rotate_cw", "move_left", "move_left"] + ["soft_drop"] * 25 + ["rotate_cw", "hard_drop"]


def test_event_order_is_input_lock_clear_then_next_spawn():
    match, _ = solo(TSD_BOARD, "T")
    types = [e["type"] for e in match.step({"p": TSD_PATH})]
    assert types[-4:] == ["input", "piece_lock", "line_clear", "piece_spawn"]


def test_hold_stores_the_piece_once_per_piece_and_swaps_back_later():
    match, _ = solo([], "T")
    player = match.players["p"]
    upcoming = player.next_pieces()[0]
    events = match.step({"p": ["hold", "hold"]})
    assert [m["ok"] for m in inputs(events)] == [True, False]
    assert [e["data"]["piece"] for e in of_type(events, "piece_spawn")] == [upcoming]
    assert player.hold == "T"
    events = match.step({"p": ["hard_drop", "hold"]})
    assert inputs(events)[-1] == {"action": "hold", "ok": True}
    assert of_type(events, "piece_spawn")[-1]["data"] == {"piece": "T", "x": 4, "y": 20, "rotation": "0"}
    assert player.hold != "T"


def test_soft_drop_moves_up_to_the_configured_rows_and_reports_blocked_drops():
    match, _ = solo([], "O", MatchConfig(gravity=0.0, lock_delay=1000, soft_drop_rows=15))
    events = match.step({"p": ["soft_drop", "soft_drop", "soft_drop"]})
    assert [(m["ok"], m["distance"]) for m in inputs(events)] == [(True, 15), (True, 5), (False, 0)]


def test_lock_delay_counts_grounded_ticks_and_move_resets_are_capped():
    config = MatchConfig(gravity=20.0, lock_delay=3, max_lock_resets=2)
    match, _ = solo([], "O", config)
    plans = [[], ["move_left"], ["move_right"], ["move_left"], [], []]
    locked_at = [i for i, plan in enumerate(plans) if of_type(match.step({"p": plan}), "piece_lock")]
    # Grounded on tick 0; two resets (ticks 1, 2) restart the count; the third move does not.
    assert locked_at == [4]


def test_back_to_back_needs_consecutive_difficult_clears_and_survives_empty_placements():
    match, _ = solo(["XXXXXXXXX."] * 8, "I")
    player = match.players["p"]
    drop_i = ["rotate_cw"] + ["move_right"] * 4 + ["hard_drop"]

    def place(piece: str, plan: list[str]) -> int:
        player.spawn(piece)
        before = player.score
        events = match.step({"p": plan})
        return of_type(events, "piece_lock")[0]["data"]["score"] - before

    first = place("I", drop_i)
    place("O", ["move_left"] * 4 + ["hard_drop"])  # clears nothing: the chain holds
    second = place("I", drop_i)
    assert player.record == {"tetris": 2, "back_to_back": 1}
    assert player.b2b_chain == 2
    # Same drop distance both times; the second tetris is worth half as much again.
    assert second - first == 400

    player.board = Board.from_rows(["XXXXXXXXX."])
    place("I", drop_i)  # a single breaks the chain
    assert player.b2b_chain == 0
    player.board = Board.from_rows(["XXXXXXXXX."] * 4 + ["X........."])
    place("I", drop_i)
    assert player.record == {"tetris": 3, "back_to_back": 1}


def test_locking_entirely_above_the_visible_field_tops_out():
    match, _ = solo(["...XXX...."] * 20, "T")
    events = match.step({"p": ["hard_drop"]})
    assert inputs(events)[0]["distance"] == 0
    assert of_type(events, "elimination")[0]["data"] == {"placement": 1}
    assert match.over


def test_a_line_clear_counts_the_garbage_rows_it_cleared():
    # The T-spin double clears rows 0 and 1; row 0 is a garbage row (G cells), row 1 is not.
    match, _ = solo(["GG.GGGGGGG", "X...XXXXXX", "XX........"], "T")
    clears = of_type(match.step({"p": TSD_PATH}), "line_clear")
    assert [c["data"] for c in clears] == [{"rows": [0, 1], "count": 2, "garbage_rows": 1}]
