"""The analysis follows the archive (connected in AnalysisConfig.ready): each match archived is analysed,
and each verified solo run at the archiver's next sweep."""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError

from analysis.models import SoloRunUnanalysed
from analysis.services import matches_analysis_store, solo_runs_analyse
from solo.verifier import VerifierUnavailable

logger = logging.getLogger("analysis")

# A sweep starts no chunk of solo runs past this: a backlog (the runs queued by the migration) is worked
# off sweep by sweep, and the archiver stops within about this long plus one chunk.
SWEEP_BUDGET_SECONDS = 5.0


def analyse_archived(sender: Any, *, archived: list[tuple[Any, dict[str, Any]]], **kwargs: Any) -> None:
    """Analyse the matches just archived. Never raises: the archive's work is done and acknowledged either
    way, and `manage.py reanalyze` computes whatever was missed."""
    try:
        matches_analysis_store(archived)
    except DatabaseError as error:
        logger.error("matches not analysed (run manage.py reanalyze): %s", error, extra={"count": len(archived)})
    except Exception:  # a document the rules cannot read must not fail the archive's batch
        logger.exception("matches not analysed (run manage.py reanalyze)", extra={"count": len(archived)})


def solo_run_recorded(sender: Any, *, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A verified solo run was stored (solo.models.SoloRun's post_save): it waits for the archiver's sweep,
    written in the run's own transaction so that no crash loses it."""
    if created and not raw:
        SoloRunUnanalysed.objects.create(match_id=instance.match_id)


def analyse_solo_runs(sender: Any, **kwargs: Any) -> None:
    """At the archiver's sweep: analyse the verified solo runs waiting. Never raises: what is left waits for
    the next sweep."""
    try:
        analysed = solo_runs_analyse(budget_seconds=SWEEP_BUDGET_SECONDS)
    except VerifierUnavailable as error:
        logger.warning("solo runs not analysed yet, the verifier cannot run: %s", error)
    except DatabaseError as error:
        logger.warning("solo runs not analysed yet: %s", error)
    else:
        if analysed:
            logger.info("solo runs analysed", extra={"count": analysed})
