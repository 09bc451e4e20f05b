"""Headless Tetris: the pure engine (``game.engine``) and seeded bot players (``game.bots``)."""
