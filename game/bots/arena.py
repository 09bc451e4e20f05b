"""Bot-only matches: for the simulate command, benchmarks and tests."""

from __future__ import annotations

import random
from collections.abc import Sequence

from game.bots.bot import Bot
from game.engine.config import MatchConfig
from game.engine.events import EventDict
from game.engine.match import Match


def bot_match(
    strengths: Sequence[str], seed: int, config: MatchConfig | None = None, player_ids: Sequence[str] | None = None
) -> tuple[Match, dict[str, Bot]]:
    """A match with one seeded bot per entry of ``strengths`` (ids ``bot-0``, ``bot-1`` ... unless
    given). Bots' seeds derive from ``seed`` so the whole match replays from it."""
    ids = list(player_ids) if player_ids is not None else [f"bot-{i}" for i in range(len(strengths))]
    if len(ids) != len(strengths):
        raise ValueError(f"{len(strengths)} strengths for {len(ids)} player ids")
    seeds = random.Random(seed ^ 0x5EED)
    bots = {pid: Bot(strength, seed=seeds.getrandbits(64)) for pid, strength in zip(ids, strengths, strict=True)}
    return Match(ids, seed=seed, config=config), bots


def bot_inputs(match: Match, bots: dict[str, Bot]) -> dict[str, list[str]]:
    """What every alive bot does this tick."""
    return {pid: bots[pid].actions(match.players[pid]) for pid in match.alive}


def play_bot_match(
    strengths: Sequence[str], seed: int, config: MatchConfig | None = None, max_ticks: int = 50_000
) -> tuple[Match, list[tuple[int, EventDict]]]:
    """Play a bot match to its end (or ``max_ticks``); returns the match and (tick, event) pairs."""
    match, bots = bot_match(strengths, seed, config)
    events = [(0, e) for e in match.start()]
    while not match.over and match.tick < max_ticks:
        tick = match.tick
        events.extend((tick, e) for e in match.step(bot_inputs(match, bots)))
    return match, events
