from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    """Every match's analysis (docs/api.md, match analysis), computed when the archive stores the match."""

    name = "analysis"

    def ready(self) -> None:
        from analysis.hooks import analyse_archived
        from archive.signals import matches_archived

        matches_archived.connect(analyse_archived, dispatch_uid="analysis.analyse_archived")
