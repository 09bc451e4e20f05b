"""The analysis on a crafted match, every figure worked out by hand (tests/analysis/crafted.py)."""

from analysis.figures import RULES_VERSION, analyse_match
from tests.analysis.crafted import crafted_match


def by_player(analysis):
    return {entry["player_id"]: entry for entry in analysis["players"]}


def test_the_winners_figures_are_the_hand_computed_ones():
    a = by_player(analyse_match(crafted_match()))["a"]
    # 40 s alive; attack 4 + 2 + 3 + 3 = 12; 20 pieces; 6 lines, 2 of them garbage.
    assert {key: a[key] for key in ("attack", "pieces", "lines", "garbage_cleared", "garbage_received")} == {
        "attack": 12,
        "pieces": 20,
        "lines": 6,
        "garbage_cleared": 2,
        "garbage_received": 1,
    }
    assert a["apm"] == 18.0  # 12 * 60 / 40
    assert a["pps"] == 0.5  # 20 / 40
    assert a["vs"] == 35.0  # 100 * (12 + 2) / 40
    assert a["app"] == 0.6  # 12 / 20
    assert a["ds_s"] == 0.05  # 2 / 40
    assert a["ds_p"] == 0.1  # 2 / 20
    assert a["apl"] == 2.0  # 12 / 6
    assert (a["holds"], a["t_spins"], a["tetrises"], a["longest_back_to_back"]) == (1, 1, 1, 2)
    assert (a["placement"], a["seconds_alive"], a["eliminated_by"]) == (1, 40.0, None)
    assert (a["kpp"], a["finesse_faults"], a["finesse_fault_placements"]) == (None, None, None)  # actions, not presses


def test_figures_round_half_away_from_zero():
    c = by_player(analyse_match(crafted_match()))["c"]
    assert c["app"] == 0.063  # 1 / 16 = 0.0625: half away from zero, not to even
    assert c["ds_p"] == 0.0625  # 1 / 16 to 4 places
    assert c["apl"] == 0.125  # 1 / 8
    assert c["vs"] == 10.0  # 100 * (1 + 1) / 20
    assert c["apm"] == 3.0  # 1 * 60 / 20


def test_a_spike_knock_out_names_its_senders_and_the_rows():
    analysis = analyse_match(crafted_match())
    c_out = analysis["knockouts"][0]
    # b's 3 rows at 5 s are more than 10 s before c's end at 20 s; b's 5 and a's 4 land within 1 s.
    assert c_out == {
        "player_id": "c",
        "tick": 1200,
        "placement": 3,
        "rows": 9,
        "spike_rows": 9,
        "kind": "spike",
        "by": [{"player_id": "b", "rows": 5}, {"player_id": "a", "rows": 4}],
    }
    assert by_player(analysis)["c"]["eliminated_by"] == "b"


def test_a_pressure_knock_out_is_rows_spread_over_the_last_ten_seconds():
    b_out = analyse_match(crafted_match())["knockouts"][1]
    # 2 + 3 + 3 rows at 31, 34 and 38 s: no 3 s holds more than 3.
    assert (b_out["player_id"], b_out["rows"], b_out["spike_rows"], b_out["kind"]) == ("b", 8, 3, "pressure")
    assert b_out["by"] == [{"player_id": "a", "rows": 8}]


def test_timelines_have_a_point_a_second_until_the_players_end():
    players = by_player(analyse_match(crafted_match()))
    a, c = players["a"]["timeline"], players["c"]["timeline"]
    assert len(a["attack"]) == 41  # seconds 0 … 40 of a 40 s match
    assert len(c["attack"]) == 21  # c is out at 20 s
    assert (a["attack"][17], a["attack"][18], a["attack"][31], a["attack"][-1]) == (0, 4, 6, 12)
    assert c["garbage_received"][4:6] == [0, 3] and c["garbage_received"][-1] == 12
    assert a["pieces"][0] == 0 and a["pieces"][1] == 20
    # The height after the last placement of each second, its clears removed, kept after: a's last lock
    # (3 rows) is followed by a tetris (floored at 0); b's by no clear.
    assert a["stack_height"][1] == 0 and a["stack_height"][-1] == 0
    b = players["b"]["timeline"]["stack_height"]
    assert b[1] == 0 and b[2] == 3 and b[-1] == 3


def test_players_come_in_placement_order_with_the_rules_version():
    analysis = analyse_match(crafted_match())
    assert analysis["rules_version"] == RULES_VERSION
    assert [entry["player_id"] for entry in analysis["players"]] == ["a", "b", "c"]


def test_a_player_who_topped_out_alone_has_no_killer():
    document = crafted_match()
    document["events"] = [e for e in document["events"] if e["type"] not in ("garbage_received",)]
    analysis = analyse_match(document)
    assert [ko["kind"] for ko in analysis["knockouts"]] == [None, None]
    assert by_player(analysis)["c"]["eliminated_by"] is None


def test_a_reused_rooms_ticks_count_from_its_game_start():
    shifted = crafted_match()
    for event in shifted["events"]:
        event["tick"] += 6000
    for moment in shifted["moments"]:
        moment["tick"] += 6000
    analysis, plain = analyse_match(shifted), analyse_match(crafted_match())
    assert analysis["start_tick"] == 6000
    assert [p["timeline"] for p in analysis["players"]] == [p["timeline"] for p in plain["players"]]
    assert [ko["tick"] - 6000 for ko in analysis["knockouts"]] == [ko["tick"] for ko in plain["knockouts"]]


def test_the_archive_hook_never_fails_the_archiving(caplog):
    from analysis.hooks import analyse_archived

    class Row:
        id = "m"

    analyse_archived(None, archived=[(Row(), {"events": [{"type": "piece_lock", "player_id": "p", "tick": "x"}]})])
    assert "matches not analysed" in caplog.text
