"""Storing matches' analyses (docs/api.md, match analysis): one row a match, replaced when recomputed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from analysis.figures import RULES_VERSION, analyse_match
from analysis.models import MatchAnalysis
from analysis.solo import solo_analysis_input
from history.selectors import MatchRow


def matches_analysis_store(documents: Iterable[tuple[Any, ...]]) -> int:
    """Analyse each (match, replay document) or (match, replay document, key presses by player: a verified
    solo run's) and write its row, in one statement; how many were written."""
    now = timezone.now()
    rows = [
        MatchAnalysis(
            match_id=match.id,
            rules_version=RULES_VERSION,
            computed_at=now,
            figures=analyse_match(document, presses[0] if presses else None),
        )
        for match, document, *presses in documents
    ]
    if rows:
        MatchAnalysis.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["match"],
            update_fields=["rules_version", "computed_at", "figures"],
        )
    return len(rows)


def solo_match_analyse(match: MatchRow) -> MatchAnalysis | None:
    """Analyse a verified solo match from its run and keep the row; None for a match without a run.
    Raises VerifierUnavailable when the run cannot be replayed just now."""
    found = solo_analysis_input(match)
    if found is None:
        return None
    matches_analysis_store([(match, *found)])
    return MatchAnalysis.objects.get(match_id=match.id)
