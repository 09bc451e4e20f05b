"""Pure, deterministic Tetris rules: no Django, no I/O, no wall clock, no global randomness.

``Match(player_ids, seed, MatchConfig(...))`` is the entry point; ``start()`` spawns the first
pieces and ``step({player_id: [action, ...]})`` advances one tick. Both return docs/contract.md's event
dicts without ``tick`` (the room adds it). When ``over``, ``stats()`` holds each player's line of
``game_end`` (with ``duration_ticks``) and ``records()`` the engine's own count of tetrises,
T-spins, back-to-backs and perfect clears.

Coordinates: x = column 0-9 from the left, y = row from the bottom. A ``piece_spawn`` reports the
piece origin, which is (4, 20) for every piece (see ``pieces`` for what the origin is per piece).
"""

from game.engine.config import MatchConfig
from game.engine.events import ACTIONS, EventDict
from game.engine.match import Match, PlayerStats
from game.engine.player import ActivePiece, Player

__all__ = ["ACTIONS", "ActivePiece", "EventDict", "Match", "MatchConfig", "Player", "PlayerStats"]
