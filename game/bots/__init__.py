"""Seeded bot players for the engine: ``Bot(strength, seed).actions(player)`` once per tick."""

from game.bots.arena import bot_inputs, bot_match, play_bot_match
from game.bots.bot import STRENGTHS, Bot, Strength
from game.bots.pace import Pace, human_pieces_per_second, pace_of

__all__ = [
    "STRENGTHS",
    "Bot",
    "Pace",
    "Strength",
    "bot_inputs",
    "bot_match",
    "human_pieces_per_second",
    "pace_of",
    "play_bot_match",
]
