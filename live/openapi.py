"""The live routes in the API's schema (docs/api.md, live).

They are plain Django async views and a bare ASGI route (live/views.py, live/asgi.py), which
drf-spectacular does not see: this postprocessing hook (SPECTACULAR_SETTINGS) adds their operations,
with every answer they give, so that the schema lists every route (tests/config/test_schema.py) and
schemathesis tries them. A stream's body is `text/event-stream`; its messages are described in words.
"""

from __future__ import annotations

from typing import Any

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}}
_SSE = {"text/event-stream": {"schema": {"type": "string"}}}

_ANSWERS = {
    "401": "No valid access token.",
    "403": "Signed in, not staff.",
    "404": "No match is being played in this room.",
    "429": "This address has LIVE_CONNECTIONS_PER_ADDRESS streams open already; retry after Retry-After.",
    "503": "The event stream cannot be reached now, or a stream was asked of a server that is not the ASGI one.",
}
_LAST_EVENT_ID = [
    {
        "name": "Last-Event-ID",
        "in": "header",
        "required": False,
        "schema": {"type": "string"},
        "description": "The id of the last message received: the stream resumes after it, nothing missed, "
        "nothing twice (a browser's EventSource sends it when it reconnects).",
    },
    {
        "name": "last_event_id",
        "in": "query",
        "required": False,
        "allowEmptyValue": True,
        "schema": {"type": "string"},
        "description": "The same as the Last-Event-ID header, for clients that cannot set headers.",
    },
]
_LIVE_MATCH = {
    "type": "object",
    "properties": {
        "room_id": {"type": "string"},
        "started_at": {"type": "string", "format": "date-time"},
        "mode": {"type": "string"},
        "tournament_id": {"type": "string", "nullable": True},
        "players": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"player_id": {"type": "string"}, "username": {"type": "string", "nullable": True}},
                "required": ["player_id", "username"],
            },
        },
        "tick": {"type": "integer"},
        "last_event_at": {"type": "string", "format": "date-time"},
    },
    "required": ["room_id", "started_at", "mode", "tournament_id", "players", "tick", "last_event_at"],
}


def _stream(operation_id: str, summary: str, description: str, errors: tuple[str, ...], **extra: Any) -> dict:
    responses = {"200": {"description": "Server-Sent Events, as described above.", "content": _SSE}}
    responses.update({code: {"description": _ANSWERS[code], "content": _ERROR} for code in errors})
    return {
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        "tags": ["live"],
        "responses": responses,
        **extra,
    }


def live_operations() -> dict[str, dict[str, Any]]:
    return {
        "/api/live/matches": {
            "get": {
                "operationId": "live_matches",
                "summary": "The matches being played now, newest first",
                "tags": ["live"],
                "security": [{}],
                "responses": {
                    "200": {
                        "description": "The live matches (none idle past LIVE_IDLE_SECONDS).",
                        "content": {"application/json": {"schema": {"type": "array", "items": _LIVE_MATCH}}},
                    },
                    "503": {"description": _ANSWERS["503"], "content": _ERROR},
                },
            }
        },
        "/api/live/matches/stream": {
            "get": _stream(
                "live_matches_stream",
                "The live list as it changes",
                "A `snapshot` event with the list of GET /api/live/matches, then `match_started` and "
                "`match_ended` (`{room_id, started_at, match_id}`; `match_id` once projected, else null).",
                ("429", "503"),
                security=[{}],
            )
        },
        "/api/live/rooms/{room_id}": {
            "get": _stream(
                "live_room",
                "The match being played in a room, as it happens",
                "Every event and moment since the match's `game_start`, in stream order (event name: the "
                "event's `type`, or `moment`; id: its stream sequence), then each new one; after the "
                "`game_end`, the moments of the next 5 s, then `end` `{match_id}`.",
                ("404", "429", "503"),
                security=[{}],
                parameters=[
                    {
                        "name": "room_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
                    },
                    *_LAST_EVENT_ID,
                ],
            )
        },
        "/api/me/events": {
            "get": _stream(
                "me_events",
                "The caller's own notifications",
                "`match_recorded` `{match_id}` when a match of the caller's is projected or a solo result "
                "recorded; the id resumes (Last-Event-ID) within the hour the notifications are kept.",
                ("401", "429", "503"),
                security=[{"jwtAuth": []}],
                parameters=list(_LAST_EVENT_ID),
            )
        },
        "/api/live/status": {
            "get": _stream(
                "live_status",
                "The streaming status figures, every 2 s, for staff",
                "A `status` event every 2 s: the streams and consumers of the streaming status page. The "
                "admin's session cookie is taken too.",
                ("401", "403", "429", "503"),
                security=[{"jwtAuth": []}],
            )
        },
    }


def add_live_routes(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the live operations beside the DRF ones."""
    result.setdefault("paths", {}).update(live_operations())
    return result
