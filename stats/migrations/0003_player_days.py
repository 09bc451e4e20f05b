"""player_days: each registered player's multiplayer counts of a UTC day, kept by the same triggers as
player_totals (stats/migrations/0002), which this replaces with versions that keep both tables.

A leaderboard period is then its whole days from here plus the raw rows of the day it starts in.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

_0002 = importlib.import_module("stats.migrations.0002_player_totals")

# The multiplayer rows of a set of player rows, one row per (user, UTC day of ended_at).
_DAYS = """
SELECT user_id, (ended_at AT TIME ZONE 'UTC')::date, count(*), count(*) FILTER (WHERE placement = 1), sum(placement)
FROM {rows}
WHERE user_id IS NOT NULL AND mode = 'multiplayer' {condition}
GROUP BY 1, 2
ORDER BY 1, 2
"""
_DAY_COLUMNS = "(user_id, day, matches, wins, placement_sum)"

DAYS_ADD = f"""
    INSERT INTO player_days AS d {_DAY_COLUMNS}
    {_DAYS.format(rows="added", condition="")}
    ON CONFLICT (user_id, day) DO UPDATE SET
        matches = d.matches + excluded.matches,
        wins = d.wins + excluded.wins,
        placement_sum = d.placement_sum + excluded.placement_sum;
"""
DAYS_RECOUNT = f"""
    DELETE FROM player_days WHERE user_id = ANY (touched);
    INSERT INTO player_days {_DAY_COLUMNS}
    {_DAYS.format(rows="match_players", condition="AND user_id = ANY (touched)")};
"""

TRIGGERS = f"""
{_0002.functions(add=_0002.TOTALS_ADD + DAYS_ADD, recount=_0002.TOTALS_RECOUNT + DAYS_RECOUNT)}
INSERT INTO player_days {_DAY_COLUMNS}
{_DAYS.format(rows="match_players", condition="")};
"""


class Migration(migrations.Migration):

    dependencies = [
        ('stats', '0002_player_totals'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='PlayerDay',
            fields=[
                ('pk', models.CompositePrimaryKey('user', 'day', blank=True, editable=False, primary_key=True, serialize=False)),
                ('day', models.DateField()),
                ('matches', models.PositiveIntegerField()),
                ('wins', models.PositiveIntegerField()),
                ('placement_sum', models.BigIntegerField()),
                ('user', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'db_table': 'player_days',
                'indexes': [models.Index(fields=['day'], include=('user', 'matches', 'wins', 'placement_sum'), name='player_days_day_idx')],
            },
        ),
        migrations.RunSQL(TRIGGERS, reverse_sql=_0002.FUNCTIONS),
    ]
