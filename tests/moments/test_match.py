"""Moments that span placements or players (docs/contract.md): garbage surge, near death, elimination, comeback."""

from __future__ import annotations

from tests.moments.builders import event, feed, filler, game_end, game_start, kinds


def sent(player: str, rows: int, tick: int = 1, to: str = "b"):
    return event("garbage_sent", player, tick, to=to, rows=rows)


def placement(player: str = "a", score: int = 0, tick: int = 1):
    return filler(player, 2, score=score, tick=tick)


def flat(*groups):
    return [item for group in groups for item in (group if isinstance(group, list) else [group])]


# --- garbage surge ------------------------------------------------------------------------------


def test_garbage_surge_fires_at_the_garbage_sent_that_reaches_three_rows():
    events = flat(game_start("a", "b"), placement(), sent("a", 1, 1), placement(), sent("a", 1, 2))
    events += flat(placement(), sent("a", 2, 3), placement(), sent("a", 4, 4))
    _, moments = feed(events)
    (moment,) = moments
    assert (moment.type, moment.tick, moment.player_id, moment.data) == ("garbage_surge", 3, "a", {"rows": 4})


def test_one_placement_can_reach_three_rows_by_itself_over_several_garbage_sent():
    events = flat(game_start("a", "b", "c"), placement(), sent("a", 2, 1, to="b"), sent("a", 2, 2, to="c"))
    _, moments = feed(events)
    assert [(m.type, m.tick, m.data) for m in moments] == [("garbage_surge", 2, {"rows": 4})]


def test_a_placement_that_sends_nothing_ends_the_run():
    events = flat(game_start("a", "b"), placement(), sent("a", 2), placement(), placement(), sent("a", 2))
    _, moments = feed(events)
    assert moments == []


def test_a_new_run_fires_again():
    events = flat(game_start("a", "b"), placement(), sent("a", 3, 1), placement(), sent("a", 1, 2))
    events += flat(placement(), placement(), sent("a", 1, 3), placement(), sent("a", 2, 4))
    _, moments = feed(events)
    assert [(m.tick, m.data) for m in moments] == [(1, {"rows": 3}), (4, {"rows": 3})]


def test_runs_are_per_player():
    events = flat(game_start("a", "b"), placement("a"), sent("a", 2), placement("b"), sent("b", 2, to="a"))
    events += flat(placement("a"), sent("a", 1, 5))
    _, moments = feed(events)
    assert [(m.player_id, m.tick, m.data) for m in moments] == [("a", 5, {"rows": 3})]


# --- near death ----------------------------------------------------------------------------------


def test_near_death_survival_fires_once_with_the_peak():
    events = flat(game_start("a", "b"), filler("a", 17), filler("a", 19), filler("a", 12))
    events += flat(filler("a", 9, full=3, tick=8), filler("a", 5, full=1, tick=9))
    _, moments = feed(events)
    (moment,) = moments
    assert (moment.type, moment.tick, moment.player_id) == ("near_death_survival", 8, "a")
    assert moment.data == {"peak_height": 19, "height": 9}


def test_near_death_arms_again_after_firing():
    events = flat(game_start("a", "b"), filler("a", 18), filler("a", 4, full=2, tick=2))
    events += flat(filler("a", 17), filler("a", 8, full=1, tick=4))
    _, moments = feed(events)
    assert [(m.tick, m.data) for m in moments] == [
        (2, {"peak_height": 18, "height": 4}),
        (4, {"peak_height": 17, "height": 8}),
    ]


def test_height_sixteen_does_not_arm_and_ten_does_not_survive():
    _, moments = feed(flat(game_start("a", "b"), filler("a", 16), filler("a", 2, full=4)))
    assert kinds(moments) == ["tetris"]
    _, moments = feed(flat(game_start("a", "b"), filler("a", 17), filler("a", 10, full=4)))
    assert kinds(moments) == ["tetris"]


def test_height_after_a_placement_is_measured_once_its_full_rows_are_gone():
    # 20 rows before the clear, 16 after: not armed.
    _, moments = feed(flat(game_start("a", "b"), filler("a", 16, full=4), filler("a", 3, full=1)))
    assert kinds(moments) == ["tetris"]


