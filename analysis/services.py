"""Storing matches' analyses (docs/api.md, match analysis): one row a match, replaced when recomputed."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from analysis.figures import RULES_VERSION, analyse_match
from analysis.models import SoloRunUnanalysed
from analysis.solo import solo_analysis_input
from contract import json_bytes
from history.selectors import match_get
from solo.verifier import VerifierUnavailable

logger = logging.getLogger("analysis")

# Verified solo runs analysed a transaction at a time: about 0.1 s (a sprint) to 0.4 s (a 10-minute
# marathon) each, so a chunk holds its rows locked for a few seconds at most.
SOLO_CHUNK = 10


def matches_analysis_store(documents: Iterable[tuple[Any, ...]]) -> int:
    """Analyse each (match, replay document) or (match, replay document, key presses by player: a verified
    solo run's) and write its row, in one statement; how many were written."""
    now = timezone.now()
    rows = [
        (match.id, RULES_VERSION, now, json_bytes.dumps(analyse_match(document, presses[0] if presses else None)))
        for match, document, *presses in documents
    ]
    if rows:
        # A row of values a match, the figures as JSON text: bulk_create sent them as arrays, and psycopg
        # quoted an array of JSON texts in Python (regular expressions), two thirds of the analysis' time
        # on the archiver's thread (py-spy, bench/archive.py).
        with connection.cursor() as cursor:
            cursor.execute(
                _UPSERT.format(rows=", ".join(["(%s, %s, %s, %s::jsonb)"] * len(rows))),
                [value for row in rows for value in (row[0], row[1], row[2], row[3].decode())],
            )
    return len(rows)


_UPSERT = """
INSERT INTO match_analysis (match_id, rules_version, computed_at, figures) VALUES {rows}
ON CONFLICT (match_id) DO UPDATE
SET rules_version = EXCLUDED.rules_version, computed_at = EXCLUDED.computed_at, figures = EXCLUDED.figures
"""


def solo_runs_analyse(*, chunk: int = SOLO_CHUNK, budget_seconds: float | None = None) -> int:
    """Analyse the verified solo runs recorded and not analysed yet (SoloRunUnanalysed), oldest first, until
    none is left or, with ``budget_seconds``, no new chunk once that long has passed (so that a backlog never
    holds up the archiver's stop); how many were analysed. Each chunk is one transaction: its rows locked
    (another archiver skips them), the analyses written and the rows deleted together. Raises
    VerifierUnavailable (the chunk rolled back, kept for later) when a run cannot be replayed just now."""
    analysed = 0
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    while deadline is None or time.monotonic() < deadline:
        with transaction.atomic():
            waiting = list(
                SoloRunUnanalysed.objects.select_for_update(skip_locked=True)
                .order_by("recorded_at", "match_id")
                .values_list("match_id", flat=True)[:chunk]
            )
            if not waiting:
                return analysed
            found = []
            for match_id in waiting:
                match = match_get(match_id=match_id)
                try:
                    run = solo_analysis_input(match) if match is not None else None
                except (VerifierUnavailable, DatabaseError):
                    raise
                except Exception:  # a run the rules cannot read must not hold up the others: reanalyze redoes it
                    ids = {"match_id": str(match_id)}
                    logger.exception("solo run not analysed (run manage.py reanalyze)", extra=ids)
                    continue
                if run is not None:
                    found.append((match, *run))
            analysed += matches_analysis_store(found)
            SoloRunUnanalysed.objects.filter(match_id__in=waiting).delete()
    return analysed
