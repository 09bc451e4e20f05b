"""The analysis follows the archive (connected in AnalysisConfig.ready): each match archived is analysed."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError

from analysis.services import matches_analysis_store

logger = logging.getLogger("analysis")


def analyse_archived(sender: Any, *, archived: list[tuple[Any, dict[str, Any]]], **kwargs: Any) -> None:
    """Analyse the matches just archived. Never raises: the archive's work is done and acknowledged either
    way, and `manage.py reanalyze` computes whatever was missed."""
    try:
        matches_analysis_store(archived)
    except DatabaseError as error:
        logger.error("matches not analysed (run manage.py reanalyze): %s", error, extra={"count": len(archived)})
    except Exception:  # a document the rules cannot read must not fail the archive's batch
        logger.exception("matches not analysed (run manage.py reanalyze)", extra={"count": len(archived)})
