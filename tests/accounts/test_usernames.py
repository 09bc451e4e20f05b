"""Usernames (docs/api.md): one name in any case or width, 3 to 30 letters, digits, _ or -, sign-in
in any case, a unique key in the database, and a migration that keeps colliding accounts working."""

import io
from contextlib import redirect_stdout

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from accounts.models import User
from accounts.names import collision_keys, username_key

STRONG = "plum-orbit-velvet-42"


def fullwidth(text: str) -> str:
    """The text in full-width forms (U+FF01 to U+FF5E), which NFKC turns back into ASCII."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def register(username: str):
    return APIClient().post("/api/auth/register", {"username": username, "password": STRONG}, format="json")


@pytest.mark.parametrize("variant", ["DEMO-1", "Demo-1", fullwidth("demo-1"), fullwidth("DEMO-1")])
def test_a_name_in_another_case_or_width_is_taken(db, variant):
    assert register("demo-1").status_code == 201
    response = register(variant)
    assert response.status_code == 400
    assert response.json() == {"username": ["A user with that username already exists."]}
    assert User.objects.count() == 1


def test_a_name_is_stored_in_its_nfkc_form(db):
    response = register(fullwidth("Alice_1"))
    assert response.status_code == 201 and response.json()["username"] == "Alice_1"


@pytest.mark.parametrize(
    "name", ["ab", "x" * 31, "dot.ted", "at@sign", "plus+", "sp ace", "tab\t", fullwidth("x") * 31]
)
def test_names_outside_the_rule_are_refused(db, name):
    response = register(name)
    assert response.status_code == 400
    assert response.json() == {"username": ["3 to 30 letters, digits, _ or -."]}


@pytest.mark.parametrize("name", ["abc", "x" * 30, "Éloïse", "名前です", "under_score-dash"])
def test_names_within_the_rule_are_registered(db, name):
    assert register(name).status_code == 201


def test_the_database_refuses_a_second_account_with_the_same_key(db):
    User.objects.create(username="Bobby")
    with pytest.raises(IntegrityError):
        User.objects.create(username=fullwidth("BOBBY"))


@pytest.mark.parametrize("typed", ["alice", "ALICE", "Alice", fullwidth("alice")])
def test_sign_in_accepts_the_name_in_any_case(db, typed):
    assert register("Alice").status_code == 201
    client = APIClient()
    token = client.post("/api/auth/token", {"username": typed, "password": STRONG}, format="json")
    assert token.status_code == 200, token.json()
    session = client.post(
        "/api/auth/session", {"username": typed, "password": STRONG}, format="json", HTTP_ORIGIN="http://testserver"
    )
    assert session.status_code == 200


def test_collision_keys_keep_the_first_and_suffix_the_later():
    keys = [("a1", "alice"), ("b2", "bob"), ("c3", "alice"), ("d4", "alice")]
    assert collision_keys(keys) == {"c3": "alice#c3", "d4": "alice#d4"}


@pytest.mark.django_db(transaction=True)
def test_the_migration_reports_colliding_accounts_and_keeps_them_working():
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0001_initial")])
    old_user = executor.loader.project_state([("accounts", "0001_initial")]).apps.get_model("accounts", "User")
    from django.contrib.auth.hashers import make_password

    for name in ("carol", "Carol", fullwidth("carol"), "dave"):
        old_user.objects.create(username=name, password=make_password(STRONG))
    report = io.StringIO()
    with redirect_stdout(report):
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert "'Carol'" in report.getvalue() and f"'{fullwidth('carol')}'" in report.getvalue()
    assert "'dave'" not in report.getvalue()
    assert User.objects.get(username="carol").username_key == username_key("carol")
    for name in ("carol", "Carol", fullwidth("carol"), "dave"):
        response = APIClient().post("/api/auth/token", {"username": name, "password": STRONG}, format="json")
        assert response.status_code == 200, name
    colliding = User.objects.get(username="Carol")
    key = colliding.username_key
    colliding.save()  # an ordinary save (last_login, say) keeps the key the migration gave it
    assert User.objects.get(username="Carol").username_key == key == f"carol#{colliding.id}"


def test_bulk_created_accounts_get_their_keys_too(db):
    User.objects.bulk_create([User(username="Many1"), User(username="many2")])
    assert sorted(User.objects.values_list("username_key", flat=True)) == ["many1", "many2"]
    with pytest.raises(IntegrityError):
        User.objects.bulk_create([User(username="MANY1")])
