"""Event dicts as docs/contract.md shapes them, without ``tick`` (the room adds it)."""

from __future__ import annotations

from typing import Any

from contract.vocabulary import INPUT_ACTIONS

EventDict = dict[str, Any]

ACTIONS = frozenset(INPUT_ACTIONS)  # as a set: the engine checks every input against it


def event(type_: str, player_id: str | None, data: dict[str, Any]) -> EventDict:
    """One event in the published envelope, minus ``tick``."""
    return {"type": type_, "player_id": player_id, "data": data}
