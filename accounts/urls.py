from django.urls import re_path

from accounts.apis import RegisterApi, TokenObtainApi, TokenRefreshApi
from accounts.me_apis import MeApi
from accounts.session_apis import SessionApi, SessionRefreshApi

# "(?:/)?$": every route answers with and without a trailing slash (APPEND_SLASH is off), and the
# OpenAPI schema shows the path without one.
urlpatterns = [
    re_path(r"^me(?:/)?$", MeApi.as_view(), name="me"),
    re_path(r"^auth/register(?:/)?$", RegisterApi.as_view(), name="auth-register"),
    re_path(r"^auth/token(?:/)?$", TokenObtainApi.as_view(), name="auth-token"),
    re_path(r"^auth/token/refresh(?:/)?$", TokenRefreshApi.as_view(), name="auth-token-refresh"),
    re_path(r"^auth/session(?:/)?$", SessionApi.as_view(), name="auth-session"),
    re_path(r"^auth/session/refresh(?:/)?$", SessionRefreshApi.as_view(), name="auth-session-refresh"),
]
