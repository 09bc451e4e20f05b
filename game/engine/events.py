"""Event dicts as SPEC section 3 shapes them, without ``tick`` (the room adds it)."""

from __future__ import annotations

from typing import Any

EventDict = dict[str, Any]

ACTIONS = frozenset(
    {"move_left", "move_right", "rotate_cw", "rotate_ccw", "rotate_180", "soft_drop", "hard_drop", "hold"}
)


def event(type_: str, player_id: str | None, data: dict[str, Any]) -> EventDict:
    """One event in the published envelope, minus ``tick``."""
    return {"type": type_, "player_id": player_id, "data": data}
