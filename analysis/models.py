from django.db import models

from history.models import Match


class MatchAnalysis(models.Model):
    """One match's analysis (analysis/figures.py), as the rules of ``rules_version`` compute it."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, primary_key=True, related_name="analysis")
    rules_version = models.IntegerField()
    computed_at = models.DateTimeField()
    # {"rules_version", "tick_rate", "players": [... figures, "timeline"], "knockouts": [...]}
    figures = models.JSONField()

    class Meta:
        db_table = "match_analysis"

    def __str__(self) -> str:
        return f"analysis of match {self.match_id} (rules {self.rules_version})"


class SoloRunUnanalysed(models.Model):
    """A verified solo run recorded and not analysed yet: written with its run in the run's transaction,
    deleted with its analysis, so a crash anywhere leaves it here for the archiver's next sweep
    (analysis.services.solo_runs_analyse). Solo runs never pass through the stream the archiver reads."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, primary_key=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "analysis_solo_unanalysed"

    def __str__(self) -> str:
        return f"solo run of match {self.match_id}, not analysed yet"
