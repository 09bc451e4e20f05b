"""The operators' admin keeps the players' rule on names: one a name in any case or width (docs/api.md)."""

from __future__ import annotations

import pytest

from accounts.models import User


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize("variant", ["DEMO-1", fullwidth("demo-1")])
def test_adding_a_user_whose_name_is_taken_in_another_form_says_so(admin_client, variant):
    User.objects.create_user(username="demo-1", password="x-unused-password-1")
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {"username": variant, "password1": "a-long-password-9", "password2": "a-long-password-9"},
    )
    assert response.status_code == 200  # the form again, with its error
    assert "already" in response.content.decode()
    assert User.objects.filter(username__iexact="demo-1").count() == 1


def test_renaming_a_user_to_a_taken_name_in_another_form_says_so(admin_client):
    User.objects.create_user(username="demo-1", password="x-unused-password-1")
    other = User.objects.create_user(username="demo-2", password="x-unused-password-1")
    response = admin_client.post(
        f"/admin/accounts/user/{other.pk}/change/",
        {"username": fullwidth("DEMO-1"), "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00"},
    )
    assert response.status_code == 200
    assert "already" in response.content.decode()
    other.refresh_from_db()
    assert other.username == "demo-2"
