"""Seeded bot players for the engine: ``Bot(strength, seed).actions(player)`` once per tick."""

from game.bots.arena import bot_inputs, bot_match, play_bot_match
from game.bots.bot import STRENGTHS, Bot, Strength

__all__ = ["STRENGTHS", "Bot", "Strength", "bot_inputs", "bot_match", "play_bot_match"]
