import django.db.models.deletion
from django.db import migrations, models

# The verified runs recorded before: those without an analysis wait for the archiver's sweep too.
BACKLOG = """
INSERT INTO analysis_solo_unanalysed (match_id, recorded_at)
SELECT r.match_id, now() FROM solo_runs r
WHERE NOT EXISTS (SELECT 1 FROM match_analysis a WHERE a.match_id = r.match_id)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("analysis", "0001_initial"),
        ("solo", "0002_verified_solo_runs"),
    ]

    operations = [
        migrations.CreateModel(
            name="SoloRunUnanalysed",
            fields=[
                (
                    "match",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="history.match",
                    ),
                ),
                ("recorded_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"db_table": "analysis_solo_unanalysed"},
        ),
        migrations.RunSQL(BACKLOG, migrations.RunSQL.noop),
    ]
