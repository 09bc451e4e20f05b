"""The schema lists every answer a route can give and the constraints it checks (config/openapi.py)."""

import json
import re
import uuid

import pytest
from rest_framework.test import APIClient

from history.apis import CURSOR_PATTERN
from tests.history.factories import api_client_for, match_create, user_create


@pytest.fixture
def schema(db) -> dict:
    return json.loads(APIClient().get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_route_that_reads_a_token_documents_401(schema):
    reading = {name for name, op in operations(schema) if any(op.get("security", []))}
    assert "POST /api/solo_results" in reading and "POST /api/auth/register" not in reading
    assert all("401" in dict(operations(schema))[name]["responses"] for name in reading)


def test_the_sign_in_routes_document_401_and_429(schema):
    ops = dict(operations(schema))
    for name in ("POST /api/auth/token", "POST /api/auth/token/refresh", "POST /api/auth/session"):
        assert {"401", "429"} <= set(ops[name]["responses"]), name
    assert "429" in ops["POST /api/auth/register"]["responses"]


def test_every_error_answer_has_a_body_schema(schema):
    for name, operation in operations(schema):
        for code, response in operation["responses"].items():
            if code[0] in "45":
                body = response["content"]["application/json"]["schema"]
                assert body["$ref"].endswith("FieldErrors" if code == "400" else "ErrorDetail"), (name, code)


def test_optional_query_parameters_may_be_given_empty(schema, db):
    for name, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query":
                assert parameter.get("allowEmptyValue") is (not parameter.get("required", False)), (name, parameter)
    assert api_client_for(user_create()).get("/api/leaderboards/solo", {"period": ""}).json()["period"] == "all"


def test_the_register_schema_states_the_password_and_username_rules(schema):
    fields = schema["components"]["schemas"]["RegisterInputRequest"]["properties"]
    assert fields["password"]["minLength"] == 8 and fields["password"]["pattern"] == "[^0-9]"
    assert fields["username"]["pattern"] == r"^[\w-]{3,30}$"
    assert (fields["username"]["minLength"], fields["username"]["maxLength"]) == (3, 30)


def test_a_cursor_is_a_position_of_the_stated_form_and_any_such_string_is_taken(db):
    alice = user_create(username="alice")
    for _ in range(3):
        match_create(users=[alice])
    client = api_client_for(alice)
    first = client.get("/api/matches", {"page_size": 2}).json()
    cursor = re.search(r"cursor=([^&]+)", first["next"]).group(1)
    assert re.fullmatch(CURSOR_PATTERN, cursor)
    second = client.get("/api/matches", {"page_size": 2, "cursor": cursor}).json()
    assert len(second["results"]) == 1 and second["previous"]
    # Any string of the form is a position: one far in the future or past gives a page, not a 400.
    for made_up in (f"n{10**16}.{uuid.uuid4().hex}", f"p0.{'0' * 32}"):
        assert client.get("/api/matches", {"cursor": made_up}).status_code == 200


@pytest.mark.parametrize("key", [" leading", "trailing ", "é-not-ascii", "x" * 256])
def test_an_idempotency_key_outside_the_stated_form_is_refused(db, key):
    client = api_client_for(user_create())
    body = {"score": 100, "lines_cleared": 1, "level": 1, "pieces_placed": 10, "duration_ms": 5000}
    response = client.post("/api/solo_results", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()


def test_a_method_the_session_routes_lack_is_405_whatever_the_origin(db):
    for path in ("/api/auth/session", "/api/auth/session/refresh"):
        assert APIClient().generic("TRACE", path).status_code == 405
        assert APIClient().put(path, HTTP_ORIGIN="https://evil.example").status_code == 405
