"""What every public read (docs/api.md, public reads) shares: anyone may call it, and a caller without a
token is throttled per address, counted where the auth throttles are (CACHES["shared"]).

A request that carries a token is still authenticated first, so a bad token gets 401 as everywhere.
"""

import uuid

from django.conf import settings
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.apis import AuthRateThrottle
from accounts.models import User


class PublicRateThrottle(AuthRateThrottle):
    """Per client address, for callers without a token; the rate is settings.PUBLIC_THROTTLE_RATE.

    A signed-in caller is not counted: their reads were never throttled, and a token is accountable.
    """

    scope = "public"

    def get_rate(self) -> str | None:
        return settings.PUBLIC_THROTTLE_RATE

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.user is not None and request.user.is_authenticated:
            return True
        return super().allow_request(request, view)


class PublicApiMixin:
    """Mixed into an APIView: no token needed, anonymous callers throttled."""

    permission_classes = (AllowAny,)
    throttle_classes = (PublicRateThrottle,)


PRIVATE_PROFILE = "This profile is private."


def public_player(*, user_id: str, viewer: object) -> User:
    """The player a public profile route names: 404 for an unknown id, 403 when the profile is private
    and ``viewer`` is someone else (docs/api.md, private profiles)."""
    try:
        user = User.objects.filter(pk=uuid.UUID(user_id), is_active=True).first()
    except ValueError:
        user = None
    if user is None:
        raise NotFound("No player with this id; a player's id is their user id (a UUID).")
    if user.profile_private and getattr(viewer, "pk", None) != user.pk:
        raise PermissionDenied(PRIVATE_PROFILE)
    return user
