"""Properties of the analysis over simulated matches (game.simulation): the figures agree with the
totals `game_end` reports, and the timelines end where the totals are."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.figures import analyse_match
from game.simulation import simulate_match_events


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), players=st.integers(2, 4))
def test_the_analysis_agrees_with_the_match_totals(seed, players):
    events = [event for event, _ in simulate_match_events("prop-room", index=0, seed=seed, players=players)]
    analysis = analyse_match({"events": events, "moments": []})
    totals = {entry["player_id"]: entry for entry in events[-1]["data"]["players"]}
    assert {entry["player_id"] for entry in analysis["players"]} == set(totals)
    for entry in analysis["players"]:
        total = totals[entry["player_id"]]
        timeline = entry["timeline"]
        assert entry["attack"] == total["garbage_sent"] == timeline["attack"][-1]
        assert entry["pieces"] == total["pieces_placed"] == timeline["pieces"][-1]
        assert entry["garbage_received"] == total["garbage_received"] == timeline["garbage_received"][-1]
        assert entry["lines"] == total["lines_cleared"]
        assert entry["placement"] == total["placement"]
        assert entry["garbage_cleared"] <= entry["lines"]
        assert all(a <= b for a, b in zip(timeline["attack"], timeline["attack"][1:], strict=False))
    eliminated = [entry for entry in analysis["players"] if entry["eliminated_at_tick"] is not None]
    assert len(analysis["knockouts"]) == len(eliminated) == players - 1
    for knockout in analysis["knockouts"]:
        assert knockout["rows"] == sum(sender["rows"] for sender in knockout["by"])
        assert knockout["kind"] == (
            None if knockout["rows"] == 0 else "spike" if knockout["spike_rows"] >= 8 else "pressure"
        )
