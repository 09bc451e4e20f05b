"""The event schema (pure): room ids, subjects, Msg-Ids and the validator that names the first bad field."""

import json
from datetime import UTC, datetime

import pytest

from contract.events import (
    InvalidEvent,
    InvalidRoomId,
    check_room_id,
    event_msg_id,
    event_msg_id_position,
    event_msg_id_started_at,
    events_subject,
    game_end_from_event,
    moment_msg_id,
    moments_subject,
    parse_event,
    room_id_from_subject,
    validate_event,
)
from tests.streaming.factories import match_events


@pytest.mark.parametrize("room_id", ["a", "Room_1", "x-y-z", "A" * 64, "0"])
def test_one_token_room_ids_are_accepted(room_id):
    assert check_room_id(room_id) == room_id
    assert events_subject(room_id) == f"game.{room_id}.events"
    assert moments_subject(room_id) == f"game.{room_id}.moments"


@pytest.mark.parametrize("room_id", ["", "a.b", "*", ">", "a b", " a", "a\n", "x" * 65, "é", None, 7])
def test_room_ids_that_could_address_another_subject_are_refused(room_id):
    with pytest.raises(InvalidRoomId, match="one subject token"):
        check_room_id(room_id)
    with pytest.raises(InvalidRoomId):
        events_subject(room_id)


def test_msg_ids_follow_the_spec():
    assert event_msg_id("r1", "2026-01-01T00:00:00Z", 0) == "r1:2026-01-01T00:00:00Z:0"
    assert moment_msg_id("r1", "tetris", "p1", 42) == "r1:tetris:p1:42"


def test_room_of_a_subject():
    assert room_id_from_subject("game.r-1.events") == "r-1"
    for bad in ("game.r.other", "game.a.b.events", "games.r.events", "game..events"):
        with pytest.raises((InvalidEvent, InvalidRoomId)):
            room_id_from_subject(bad)


def test_every_event_of_a_well_formed_match_validates():
    for event, _ in match_events("r1", players=["p1", "p2", "p3"]):
        assert validate_event(event).type == event["type"]


def good(event_type: str) -> dict:
    return json.loads(json.dumps(next(e for e, _ in match_events("r1") if e["type"] == event_type)))


@pytest.mark.parametrize(
    ("event", "field"),
    [
        ([], "event"),
        ({**good("piece_spawn"), "tick": -1}, "tick"),
        ({**good("piece_spawn"), "tick": True}, "tick"),
        ({**good("piece_spawn"), "tick": 1.5}, "tick"),
        ({**good("piece_spawn"), "type": ""}, "type"),
        ({**good("piece_spawn"), "player_id": 5}, "player_id"),
        ({**good("piece_spawn"), "player_id": None}, "player_id"),
        ({**good("game_start"), "player_id": "p1"}, "player_id"),
        ({**good("piece_spawn"), "data": []}, "data"),
        ({**good("piece_spawn"), "data": {"piece": "X", "x": 4, "y": 20}}, "data.piece"),
        ({**good("input"), "data": {"action": "jump"}}, "data.action"),
        ({**good("input"), "data": {"action": "rotate_cw", "kick": 5}}, "data.kick"),
        ({**good("input"), "data": {"action": "hard_drop", "ok": "yes"}}, "data.ok"),
        ({**good("piece_lock"), "data": {**good("piece_lock")["data"], "cells": [[0, 0]]}}, "data.cells"),
        ({**good("piece_lock"), "data": {**good("piece_lock")["data"], "board": ["....."]}}, "data.board[0]"),
        ({**good("piece_lock"), "data": {**good("piece_lock")["data"], "rotation": "X"}}, "data.rotation"),
        ({"tick": 1, "type": "line_clear", "player_id": "p", "data": {"rows": [0], "count": 2}}, "data.rows"),
        ({"tick": 1, "type": "line_clear", "player_id": "p", "data": {"rows": [0], "count": 5}}, "data.count"),
        (
            {"tick": 1, "type": "line_clear", "player_id": "p", "data": {"rows": [0], "count": 1, "garbage_rows": 2}},
            "data.garbage_rows",
        ),
        ({"tick": 1, "type": "garbage_sent", "player_id": "p", "data": {"to": "q", "rows": 0}}, "data.rows"),
        ({"tick": 1, "type": "garbage_received", "player_id": "p", "data": {"rows": 1}}, "data.from"),
        ({"tick": 1, "type": "elimination", "player_id": "p", "data": {"placement": 0}}, "data.placement"),
        ({**good("game_start"), "data": {**good("game_start")["data"], "started_at": "2026-01-01"}}, "data.started_at"),
        ({**good("game_start"), "data": {**good("game_start")["data"], "players": []}}, "data.players"),
        ({**good("game_end"), "data": {**good("game_end")["data"], "mode": "coop"}}, "data.mode"),
    ],
)
def test_the_validator_names_the_first_bad_field(event, field):
    with pytest.raises(InvalidEvent) as raised:
        validate_event(event)
    assert raised.value.field == field


def test_game_end_players_beyond_a_32_bit_integer_are_refused():
    event = good("game_end")
    event["data"]["players"][1]["duration_ms"] = 2**31
    with pytest.raises(InvalidEvent, match=r"data.players\[1\].duration_ms"):
        validate_event(event)


def test_unknown_event_types_pass_untouched():
    event = {"tick": 3, "type": "power_up", "player_id": "p1", "data": {"anything": [1, 2]}}
    assert validate_event(event).data == {"anything": [1, 2]}


@pytest.mark.parametrize("payload", [b"\xff\xfe", b"not json", b"{", b"[1]"])
def test_payloads_that_are_not_json_objects_are_invalid(payload):
    with pytest.raises(InvalidEvent):
        parse_event(payload)


def test_game_end_becomes_a_typed_value():
    end = game_end_from_event("r1", validate_event(good("game_end")))
    assert end.room_id == "r1" and end.mode == "multiplayer"
    assert [p.placement for p in end.players] == [1, 2]
    assert end.ended_at >= end.started_at


def test_the_start_of_a_match_is_read_from_its_events_msg_ids_and_nothing_else():
    started = "2026-11-01T12:00:00.250Z"
    msg_id = event_msg_id("room-1", started, 17)
    assert event_msg_id_started_at(msg_id) == datetime(2026, 11, 1, 12, 0, 0, 250000, tzinfo=UTC)
    assert event_msg_id_started_at(msg_id, room_id="room-1") is not None
    assert event_msg_id_started_at(msg_id, room_id="room-2") is None  # another room's
    for not_an_event_id in (
        None,
        "",
        moment_msg_id("room-1", "tetris", "p1", 17),
        "room-1:2026-11-01T12:00:00Z",  # no index
        "room-1:yesterday:3",
        "room-1:2026-11-01T12:00:00Z:x",
    ):
        assert event_msg_id_started_at(not_an_event_id) is None, not_an_event_id


def test_an_event_msg_ids_position_is_its_match_and_event_number():
    assert event_msg_id_position("room-1:2026-11-01T12:00:00Z:299") == ("room-1:2026-11-01T12:00:00Z", 299)
    assert event_msg_id_position(None) is None
    assert event_msg_id_position("299") is None  # no match to it
    assert event_msg_id_position("room-1:tetris:p:12x") is None  # a moment's, not an event's
