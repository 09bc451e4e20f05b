"""The JSON Schema (2020-12) of game events and key moments, built from `contract.definitions`.

GET /api/events/schema serves it, so a game server in any language can check what it publishes
against the same definitions our validator reads. The root schema is a game event (what another
publisher sends); `$defs.moment` is a key moment as the detector publishes it. What JSON Schema
cannot say (a rule relating two fields, a calendar date that does not exist) is written under
`x-rules`; `manage.py validate_events` checks everything.
"""

from __future__ import annotations

import functools
from typing import Any

from contract.definitions import (
    ENVELOPE,
    EVENT_DATA,
    MOMENT_COMMON,
    MOMENT_DATA,
    PLAYER_ID,
    ROOM_WIDE_TYPES,
)
from contract.specs import fields_schema

SCHEMA_ID = "https://tetris-history.invalid/api/events/schema"


def _if_type(event_type: str, then: dict[str, Any]) -> dict[str, Any]:
    return {"if": {"properties": {"type": {"const": event_type}}, "required": ["type"]}, "then": then}


def _event() -> dict[str, Any]:
    envelope = fields_schema(ENVELOPE)
    by_type = []
    for event_type in EVENT_DATA:
        data = {"$ref": f"#/$defs/{event_type}_data"}
        if event_type in ROOM_WIDE_TYPES:
            then = {"properties": {"player_id": {"type": "null"}, "data": data}}
        else:
            then = {"required": ["player_id"], "properties": {"player_id": PLAYER_ID.schema(), "data": data}}
        by_type.append(_if_type(event_type, then))
    return {
        "title": "Game event",
        "description": "One message of game.{room_id}.events (docs/contract.md); other types pass unchecked",
        **envelope,
        "allOf": by_type,
    }


def _moment() -> dict[str, Any]:
    envelope = fields_schema(ENVELOPE)
    envelope["properties"]["type"] = {"enum": sorted(MOMENT_DATA)}
    envelope["properties"]["player_id"] = PLAYER_ID.schema()
    envelope["required"] = [*envelope["required"], "player_id"]
    by_type = [
        _if_type(moment_type, {"properties": {"data": {"$ref": f"#/$defs/moment_{moment_type}_data"}}})
        for moment_type in MOMENT_DATA
    ]
    return {
        "title": "Key moment",
        "description": "One message of game.{room_id}.moments (docs/contract.md)",
        **envelope,
        "allOf": by_type,
    }


@functools.cache
def events_json_schema() -> dict[str, Any]:
    """The whole document: a game event at the root, moments and each type's data under `$defs`."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **_event(),
        "$defs": {
            "event": {"$ref": "#"},
            "moment": _moment(),
            **{f"{event_type}_data": fields_schema(fields) for event_type, fields in EVENT_DATA.items()},
            **{
                f"moment_{moment_type}_data": fields_schema(fields + MOMENT_COMMON)
                for moment_type, fields in MOMENT_DATA.items()
            },
        },
    }
