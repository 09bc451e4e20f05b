from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    """Every match's analysis (docs/api.md, match analysis), computed when the archive stores the match, or for a
    verified solo run (never in the stream) at the archiver's next sweep."""

    name = "analysis"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from analysis.hooks import analyse_archived, analyse_solo_runs, solo_run_recorded
        from archive.signals import archiver_sweep, matches_archived
        from solo.models import SoloRun

        matches_archived.connect(analyse_archived, dispatch_uid="analysis.analyse_archived")
        archiver_sweep.connect(analyse_solo_runs, dispatch_uid="analysis.analyse_solo_runs")
        post_save.connect(solo_run_recorded, sender=SoloRun, dispatch_uid="analysis.solo_run_recorded")
