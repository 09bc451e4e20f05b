"""Stored read models of the stats (docs/api.md): the standings view's bookkeeping and the players' all-time totals."""

from django.db import models


class StandingsRefresh(models.Model):
    """When the tournament_standings view was last refreshed: one row, written by each refresh."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    refreshed_at = models.DateTimeField()

    class Meta:
        db_table = "tournament_standings_refresh"

    def __str__(self) -> str:
        return f"standings refreshed at {self.refreshed_at:%Y-%m-%d %H:%M:%S}"


class PlayerTotals(models.Model):
    """A registered player's all-time counts in one mode, kept by triggers on match_players.

    Triggers (stats/migrations/0002) update it in the transaction that writes or changes player rows,
    whoever writes them (the projector, the solo service, a bulk load): what it holds is always what
    match_players gives, and a row written once is counted once (the projector writes a match's
    players only when its match is new, so a reprojection adds nothing). The all-time leaderboards
    read it; every other figure is summed from match_players by an index-only scan.
    """

    pk = models.CompositePrimaryKey("user", "mode")
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the primary key (user, mode) is its index
    mode = models.TextField()
    matches = models.PositiveIntegerField()
    wins = models.PositiveIntegerField()
    placement_sum = models.BigIntegerField()
    # The best score, and its earliest match when reached twice (then the lower match id).
    best_score = models.PositiveIntegerField()
    best_match = models.ForeignKey("history.Match", on_delete=models.DO_NOTHING, related_name="+")
    best_ended_at = models.DateTimeField()

    class Meta:
        db_table = "player_totals"

    def __str__(self) -> str:
        return f"{self.user_id} {self.mode}: {self.matches} matches"


class PlayerDay(models.Model):
    """A registered player's multiplayer counts of one UTC day (by ended_at), kept like PlayerTotals.

    A leaderboard period is its whole days plus the raw rows of the day it starts in: the month's
    board groups one row a player a day, not one a match (bench/stats.py measures both).
    """

    pk = models.CompositePrimaryKey("user", "day")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    matches = models.PositiveIntegerField()
    wins = models.PositiveIntegerField()
    placement_sum = models.BigIntegerField()

    class Meta:
        db_table = "player_days"
        indexes = [
            models.Index(
                fields=["day"], include=["user", "matches", "wins", "placement_sum"], name="player_days_day_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.matches} matches"
