"""rebuild_read_models (docs/operations.md): the read models recreated in an empty database, archive then stream."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from archive.archiver import MatchArchiver
from history.models import Match, MatchPlayer
from stats.models import PlayerDay, PlayerTotals
from streaming.streams import ensure_stream
from tests.archive.support import project, publish_match_with_moment
from tests.archive.test_reads_past_the_stream import expire_the_stream
from tests.support import BackgroundConsumer, run_async, wait_until, with_jetstream

pytestmark = pytest.mark.django_db(transaction=True)

VOLATILE = {"inserted_at", "archived_at"}  # when a row was written, not what it says


def snapshot() -> dict[str, dict]:
    """Every row of the read models, keyed by what identifies it, but for the times of writing and the
    players' own row ids (random, and in no document)."""
    matches = {
        (r["room_id"], r["started_at"]): {k: v for k, v in r.items() if k not in VOLATILE}
        for r in Match.objects.values()
    }
    players = {}
    for row in MatchPlayer.objects.values():
        match = Match.objects.get(pk=row["match_id"])
        players[(match.room_id, match.started_at, row["player_id"])] = {
            k: v for k, v in row.items() if k not in VOLATILE | {"id"}
        }
    totals = {(r["user_id"], r["mode"]): r for r in PlayerTotals.objects.values()}
    days = {(r["user_id"], r["day"]): r for r in PlayerDay.objects.values()}
    return {"matches": matches, "match_players": players, "player_totals": totals, "player_days": days}


def test_rebuild_recreates_every_row_from_the_archive_then_the_stream(stream, archive_store, django_user_model):
    user = django_user_model.objects.create_user(username="rebuilt", password="a-long-password-1")
    players = [str(user.id), "guest"]
    # Archived matches whose events then expire from the stream, and matches only the stream holds.
    for n in range(8):
        project(f"room-{n % 3}", publish_match_with_moment(f"room-{n % 3}", n, players=players))
    with BackgroundConsumer(MatchArchiver(store=archive_store, settle_seconds=0)):
        wait_until(lambda: Match.objects.filter(archived_at__isnull=False).count() == 8, timeout=30)
    expire_the_stream()
    run_async(with_jetstream(ensure_stream))  # back to the SPEC's retention
    for n in range(8, 12):
        project(f"room-{n % 3}", publish_match_with_moment(f"room-{n % 3}", n, players=players))
    before = snapshot()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE matches, match_players, player_totals, player_days CASCADE")

    out = io.StringIO()
    call_command("rebuild_read_models", stdout=out, stderr=io.StringIO())

    assert "from the archive: 8 matches" in out.getvalue()
    after = snapshot()
    # Ids included: the archived ones from their documents, the stream's derived from (room_id, started_at).
    assert after["matches"] == before["matches"]
    assert after["match_players"] == before["match_players"]
    assert after["player_totals"] == before["player_totals"] and before["player_totals"]
    assert after["player_days"] == before["player_days"] and before["player_days"]


def test_rebuild_refuses_a_database_that_has_matches(stream, archive_store):
    project("room-x", publish_match_with_moment("room-x", 0))
    with pytest.raises(CommandError, match="not empty"):
        call_command("rebuild_read_models", stdout=io.StringIO(), stderr=io.StringIO())
