"""Storing matches' analyses (docs/api.md, match analysis): one row a match, replaced when recomputed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from analysis.figures import RULES_VERSION, analyse_match
from analysis.models import MatchAnalysis


def matches_analysis_store(documents: Iterable[tuple[Any, dict[str, Any]]]) -> int:
    """Analyse each (match, replay document) and write its row, in one statement; how many were written."""
    now = timezone.now()
    rows = [
        MatchAnalysis(match_id=match.id, rules_version=RULES_VERSION, computed_at=now, figures=analyse_match(document))
        for match, document in documents
    ]
    if rows:
        MatchAnalysis.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["match"],
            update_fields=["rules_version", "computed_at", "figures"],
        )
    return len(rows)
