"""Bots at people's speeds (the demo of `dev.py up`, issue 24): 1 to 3 pieces a second, a few faster."""

import random
from collections import Counter

import pytest

from game.bots import bot_inputs, bot_match, human_pieces_per_second, pace_of
from game.bots.pace import FAST_PPS, USUAL_PPS
from game.simulated_run import DEMO_CONFIG
from game.simulation import TICK_RATE, plan_match, simulate_match_events

SECONDS = 30


def pieces_a_second(strength: str, pps: float | None, seed: int = 3) -> float:
    match, bots = bot_match([strength], seed=seed)
    if pps is not None:
        bots["bot-0"].pace = pace_of(pps, tick_rate=TICK_RATE)
    events = match.start()
    for _ in range(int(SECONDS * TICK_RATE)):
        if match.over:
            break
        events += match.step(bot_inputs(match, bots))
    return sum(e["type"] == "piece_lock" for e in events) / SECONDS


@pytest.mark.parametrize("strength", ["easy", "hard"])
@pytest.mark.parametrize("pps", [1.0, 2.0, 3.0])
def test_a_paced_bot_places_pieces_at_its_pace(strength, pps):
    # Within a quarter of it: a plan of many taps (a hard bot's spins) can take longer than its time.
    assert pps * 0.75 <= pieces_a_second(strength, pps) <= pps * 1.05


def test_an_unpaced_bot_is_far_faster_than_a_person():
    assert pieces_a_second("easy", None) > 5


def test_peoples_speeds_spread_from_1_to_3_pieces_a_second_a_few_faster():
    rng = random.Random(1)
    speeds = [human_pieces_per_second(rng) for _ in range(2000)]
    assert USUAL_PPS[0] <= min(speeds) and max(speeds) <= FAST_PPS[1]
    faster = sum(speed > USUAL_PPS[1] for speed in speeds) / len(speeds)
    assert 0.05 < faster < 0.25


def test_a_plan_with_people_s_speeds_is_otherwise_the_same_plan():
    fast = plan_match("demo-room-1", index=3, seed=9)
    paced = plan_match("demo-room-1", index=3, seed=9, human_pace=True)
    assert fast.pieces_per_second is None and len(paced.pieces_per_second) == 4
    assert (paced.player_ids, paced.strengths, paced.seed, paced.bot_seeds) == (
        fast.player_ids,
        fast.strengths,
        fast.seed,
        fast.bot_seeds,
    )


def test_a_demo_match_lasts_minutes_and_publishes_a_few_dozen_events_a_second():
    events = simulate_match_events("demo-room-1", index=1, seed=7, config=DEMO_CONFIG, human_pace=True)
    seconds = events[-1][0]["tick"] / TICK_RATE
    assert seconds >= 60
    assert len(events) / seconds < 80  # bots at full speed publish about 470 a second in one room
    locks = Counter(event["player_id"] for event, _ in events if event["type"] == "piece_lock")
    assert max(locks.values()) / seconds < FAST_PPS[1]
