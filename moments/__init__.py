"""Key moments (docs/contract.md): the pure rules live in `detection`, the consumer around them in `consumer`."""

from moments.detection import MatchState, Moment, PlayerState, detect_moments

__all__ = ["MatchState", "Moment", "PlayerState", "detect_moments"]
