"""The JSON Schema of events and moments (docs/contract.md): it accepts what our game publishes and the
detector finds, refuses each broken field of docs/contract.md, and gives the validator's verdicts."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contract.events import InvalidEvent, validate_envelope, validate_event, validate_moment
from contract.schema import events_json_schema
from game.engine import MatchConfig
from game.simulation import simulate_match_events
from moments.detection import detect_moments

SHORT = MatchConfig(margin_ticks=0, margin_rate=0.05, max_ticks=3_000)
SCHEMA = events_json_schema()
EVENT = jsonschema.Draft202012Validator(SCHEMA)
MOMENT = jsonschema.Draft202012Validator({**SCHEMA, "$ref": "#/$defs/moment"})


def simulated_matches(count: int = 6) -> list[list[dict]]:
    return [
        [event for event, _ in simulate_match_events(f"room-{n}", index=n, seed=3, players=2 + n % 3, config=SHORT)]
        for n in range(count)
    ]


MATCHES = simulated_matches(3)


def sample(event_type: str) -> dict:
    """A copy of the first simulated event of this type."""
    return copy.deepcopy(next(e for match in MATCHES for e in match if e["type"] == event_type))


def schema_accepts(event: object, validator=EVENT) -> bool:
    return validator.is_valid(event)


def validator_accepts(event: object) -> bool:
    try:
        validate_event(event)
    except InvalidEvent:
        return False
    return True


def test_the_schema_is_a_valid_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_schema_accepts_every_event_simulate_publishes():
    events = [event for match in MATCHES for event in match]
    assert {event["type"] for event in events} >= {"game_start", "piece_spawn", "input", "piece_lock", "game_end"}
    for event in events:
        assert not list(EVENT.iter_errors(event)), event


def test_the_schema_accepts_every_moment_the_detector_finds():
    moments = []
    for match in MATCHES:
        state = None
        for seq, event in enumerate(match, start=1):
            state, found = detect_moments(state, validate_envelope(event))
            for moment in found:
                body = moment.to_dict()
                body["data"].update(event_seq=seq, started_at=match[0]["data"]["started_at"])
                moments.append(body)
    assert moments
    for moment in moments:
        assert not list(MOMENT.iter_errors(moment)), moment
        validate_moment(moment)


def with_data(event_type: str, **changes) -> dict:
    event = sample(event_type)
    for key, value in changes.items():
        if value is MISSING:
            del event["data"][key]
        else:
            event["data"][key] = value
    return event


MISSING = object()

# Hand-written from docs/contract.md: each breaks one field of an otherwise good event.
BROKEN = {
    "tick negative": lambda: {**sample("piece_spawn"), "tick": -1},
    "tick a string": lambda: {**sample("piece_spawn"), "tick": "12"},
    "tick a boolean": lambda: {**sample("piece_spawn"), "tick": True},
    "tick missing": lambda: {k: v for k, v in sample("piece_spawn").items() if k != "tick"},
    "type empty": lambda: {**sample("piece_spawn"), "type": ""},
    "player_id a number": lambda: {**sample("piece_lock"), "player_id": 7},
    "player_id empty": lambda: {**sample("piece_lock"), "player_id": ""},
    "player_id null on a player's event": lambda: {**sample("piece_lock"), "player_id": None},
    "player_id on game_start": lambda: {**sample("game_start"), "player_id": "p1"},
    "player_id on game_end": lambda: {**sample("game_end"), "player_id": "p1"},
    "data a list": lambda: {**sample("input"), "data": []},
    "game_start started_at without zone": lambda: with_data("game_start", started_at="2026-01-01T10:00:00"),
    "game_start started_at a date": lambda: with_data("game_start", started_at="2026-01-01"),
    "game_start mode unknown": lambda: with_data("game_start", mode="coop"),
    "game_start players empty": lambda: with_data("game_start", players=[]),
    "game_start player without id": lambda: with_data("game_start", players=[{}]),
    "game_start config a list": lambda: with_data("game_start", config=[]),
    "game_start tournament_id empty": lambda: with_data("game_start", tournament_id=""),
    "piece_spawn piece unknown": lambda: with_data("piece_spawn", piece="X"),
    "piece_spawn x missing": lambda: with_data("piece_spawn", x=MISSING),
    "piece_spawn rotation unknown": lambda: with_data("piece_spawn", rotation="U"),
    "input action unknown": lambda: with_data("input", action="jump"),
    "input ok a string": lambda: with_data("input", ok="yes"),
    "input kick 5": lambda: with_data("input", action="rotate_cw", kick=5),
    "input distance negative": lambda: with_data("input", action="hard_drop", distance=-1),
    "piece_lock three cells": lambda: with_data("piece_lock", cells=[[0, 0], [1, 0], [2, 0]]),
    "piece_lock cell off the board": lambda: with_data("piece_lock", cells=[[0, 0], [1, 0], [2, 0], [10, 0]]),
    "piece_lock cell below the floor": lambda: with_data("piece_lock", cells=[[0, 0], [1, 0], [2, 0], [3, -1]]),
    "piece_lock row of 9": lambda: with_data("piece_lock", board=["........."]),
    "piece_lock rotation unknown": lambda: with_data("piece_lock", rotation="1"),
    "piece_lock score negative": lambda: with_data("piece_lock", score=-5),
    "piece_lock board missing": lambda: with_data("piece_lock", board=MISSING),
    "line_clear count 5": lambda: {
        "tick": 1,
        "type": "line_clear",
        "player_id": "p",
        "data": {"rows": [0], "count": 5},
    },
    "line_clear rows not count": lambda: {
        "tick": 1,
        "type": "line_clear",
        "player_id": "p",
        "data": {"rows": [0], "count": 2},
    },
    "line_clear garbage above count": lambda: {
        "tick": 1,
        "type": "line_clear",
        "player_id": "p",
        "data": {"rows": [0, 1], "count": 2, "garbage_rows": 3},
    },
    "line_clear row 100": lambda: {
        "tick": 1,
        "type": "line_clear",
        "player_id": "p",
        "data": {"rows": [100], "count": 1},
    },
    "garbage_sent rows 0": lambda: {
        "tick": 1,
        "type": "garbage_sent",
        "player_id": "p",
        "data": {"to": "q", "rows": 0},
    },
    "garbage_sent no target": lambda: {"tick": 1, "type": "garbage_sent", "player_id": "p", "data": {"rows": 2}},
    "garbage_received no sender": lambda: {
        "tick": 1,
        "type": "garbage_received",
        "player_id": "p",
        "data": {"rows": 1},
    },
    "elimination placement 0": lambda: {"tick": 1, "type": "elimination", "player_id": "p", "data": {"placement": 0}},
    "game_end ended_at not a time": lambda: with_data("game_end", ended_at="soon"),
    "game_end mode unknown": lambda: with_data("game_end", mode="coop"),
    "game_end players empty": lambda: with_data("game_end", players=[]),
    "game_end player score missing": lambda: with_data(
        "game_end", players=[{k: v for k, v in sample("game_end")["data"]["players"][0].items() if k != "score"}]
    ),
    "game_end duration beyond 32 bits": lambda: with_data(
        "game_end", players=[{**sample("game_end")["data"]["players"][0], "duration_ms": 2**31}]
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_schema_and_the_validator_refuse_each_broken_field(case):
    event = BROKEN[case]()
    assert not schema_accepts(event), case
    assert not validator_accepts(event), case


def test_unknown_event_types_pass_both():
    event = {"tick": 3, "type": "power_up", "player_id": "p1", "data": {"anything": [1, 2]}}
    assert schema_accepts(event) and validator_accepts(event)


def test_a_moment_of_an_unknown_type_or_without_its_data_is_refused():
    good = {
        "tick": 9,
        "type": "tetris",
        "player_id": "p1",
        "data": {"lines": 4, "event_seq": 5, "started_at": "2026-01-01T00:00:00Z"},
    }
    assert schema_accepts(good, MOMENT)
    for bad in (
        {**good, "type": "quadruple"},
        {**good, "player_id": None},
        {**good, "data": {"lines": 4, "started_at": "2026-01-01T00:00:00Z"}},
        {**good, "data": {**good["data"], "lines": 5}},
    ):
        assert not schema_accepts(bad, MOMENT)
        with pytest.raises(InvalidEvent):
            validate_moment(bad)


# --- the same verdicts, generated ------------------------------------------------------------------

# Values a field may be given: good ones of other fields, bad ones of every kind. Floats with no
# fraction are left out: JSON Schema counts 1.0 as an integer, our validator (and Python's json) do
# not; timestamps that match the pattern but name no calendar day are left out too (see x-rules).
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**64), max_value=2**64),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
    st.sampled_from(
        [
            "",
            "I",
            "T",
            "X",
            "0",
            "R",
            "2",
            "L",
            "U",
            "hold",
            "jump",
            "multiplayer",
            "solo",
            "coop",
            "p1",
            "x" * 129,
            "2026-01-01T00:00:00Z",
            "2026-01-01T00:00:00",
            "2026-01-01",
            "2026-01-01T00:00:00.123+02:00",
            "..........",
        ]
    ),
    st.text(max_size=12),
    st.lists(st.integers(min_value=-2, max_value=12), max_size=5),
    st.lists(st.sampled_from(["..........", "IIII......", "short"]), max_size=3),
    st.lists(st.lists(st.integers(min_value=-1, max_value=11), min_size=0, max_size=3), max_size=5),
    st.lists(st.fixed_dictionaries({"player_id": st.sampled_from(["p1", "p2", "", 3])}), max_size=3),
    st.dictionaries(st.sampled_from(["player_id", "placement", "a"]), st.integers(0, 3), max_size=2),
)
TYPES = ["game_start", "piece_spawn", "input", "piece_lock", "garbage_sent", "elimination", "game_end"]


@st.composite
def mutated_events(draw) -> dict:
    """A simulated event with up to three fields (envelope or data) replaced, added or removed."""
    event = sample(draw(st.sampled_from(TYPES)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        target = event if draw(st.booleans()) else event.get("data")
        if not isinstance(target, dict):
            break
        keys = sorted(target) or ["data"]
        key = draw(st.sampled_from([*keys, "kick", "distance", "rotation", "ok", "config", "tournament_id"]))
        if draw(st.integers(min_value=0, max_value=4)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(VALUES)
    return event


def _unique_ids_and_placements(event: dict) -> bool:
    """The rules JSON Schema cannot say (x-rules) hold, or do not apply."""
    data = event.get("data")
    players = data.get("players") if isinstance(data, dict) else None
    if not isinstance(players, list):
        return True
    ids = [p.get("player_id") for p in players if isinstance(p, dict)]
    if len(ids) != len(set(map(json.dumps, ids))):
        return False
    placements = [p.get("placement") for p in players if isinstance(p, dict)]
    return all(not isinstance(p, int) or isinstance(p, bool) or p <= len(players) for p in placements)


@settings(max_examples=600, deadline=None)
@given(mutated_events())
@pytest.mark.slow
def test_the_schema_and_the_validator_give_the_same_verdicts(event):
    if not _unique_ids_and_placements(event):
        return
    assert schema_accepts(event) == validator_accepts(event), event
