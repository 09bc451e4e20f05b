"""The sign-in lockout (docs/api.md): one account from one address, every way in.

django-axes counts the failures of the API's token route, the web client's session route and the
admin alike, in PostgreSQL (so every gunicorn worker and every host agrees): AXES_FAILURE_LIMIT wrong
passwords for one account from one address lock that pair for AXES_COOLOFF_TIME, while the account
stays open from every other address, so nobody can lock a player out from elsewhere. The account is
named by its username key (accounts/names.py), so `Alice` and `ALICE` count as one.

Axes refuses a locked pair inside `authenticate`, which Django turns into a wrong password (a 401).
The API's routes ask first, and answer 429 saying until when.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.exceptions import Throttled
from rest_framework.request import Request

from accounts.names import username_key


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the account a sign-in names, as names are compared."""
    name = (credentials or {}).get("username")
    if name is None:
        data = getattr(request, "data", None) or request.POST
        name = data.get("username") if hasattr(data, "get") else None
    return username_key(name) if isinstance(name, str) else None


def locked_until(request: HttpRequest, username: str) -> datetime | None:
    """When the lock on this account from this request's address ends, or None if there is none."""
    credentials = {"username": username}
    if not AxesProxyHandler.is_locked(request, credentials):
        return None
    last = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials), ip_address=get_client_ip_address(request)
    ).aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + get_cool_off(request)


class SignInLocked(Throttled):
    """429 with Retry-After (DRF writes it from `wait`) and the end of the lock in words."""

    default_code = "sign_in_locked"

    def __init__(self, until: datetime) -> None:
        wait = max(1, math.ceil((until - timezone.now()).total_seconds()))
        stamp = until.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        super().__init__(
            wait=wait,
            detail=f"Too many failed sign-ins to this account from this address: try again after {stamp}.",
        )


def refuse_locked_sign_in(request: Request) -> None:
    """Raise SignInLocked when the account a sign-in request names is locked from its address."""
    data = request.data
    username = data.get("username") if isinstance(data, dict) else None
    if isinstance(username, str):
        until = locked_until(request, username)
        if until is not None:
            raise SignInLocked(until)


def signed_in(request: Request, user: AbstractBaseUser) -> None:
    """A sign-in through the API succeeded: clear the pair's failures (AXES_RESET_ON_SUCCESS).

    Axes hears of a success from Django's user_logged_in signal, which only session logins send; its
    handler would also start a Django session (a cookie the API never uses) for its access log. The
    API's routes clear the pair's failures alone.
    """
    if not settings.AXES_RESET_ON_SUCCESS:
        return
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.get_implementation().reset_user_attempts(request, {"username": user.get_username()})
