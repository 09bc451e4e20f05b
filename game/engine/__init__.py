"""Pure, deterministic Tetris rules: no Django, no I/O, no wall clock, no global randomness.

``Match`` is the entry point: ``Match(player_ids, seed, MatchConfig(...))``, then ``start()`` and
``step({player_id: [action, ...]})`` once per tick, each returning SPEC section 3 event dicts
without ``tick``.
"""

from game.engine.config import MatchConfig
from game.engine.events import ACTIONS, EventDict
from game.engine.match import Match, PlayerStats
from game.engine.player import ActivePiece, Player

__all__ = ["ACTIONS", "ActivePiece", "EventDict", "Match", "MatchConfig", "Player", "PlayerStats"]
