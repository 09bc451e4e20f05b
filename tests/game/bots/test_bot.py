from game.bots import Bot, bot_inputs, bot_match
from game.bots.bot import STRENGTHS
from game.engine.config import MatchConfig
from tests.game.engine.support import of_type, solo

TSD_BOARD = ["XX.XXXXXXX", "X...XXXXXX", "XX........"]


def test_a_hard_bot_takes_the_t_spin_double_with_real_inputs():
    match, _ = solo(TSD_BOARD, "T", MatchConfig())
    bot = Bot("hard", seed=1)
    player = match.players["p"]
    events = []
    while not of_type(events, "piece_lock"):
        events += match.step({"p": bot.actions(player)})
    moves = [e["data"] for e in of_type(events, "input")]
    assert moves[-2]["action"] in ("rotate_cw", "rotate_ccw") and moves[-2]["ok"]
    assert moves[-1] == {"action": "hard_drop", "ok": True, "distance": 0}
    assert player.record == {"t_spin_double": 1}


def test_bots_never_send_more_than_their_speed_allows():
    match, bots = bot_match(["easy", "medium", "hard"], seed=5)
    match.start()
    for _ in range(400):
        inputs = bot_inputs(match, bots)
        for pid, actions in inputs.items():
            assert len(actions) <= bots[pid].strength.actions_per_tick
        match.step(inputs)


def test_blocked_inputs_are_rare_because_plans_are_checked_before_they_are_played():
    match, bots = bot_match(["hard", "hard"], seed=3)
    events = match.start()
    for _ in range(600):
        events += match.step(bot_inputs(match, bots))
    moves = [e["data"] for e in of_type(events, "input")]
    blocked = [m for m in moves if not m["ok"]]
    assert len(moves) > 200
    assert len(blocked) <= len(moves) // 50


def test_strengths_differ_in_speed_and_care():
    easy, hard = STRENGTHS["easy"], STRENGTHS["hard"]
    assert easy.actions_per_tick < hard.actions_per_tick
    assert easy.blunder > hard.blunder and not easy.use_hold and hard.spins
