"""A verified solo match's analysis (docs/api.md, match analysis): the events the server's replay of its
run gives (archive.solo_replay), and the run's own key presses, so it has KPP and finesse as well."""

from __future__ import annotations

from typing import Any

from archive.solo_replay import solo_replay
from history.selectors import MatchRow
from solo.inputs import inputs_decode
from solo.models import SoloRun


def solo_analysis_input(match: MatchRow) -> tuple[dict[str, Any], dict[str, list[list]]] | None:
    """The replay document of a verified solo match and its player's key presses; None for a match with no
    stored run (unverified: recorded without it). Raises VerifierUnavailable when the run cannot be
    replayed just now."""
    run = SoloRun.objects.filter(match_id=match.id).first() if match.verified else None
    if run is None:
        return None
    (player,) = match.players
    return solo_replay(match, run), {player["player_id"]: inputs_decode(bytes(run.inputs))}
