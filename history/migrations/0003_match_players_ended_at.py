"""match_players.ended_at, denormalised from the match (as started_at and mode are), and the indexes
that make a player's stats and the leaderboards index-only scans (docs/api.md, stats; bench/stats.py)."""

from django.db import migrations, models
from django.db.models import Q

# history.models.STATS_COLUMNS when this was written (frozen, as a migration must be).
STATS_COLUMNS = [
    "ended_at", "placement", "score", "lines_cleared", "garbage_sent", "garbage_received", "pieces_placed",
    "duration_ms", "level",
]  # fmt: skip
BACKFILL = "UPDATE match_players p SET ended_at = m.ended_at FROM matches m WHERE m.id = p.match_id"


class Migration(migrations.Migration):
    dependencies = [("history", "0002_matches_verbose_name")]

    operations = [
        migrations.AddField(model_name="matchplayer", name="ended_at", field=models.DateTimeField(null=True)),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(model_name="matchplayer", name="ended_at", field=models.DateTimeField()),
        migrations.RemoveIndex(model_name="matchplayer", name="match_players_user_mode_idx"),
        migrations.AddIndex(
            model_name="matchplayer",
            index=models.Index(
                fields=["user", "mode", "-started_at", "-match"],
                include=STATS_COLUMNS,
                name="match_players_user_mode_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="matchplayer",
            index=models.Index(
                fields=["mode", "ended_at"],
                include=["user", "placement", "score", "match"],
                condition=Q(user__isnull=False),
                name="match_players_ended_idx",
            ),
        ),
    ]
