"""`manage.py validate_events` (docs/operations.md): a stored match or a file, each violation with its
stream sequence (or line) and first bad field, exit status 1 when any."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from contract.match_check import match_violations
from tests.streaming.factories import BASE_TIME, iso, match_events
from tests.support import publish_match


def good_match() -> list[dict]:
    return [event for event, _ in match_events("room-1", players=["p1", "p2"])]


def violations_of(events: list[dict]) -> list[tuple[int, str]]:
    return [(v.position, v.field) for v in match_violations(list(enumerate(events)))]


def test_a_clean_match_has_no_violations():
    assert violations_of(good_match()) == []


def test_each_kind_of_violation_is_reported_where_it_is():
    events = good_match()
    first_lock = next(n for n, e in enumerate(events) if e["type"] == "piece_lock")
    broken = copy.deepcopy(events)
    broken[first_lock]["data"]["cells"] = [[0, 0]]  # a bad field
    broken[first_lock + 1]["tick"] = 0  # the tick goes back
    broken.insert(1, {"tick": 0, "type": "piece_lock", **{k: events[first_lock][k] for k in ("player_id", "data")}})
    broken.append({"tick": 10_000, "type": "elimination", "player_id": "p1", "data": {"placement": 2}})
    found = violations_of(broken)
    assert (1, "type") in found  # a lock before the player's first piece_spawn
    assert (first_lock + 1, "data.cells") in found
    assert (first_lock + 2, "tick") in found
    assert (len(broken) - 1, "type") in found  # an event after game_end


def test_a_player_outside_game_start_and_a_missing_game_end_are_reported():
    events = good_match()[:-1]
    events.append({"tick": 99, "type": "piece_spawn", "player_id": "stranger", "data": {"piece": "T", "x": 3, "y": 20}})
    found = violations_of(events)
    assert (len(events) - 1, "player_id") in found
    assert found[-1] == (len(events) - 1, "type")


def test_validate_events_on_a_stored_clean_match_exits_0(stream):
    publish_match("room-1", match_events("room-1"))
    out, err = io.StringIO(), io.StringIO()
    call_command("validate_events", "room-1", "--started-at", iso(BASE_TIME), stdout=out, stderr=err)
    assert out.getvalue() == ""
    assert "no violations" in err.getvalue()


def test_validate_events_lists_each_violation_of_a_stored_match_with_its_sequence(stream):
    events = match_events("room-2")
    events[2][0]["data"]["action"] = "jump"
    events[3][0]["tick"] = 0
    seqs = publish_match("room-2", events)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("validate_events", "room-2", stdout=out, stderr=io.StringIO())
    assert exited.value.code == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"seq {seqs[2]}: data.action: must be one of")
    assert any(line.startswith(f"seq {seqs[3]}: tick:") for line in lines)


def test_validate_events_reads_a_file_or_standard_input(tmp_path, monkeypatch):
    events = good_match()
    events[1]["data"]["piece"] = "Q"
    path = tmp_path / "match.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in events) + "\nnot json\n")
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("validate_events", "--file", str(path), stdout=out, stderr=io.StringIO())
    assert "line 2: data.piece" in out.getvalue() and "payload: is not UTF-8 JSON" in out.getvalue()
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(json.dumps(e) for e in good_match())))
    err = io.StringIO()
    call_command("validate_events", "--file", "-", stdout=io.StringIO(), stderr=err)
    assert "no violations" in err.getvalue()


def test_validate_events_needs_a_room_or_a_file():
    with pytest.raises(CommandError, match="either ROOM_ID"):
        call_command("validate_events")


@pytest.mark.django_db
def test_the_event_schema_is_served_without_a_token():
    response = Client().get("/api/events/schema")
    assert response.status_code == 200
    body = response.json()
    assert body["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "moment" in body["$defs"] and "piece_lock_data" in body["$defs"]
    assert Client().get("/api/events/schema/").status_code == 200
