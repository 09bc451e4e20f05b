"""`manage.py replay ROOM` without --started-at (docs/operations.md, commands): the room's latest finished match, stderr
says which; --in-progress takes the match being played."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.streaming.factories import match_events
from tests.support import publish_match


def replay(*args: str) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("replay", *args, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_without_started_at_the_latest_finished_match_is_printed_not_the_one_being_played(stream):
    finished = match_events("room-1", index=0)
    playing = match_events("room-1", index=1)[:-1]  # no game_end yet
    publish_match("room-1", finished)
    publish_match("room-1", playing)
    lines, err = replay("room-1")
    assert lines == [event for event, _ in finished]
    assert "latest finished match" in err and finished[0][0]["data"]["started_at"][:19] in err
    lines, err = replay("room-1", "--in-progress")
    assert lines == [event for event, _ in playing]
    assert "in progress" in err


def test_a_room_whose_last_match_ended_has_no_match_in_progress(stream):
    publish_match("room-2", match_events("room-2"))
    with pytest.raises(CommandError, match="not playing"):
        replay("room-2", "--in-progress")


def test_a_room_with_no_finished_match_says_so(stream):
    publish_match("room-3", match_events("room-3")[:-1])
    with pytest.raises(CommandError, match="no finished match"):
        replay("room-3")
