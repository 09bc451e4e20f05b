from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "stats"

    def ready(self) -> None:
        # The standings follow the projected matches through history's hooks, not a call from the projector.
        from history.signals import matches_projected, projector_closed
        from stats.projection_hooks import refresh_after_tournament_matches, run_pending_refresh

        matches_projected.connect(refresh_after_tournament_matches, dispatch_uid="stats.standings-refresh")
        projector_closed.connect(run_pending_refresh, dispatch_uid="stats.standings-refresh")
