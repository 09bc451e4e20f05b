"""Register and JWT endpoints (docs/api.md). Anyone may call them; they are throttled per client."""

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from accounts.addresses import client_address
from accounts.lockout import refuse_locked_sign_in
from accounts.models import User
from accounts.serializers import RegisterInputSerializer, SignInSerializer, UserOutputSerializer
from accounts.services import user_register


class AuthRateThrottle(SimpleRateThrottle):
    """Per client address; the rate is settings.AUTH_THROTTLE_RATE (None turns throttling off).

    Password guessing and account spraying are what this slows down; a person never gets near it.
    Counted in the cache all workers and hosts share (CACHES["shared"], a PostgreSQL table): in each
    worker's memory, N workers let N times the rate through.
    """

    scope = "auth"

    @property
    def cache(self) -> BaseCache:  # looked up per request: each thread has its own cache connection
        return caches["shared"]

    def get_rate(self) -> str | None:
        return settings.AUTH_THROTTLE_RATE

    def get_ident(self, request: Request) -> str:
        # DRF's own reads X-Forwarded-For unless told how many proxies to trust: a client could give
        # itself a fresh bucket on every request by writing the header.
        return client_address(request)

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class RegisterApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (AuthRateThrottle,)

    @extend_schema(
        operation_id="auth_register",
        request=RegisterInputSerializer,
        responses={
            201: UserOutputSerializer,
            400: OpenApiResponse(description="Field errors: username taken or invalid, password too weak."),
            429: OpenApiResponse(description="Too many attempts from this address; retry after Retry-After."),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = user_register(**serializer.validated_data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    post=extend_schema(
        responses={
            200: TokenObtainPairSerializer,
            401: OpenApiResponse(description="Wrong username or password, or an inactive user."),
            429: OpenApiResponse(
                description="Too many attempts from this address, or too many failed sign-ins to this account "
                "from it (locked until the time the detail gives); retry after Retry-After."
            ),
        }
    )
)
class TokenObtainApi(TokenObtainPairView):
    serializer_class = SignInSerializer
    throttle_classes = (AuthRateThrottle,)

    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        refuse_locked_sign_in(request)  # 429 saying until when (accounts/lockout.py)
        return super().post(request, *args, **kwargs)


class RefreshSerializer(TokenRefreshSerializer):
    """simplejwt's, with a 401 rather than a 500 for a token whose user was deleted since (docs/api.md,
    account deletion: the user's refresh tokens are deleted with it, so none is on the blacklist)."""

    def validate(self, attrs: dict) -> dict:
        try:
            return super().validate(attrs)
        except User.DoesNotExist:
            raise AuthenticationFailed("No active account found for the given token.", "no_active_account") from None


@extend_schema_view(
    post=extend_schema(
        responses={
            200: TokenRefreshSerializer,
            401: OpenApiResponse(description="Not a valid refresh token: expired, blacklisted, or an access token."),
        }
    )
)
class TokenRefreshApi(TokenRefreshView):
    serializer_class = RefreshSerializer
    throttle_classes = (AuthRateThrottle,)
