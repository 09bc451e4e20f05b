"""The tournament standings: a materialized view over matches and match_players (docs/api.md, stats).

Ranked in the view, so a read is one index range scan of (tournament_id, rank). average_placement is
history.figures' AVERAGE_PLACEMENT written out (the SQL form of the shared definition, frozen here as a
migration must be); tests hold the view to a plain-Python computation from the rows. The unique index
on (tournament_id, player_id) is what lets it refresh CONCURRENTLY, so reads never wait for a refresh.
"""

from django.db import migrations, models

VIEW = """
CREATE MATERIALIZED VIEW tournament_standings AS
SELECT t.tournament_id, t.player_id, t.user_id, t.matches, t.wins, t.points, t.average_placement, t.total_score,
       row_number() OVER (
           PARTITION BY t.tournament_id
           ORDER BY t.points DESC, t.wins DESC, t.average_placement, t.total_score DESC, t.player_id COLLATE "C"
       ) AS rank
FROM (
    SELECT m.tournament_id, p.player_id,
           (array_agg(p.user_id) FILTER (WHERE p.user_id IS NOT NULL))[1] AS user_id,
           count(*) AS matches,
           count(*) FILTER (WHERE p.placement = 1) AS wins,
           sum(m.player_count - p.placement) AS points,
           round(CAST(sum(p.placement) AS numeric(1000, 20)) * 1 / NULLIF(count(*), 0), 2) AS average_placement,
           sum(p.score) AS total_score
    FROM matches m JOIN match_players p ON p.match_id = m.id
    WHERE m.tournament_id IS NOT NULL
    GROUP BY m.tournament_id, p.player_id
) t
WITH DATA;
CREATE UNIQUE INDEX tournament_standings_player_idx ON tournament_standings (tournament_id, player_id);
CREATE INDEX tournament_standings_rank_idx ON tournament_standings (tournament_id, rank);
"""


class Migration(migrations.Migration):
    initial = True

    dependencies = [("history", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="StandingsRefresh",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("refreshed_at", models.DateTimeField()),
            ],
            options={"db_table": "tournament_standings_refresh"},
        ),
        migrations.RunSQL(VIEW, reverse_sql="DROP MATERIALIZED VIEW tournament_standings"),
    ]
