"""player_totals: each registered player's all-time counts of a mode, kept by triggers on match_players.

Statement-level triggers with transition tables: one insert statement of any size (a projector's
batch, a solo result, a bulk load) costs one grouped upsert, not a trigger call a row. An update or a
delete of player rows (a deleted user's rows set to null, a deleted match) recounts the players it
touched from match_players, since a best score cannot be un-maxed. The best score's tie rule is the
solo leaderboard's: the earliest ended_at, then the lower match id.

The two ranking indexes hold the leaderboards' orders for period "all" (docs/api.md, stats), so a board
is its first 100 index entries. The average placement in the multiplayer one is history.figures'
AVERAGE_PLACEMENT written out (frozen here, as a migration must be; the selectors use the same
expression, and the tests hold both to a plain-Python reference).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The rows of a set of player rows (a transition table, or match_players itself), one per (user, mode).
_GROUPED = """
SELECT DISTINCT ON (user_id, mode) user_id, mode,
       count(*) OVER w, count(*) FILTER (WHERE placement = 1) OVER w, sum(placement) OVER w,
       score, match_id, ended_at
FROM {rows}
WHERE user_id IS NOT NULL {condition}
WINDOW w AS (PARTITION BY user_id, mode)
ORDER BY user_id, mode, score DESC, ended_at, match_id
"""
_COLUMNS = "(user_id, mode, matches, wins, placement_sum, best_score, best_match_id, best_ended_at)"
_BETTER = (
    "(excluded.best_score > t.best_score OR (excluded.best_score = t.best_score"
    " AND (excluded.best_ended_at, excluded.best_match_id) < (t.best_ended_at, t.best_match_id)))"
)

# The statements of the two trigger functions' bodies (stats/migrations/0003 builds on them).
TOTALS_ADD = f"""
    INSERT INTO player_totals AS t {_COLUMNS}
    {_GROUPED.format(rows="added", condition="")}
    ON CONFLICT (user_id, mode) DO UPDATE SET
        matches = t.matches + excluded.matches,
        wins = t.wins + excluded.wins,
        placement_sum = t.placement_sum + excluded.placement_sum,
        best_score = CASE WHEN {_BETTER} THEN excluded.best_score ELSE t.best_score END,
        best_match_id = CASE WHEN {_BETTER} THEN excluded.best_match_id ELSE t.best_match_id END,
        best_ended_at = CASE WHEN {_BETTER} THEN excluded.best_ended_at ELSE t.best_ended_at END;
"""
TOTALS_RECOUNT = f"""
    DELETE FROM player_totals WHERE user_id = ANY (touched);
    INSERT INTO player_totals {_COLUMNS}
    {_GROUPED.format(rows="match_players", condition="AND user_id = ANY (touched)")};
"""



def functions(*, add: str, recount: str) -> str:
    """The two trigger functions with these bodies: ``add`` reads the inserted rows (``added``);
    ``recount`` the user ids ``touched`` by an update or a delete (``removed``, and ``added`` for an
    update), and runs only when there are any."""
    return f"""
CREATE OR REPLACE FUNCTION player_totals_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {add}
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION player_totals_recount() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched uuid[] := ARRAY(SELECT DISTINCT user_id FROM removed WHERE user_id IS NOT NULL);
BEGIN
    IF TG_OP = 'UPDATE' THEN
        touched := touched || ARRAY(SELECT DISTINCT user_id FROM added WHERE user_id IS NOT NULL);
    END IF;
    IF cardinality(touched) = 0 THEN
        RETURN NULL;
    END IF;
    {recount}
    RETURN NULL;
END $$;
"""


FUNCTIONS = functions(add=TOTALS_ADD, recount=TOTALS_RECOUNT)

TRIGGERS = f"""
{FUNCTIONS}
CREATE TRIGGER player_totals_on_insert AFTER INSERT ON match_players
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION player_totals_add();
CREATE TRIGGER player_totals_on_update AFTER UPDATE ON match_players
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION player_totals_recount();
CREATE TRIGGER player_totals_on_delete AFTER DELETE ON match_players
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION player_totals_recount();

INSERT INTO player_totals {_COLUMNS}
{_GROUPED.format(rows="match_players", condition="")};

CREATE INDEX player_totals_multiplayer_rank_idx ON player_totals (
    wins DESC, round(CAST(placement_sum AS numeric(1000, 20)) * 1 / NULLIF(matches, 0), 2), matches DESC, user_id
) WHERE mode = 'multiplayer';
CREATE INDEX player_totals_solo_rank_idx ON player_totals (best_score DESC, best_ended_at, user_id)
    WHERE mode = 'solo';
"""

REVERSE = """
DROP TRIGGER player_totals_on_insert ON match_players;
DROP TRIGGER player_totals_on_update ON match_players;
DROP TRIGGER player_totals_on_delete ON match_players;
DROP FUNCTION player_totals_add();
DROP FUNCTION player_totals_recount();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("history", "0003_match_players_ended_at"),
        ("stats", "0001_tournament_standings"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PlayerTotals",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "user", "mode", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("mode", models.TextField()),
                ("matches", models.PositiveIntegerField()),
                ("wins", models.PositiveIntegerField()),
                ("placement_sum", models.BigIntegerField()),
                ("best_score", models.PositiveIntegerField()),
                ("best_ended_at", models.DateTimeField()),
                (
                    "best_match",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="history.match"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"db_table": "player_totals"},
        ),
        migrations.RunSQL(TRIGGERS, reverse_sql=REVERSE),
    ]
