"""The standings view's bookkeeping (SPEC section 10). The view itself is SQL: stats/migrations."""

from django.db import models


class StandingsRefresh(models.Model):
    """When the tournament_standings view was last refreshed: one row, written by each refresh."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    refreshed_at = models.DateTimeField()

    class Meta:
        db_table = "tournament_standings_refresh"

    def __str__(self) -> str:
        return f"standings refreshed at {self.refreshed_at:%Y-%m-%d %H:%M:%S}"