def test_a_low_board_without_a_line_clear_is_not_a_survival():
    _, moments = feed(flat(game_start("a", "b"), filler("a", 17), filler("a", 3)))
    assert moments == []


def test_elimination_disarms_near_death():
    events = flat(game_start("a", "b"), filler("a", 18), event("elimination", "a", 3, placement=2))
    events += filler("a", 2, full=1)
    _, moments = feed(events)
    assert kinds(moments) == ["elimination"]


# --- elimination ---------------------------------------------------------------------------------


def test_elimination_is_a_moment_with_the_placement():
    state, moments = feed([game_start("a", "b", "c"), event("elimination", "c", 77, placement=3)])
    (moment,) = moments
    assert (moment.type, moment.tick, moment.player_id, moment.data) == ("elimination", 77, "c", {"placement": 3})
    assert not state.players["c"].alive
    assert state.players["a"].alive


# --- comeback ------------------------------------------------------------------------------------


def test_comeback_for_a_winner_who_was_last_by_a_thousand_or_more():
    events = flat(game_start("a", "b"), placement("a", 1500), placement("b", 100), placement("b", 300))
    events += flat(placement("a", 2800), placement("b", 900), game_end({"b": (1, 9000), "a": (2, 3000)}, tick=500))
    _, moments = feed(events)
    (moment,) = moments
    assert (moment.type, moment.tick, moment.player_id) == ("comeback", 500, "b")
    assert moment.data == {"deficit": 2500, "final_score": 9000}


def test_no_comeback_when_the_gap_stayed_under_a_thousand():
    events = flat(game_start("a", "b"), placement("a", 999), placement("b", 0))
    events += flat(game_end({"b": (1, 5000), "a": (2, 999)}))
    assert feed(events)[1] == []


def test_no_comeback_until_every_alive_player_has_locked_a_piece():
    events = flat(game_start("a", "b"), placement("a", 2000), placement("b", 1500))
    events += flat(game_end({"b": (1, 5000), "a": (2, 2000)}))
    assert feed(events)[1] == []


def test_no_comeback_for_a_player_who_was_last_but_did_not_win():
    events = flat(game_start("a", "b"), placement("a", 2000), placement("b", 0))
    events += flat(game_end({"a": (1, 5000), "b": (2, 100)}))
    assert feed(events)[1] == []


def test_a_tie_for_last_place_is_not_last_place():
    events = flat(game_start("a", "b", "c"), placement("a", 2000), placement("b", 0), placement("c", 0))
    events += flat(game_end({"c": (1, 5000), "a": (2, 2000), "b": (3, 0)}))
    assert feed(events)[1] == []


def test_standings_are_checked_after_an_elimination_among_those_still_alive():
    # c never locks, so nobody is compared until c is out; then b is last of a and b by 1900.
    events = flat(game_start("a", "b", "c"), placement("a", 2000), placement("b", 100))
    events += flat(event("elimination", "c", 5, placement=3), game_end({"b": (1, 4000), "a": (2, 2000), "c": (3, 0)}))
    _, moments = feed(events)
    assert kinds(moments) == ["elimination", "comeback"]
    assert moments[1].data == {"deficit": 1900, "final_score": 4000}


def test_no_comeback_with_fewer_than_two_alive():
    events = flat(game_start("a", "b"), placement("a", 0), event("elimination", "b", 2, placement=2))
    events += flat(placement("a", 50), game_end({"a": (1, 50), "b": (2, 3000)}))
    assert kinds(feed(events)[1]) == ["elimination"]


def test_eliminated_players_do_not_count_for_last_place():
    events = flat(game_start("a", "b", "c"), placement("a", 0), placement("b", 5000), placement("c", 2000))
    events += flat(event("elimination", "a", 2, placement=3), game_end({"c": (1, 6000), "b": (2, 5000), "a": (3, 0)}))
    _, moments = feed(events)
    assert kinds(moments) == ["elimination", "comeback"]
    assert moments[1].data == {"deficit": 3000, "final_score": 6000}
