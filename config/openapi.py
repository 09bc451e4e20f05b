"""The OpenAPI schema lists every answer a route can give, each with its body's schema (issue 15, item 8).

Clients are generated from the schema (the web client's types among them), so an answer it leaves
out is one they cannot handle. Views document what is theirs (200, 404, 409, ...); the answers that
come from the framework around them are added here, once, from what the view is:

- 400 wherever there is a body or a query string to refuse (DRF's field errors, a body that is not JSON);
- 401 wherever a token is read (a bad, expired or refresh-typed Bearer token is refused even on
  public routes: JWTAuthentication runs before the permission check);
- 429 wherever a throttle counts.

Links (OpenAPI 3's `links`) say where an answer's ids lead, so that a client, or a schema-driven
test's stateful phase, can follow real ids instead of guessing them.

An optional query parameter given empty (`?period=`) is taken as not given (DRF's rule for form
data): the schema says so with `allowEmptyValue`.

Every error answer, the views' own included, gets the body DRF writes: field errors for a 400, and
`{"detail": ...}` for the others.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

FIELD_ERRORS = ResolvedComponent(
    name="FieldErrors",
    type=ResolvedComponent.SCHEMA,
    object="FieldErrors",
    schema={
        "type": "object",
        "description": "Each refused field (or header, or `non_field_errors`) with what was wrong with it; "
        "`detail` alone for a body that could not be read at all.",
        "additionalProperties": {
            "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
        },
    },
)
ERROR_DETAIL = ResolvedComponent(
    name="ErrorDetail",
    type=ResolvedComponent.SCHEMA,
    object="ErrorDetail",
    schema={
        "type": "object",
        "properties": {
            "detail": {"type": "string", "description": "What was wrong and, where it helps, what to do."},
            "code": {"type": "string"},
        },
        "required": ["detail"],
    },
)

_MATCH_LINKS = {
    "GetMatch": {"operationId": "matches_retrieve", "parameters": {"match_id": "$response.body#/id"}},
    "GetReplay": {"operationId": "matches_replay", "parameters": {"match_id": "$response.body#/id"}},
}
LINKS: dict[str, dict[str, dict[str, Any]]] = {
    "solo_results_create": {"201": _MATCH_LINKS, "200": _MATCH_LINKS},
    "matches_retrieve": {"200": {"GetReplay": _MATCH_LINKS["GetReplay"]}},
    "auth_register": {
        "201": {"GetStats": {"operationId": "players_stats", "parameters": {"user_id": "$response.body#/id"}}}
    },
}

SHARED_ANSWERS = {
    "400": "Refused input: the fields (or headers) at fault, each with what was wrong.",
    "401": "No valid access token: missing where one is required, or malformed, expired, wrongly signed, "
    "refresh-typed, or its user no longer exists.",
    "429": "Too many requests from this address; retry after the seconds in Retry-After.",
}


class TruthfulAutoSchema(AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        responses = operation.setdefault("responses", {})
        if operation.get("requestBody") or any(p.get("in") == "query" for p in operation.get("parameters", [])):
            responses.setdefault("400", {"description": SHARED_ANSWERS["400"]})
        if any(requirement for requirement in operation.get("security", [])):
            responses.setdefault("401", {"description": SHARED_ANSWERS["401"]})
        if self._is_throttled():
            responses.setdefault("429", {"description": SHARED_ANSWERS["429"]})
        self.registry.register_on_missing(FIELD_ERRORS)
        self.registry.register_on_missing(ERROR_DETAIL)
        for code, links in LINKS.get(operation["operationId"], {}).items():
            responses[code]["links"] = links
        for code, response in responses.items():
            if code[0] in "45" and "content" not in response:
                schema = FIELD_ERRORS.ref if code == "400" else ERROR_DETAIL.ref
                response["content"] = {"application/json": {"schema": schema}}
        return operation

    def _get_request_body(self, direction: str = "request") -> dict[str, Any] | None:
        # drf-spectacular documents bodies of PUT, PATCH and POST only; a DELETE that declares one
        # (DELETE /api/me takes the password) is documented like a POST's.
        if self.method != "DELETE" or self.get_request_serializer() is None:
            return super()._get_request_body(direction)
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = "DELETE"

    def _is_throttled(self) -> bool:
        # get_throttles, not throttle_classes: a view may throttle some methods only (the session routes).
        return bool(self.view.get_throttles())
