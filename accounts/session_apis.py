"""The web client's session routes (docs/api.md, authentication).

Sign-in answers with an access token for the app to keep in memory and sets the refresh token as an
HttpOnly, SameSite=Strict cookie sent to these routes alone, so a script injected into the page can
never read a long-lived credential. Refresh rotates that token (the old one is blacklisted, so a
copied cookie works once at most) and sign-out blacklists it. Each route refuses a request whose
Origin is not the site's own: the cookie's SameSite already keeps other sites out, and this holds even
for a browser that ignores SameSite. The JSON token routes (accounts/apis.py) stay as they are.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.apis import AuthRateThrottle
from accounts.lockout import refuse_locked_sign_in
from accounts.models import User
from accounts.serializers import SignInSerializer

FOREIGN_ORIGIN = "This route answers only the site's own pages (the request's Origin is missing or another site's)."
NO_SESSION = "No valid session: sign in again."


def request_origin_is_own(request: Request) -> bool:
    """Whether the request's Origin header names this site (or one of CSRF_TRUSTED_ORIGINS).

    Browsers send Origin with every POST and DELETE, so a missing one is not a page of ours.
    """
    origin = request.headers.get("Origin")
    if not origin:
        return False
    own = f"{request.scheme}://{request.get_host()}"
    return origin.lower() == own.lower() or origin in settings.CSRF_TRUSTED_ORIGINS


class SameOriginOnly(BasePermission):
    message = FOREIGN_ORIGIN

    def has_permission(self, request: Request, view: APIView) -> bool:
        return request_origin_is_own(request)


class SessionRefreshRateThrottle(AuthRateThrottle):
    """AUTH_THROTTLE_RATE again, counted apart: reloading pages never locks a player out of signing in."""

    scope = "auth-session-refresh"


def set_refresh_cookie(response: Response, refresh: RefreshToken | None) -> None:
    """Set the refresh cookie to this token, or clear it (None) with the very same attributes."""
    lifetime = int(jwt_settings.REFRESH_TOKEN_LIFETIME.total_seconds())
    response.set_cookie(
        settings.AUTH_REFRESH_COOKIE_NAME,
        str(refresh) if refresh is not None else "",
        max_age=lifetime if refresh is not None else 0,
        expires=None if refresh is not None else "Thu, 01 Jan 1970 00:00:00 GMT",
        path=settings.AUTH_REFRESH_COOKIE_PATH,
        secure=settings.AUTH_REFRESH_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )


def refresh_from_cookie(request: Request) -> RefreshToken | None:
    """The request's refresh token if it is well signed, unexpired and not blacklisted; else None."""
    raw = request.COOKIES.get(settings.AUTH_REFRESH_COOKIE_NAME)
    if not raw:
        return None
    try:
        return RefreshToken(raw)  # verifies the signature, the expiry, the type and the blacklist
    except TokenError:
        return None


def refused(detail: str, *, clear_cookie: bool) -> Response:
    response = Response({"detail": detail}, status=status.HTTP_401_UNAUTHORIZED)
    if clear_cookie:
        set_refresh_cookie(response, None)
    return response


AccessOutput = inline_serializer("SessionAccess", {"access": serializers.CharField(help_text="A JWT access token")})
SignInInput = inline_serializer(
    "SessionSignIn", {"username": serializers.CharField(), "password": serializers.CharField(write_only=True)}
)
REFRESH_COOKIE_PARAMETER = OpenApiParameter(
    settings.AUTH_REFRESH_COOKIE_NAME,
    OpenApiTypes.STR,
    OpenApiParameter.COOKIE,
    description="Set by sign-in; HttpOnly, SameSite=Strict, Path=/api/auth/session.",
)
FOREIGN_ORIGIN_RESPONSE = OpenApiResponse(description="The request's Origin is not this site.")
THROTTLED_RESPONSE = OpenApiResponse(description="Too many attempts from this address; retry after Retry-After.")


class SessionBaseApi(APIView):
    authentication_classes = ()
    permission_classes = (SameOriginOnly,)

    def get_authenticate_header(self, request: Request) -> str:
        # As simplejwt's token views: without one, DRF would turn a 401 (wrong password) into a 403.
        return f'{jwt_settings.AUTH_HEADER_TYPES[0]} realm="api"'

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        # A method these routes do not have is a 405 from any origin: DRF checks the origin rule
        # (a permission) before it looks for the method, which answered TRACE with 403.
        if request.method not in self.allowed_methods:
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class SessionApi(SessionBaseApi):
    """POST signs in, DELETE signs out."""

    def get_throttles(self) -> list[BaseThrottle]:
        return [AuthRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        operation_id="auth_session_create",
        summary="Sign in (web client): the access token in the body, the refresh token as a cookie",
        request=SignInInput,
        responses={
            200: AccessOutput,
            400: OpenApiResponse(description="Field errors."),
            401: OpenApiResponse(description="Wrong username or password."),
            403: FOREIGN_ORIGIN_RESPONSE,
            429: OpenApiResponse(
                description="Too many attempts from this address, or too many failed sign-ins to this account "
                "from it (locked until the time the detail gives); retry after Retry-After."
            ),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        refuse_locked_sign_in(request)  # 429 saying until when (accounts/lockout.py)
        serializer = SignInSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)  # 401 for wrong credentials or an inactive user
        refresh = RefreshToken(serializer.validated_data["refresh"])
        response = Response({"access": serializer.validated_data["access"]})
        set_refresh_cookie(response, refresh)
        return response

    @extend_schema(
        operation_id="auth_session_destroy",
        summary="Sign out (web client): blacklist the refresh token and clear its cookie",
        request=None,
        parameters=[REFRESH_COOKIE_PARAMETER],
        responses={204: None, 403: FOREIGN_ORIGIN_RESPONSE},
        auth=[],
    )
    def delete(self, request: Request) -> Response:
        refresh = refresh_from_cookie(request)
        if refresh is not None:
            refresh.blacklist()
        response = Response(status=status.HTTP_204_NO_CONTENT)
        set_refresh_cookie(response, None)
        return response


class SessionRefreshApi(SessionBaseApi):
    throttle_classes = (SessionRefreshRateThrottle,)

    @extend_schema(
        operation_id="auth_session_refresh",
        summary="A new access token from the refresh cookie, which is rotated",
        request=None,
        parameters=[REFRESH_COOKIE_PARAMETER],
        responses={
            200: AccessOutput,
            401: OpenApiResponse(description="No cookie, or its token is expired, blacklisted or already used."),
            403: FOREIGN_ORIGIN_RESPONSE,
            429: THROTTLED_RESPONSE,
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        refresh = refresh_from_cookie(request)
        if refresh is None:
            return refused(NO_SESSION, clear_cookie=request.COOKIES.get(settings.AUTH_REFRESH_COOKIE_NAME) is not None)
        user = User.objects.filter(id=refresh.payload.get(jwt_settings.USER_ID_CLAIM)).first()
        if user is None or not jwt_settings.USER_AUTHENTICATION_RULE(user):
            return refused(NO_SESSION, clear_cookie=True)
        with transaction.atomic():
            _, first_use = refresh.blacklist()
            rotated = RefreshToken.for_user(user) if first_use else None
        if rotated is None:
            # Two requests raced with one token and the other one rotated it. Its answer sets the new
            # cookie, so this one must not clear it.
            return refused(NO_SESSION, clear_cookie=False)
        response = Response({"access": str(rotated.access_token)})
        set_refresh_cookie(response, rotated)
        return response
