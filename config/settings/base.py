"""Settings shared by every environment.

This is the one module that reads the environment (docs/configuration.md); everything else reads
``django.conf.settings``. Defaults make local use work with no variables at all.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
LOCAL_DIR = BASE_DIR / ".local"

INSECURE_SECRET_KEY = "insecure-development-key-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def comma_list(value: str) -> list[str]:
    """A comma-separated list, as NATS_URL names a cluster's servers; blanks dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    return comma_list(value) if value else default


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "") or INSECURE_SECRET_KEY
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

# Set by the environment or, in local development, by the embedded servers (see local.py).
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
NATS_URL = os.environ.get("NATS_URL", "").strip()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # the admin's status page: 1,234,567 messages
    "rest_framework",
    "rest_framework_simplejwt",
    # Sign-out and refresh-token rotation of the web client's session (docs/api.md).
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "accounts",
    "history",
    "solo",
    "stats",
    "streaming",
    "moments",
    "game",
    "archive",
    "analysis",
    "live",
]

MIDDLEWARE = [
    "config.metrics_web.RequestMetricsMiddleware",  # outside even the errors layer: counts the final answer
    "config.errors.ApiErrorsMiddleware",  # outside every layer but the metrics: sees their answers
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which answers static files itself: the policy is for pages (CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out admin sign-in into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
APPEND_SLASH = False  # routes answer with and without a trailing slash (see config/urls.py)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def database_config(url: str) -> dict:
    # Persistent connections with health checks: the consumers and gunicorn workers survive a
    # PostgreSQL restart without reconnecting on every request.
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    options = config.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", 5)
    # TCP keepalives: a connection whose server vanished (a crashed host, a partition) fails within
    # about a minute instead of leaving a consumer waiting on it for good.
    for name, value in (
        ("keepalives", 1),
        ("keepalives_idle", 30),
        ("keepalives_interval", 10),
        ("keepalives_count", 3),
    ):
        options.setdefault(name, value)
    return config


DATABASES = {"default": database_config(DATABASE_URL)} if DATABASE_URL else {}

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The web client (docs/api.md). Vite builds web/ into web/dist with `base: "/static/app/"`, so the
# built index.html names its assets /static/app/assets/<name>-<hash>.<ext>; collectstatic gathers
# web/dist under STATIC_ROOT/app/ beside the admin's files and WhiteNoise serves them. Every client
# route answers with that index.html (config/web_client.py). See docs/web-client-serving.md.
WEB_CLIENT_DIST = BASE_DIR / "web" / "dist"
WEB_CLIENT_STATIC_PREFIX = "app"
STATICFILES_DIRS = [(WEB_CLIENT_STATIC_PREFIX, WEB_CLIENT_DIST)]
# A clone without a client build is a normal state (the app's pages then say how to build it), not a
# misconfiguration to warn about on every command.
SILENCED_SYSTEM_CHECKS = ["staticfiles.W004"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Gzipped copies made at collectstatic time, which WhiteNoise serves to clients that accept them.
    # No manifest: Vite's names are already hashed, and index.html must keep naming them as built.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Vite's hashed assets never change under one name: cached for a year, immutable. Everything else
# under /static/ keeps WhiteNoise's short default, and index.html itself is revalidated every time.
WHITENOISE_IMMUTABLE_FILE_TEST = rf"^/{STATIC_URL}{WEB_CLIENT_STATIC_PREFIX}/assets/.+-[\w-]{{8,}}\.\w+$"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON behind a size and a nesting limit (docs/api.md).
    "DEFAULT_PARSER_CLASSES": ["config.parsers.BoundedJSONParser"],
    # drf-spectacular's, plus the 400 / 401 / 429 answers every route shares (config/openapi.py).
    "DEFAULT_SCHEMA_CLASS": "config.openapi.TruthfulAutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tetris game history API",
    "DESCRIPTION": "Match history, match detail, replays and solo results (docs/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The match's mode (multiplayer, solo) and a solo run's (docs/api.md) are both called "mode".
    "ENUM_NAME_OVERRIDES": {"SoloModeEnum": "history.models.SOLO_MODES", "MatchModeEnum": "history.models.Match.Mode"},
    # The live routes are no DRF views: live/openapi.py adds them.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "live.openapi.add_live_routes"],
}

# Register, token and session routes, per client address, counted by all workers together
# (CACHES["shared"]); "" turns it off.
AUTH_THROTTLE_RATE = os.environ.get("AUTH_THROTTLE_RATE", "30/minute") or None
# Public reads (match, replay, player, boards, tournaments) by callers without a token, per address,
# counted in the same shared cache (accounts/public.py); "" turns it off.
PUBLIC_THROTTLE_RATE = os.environ.get("PUBLIC_THROTTLE_RATE", "300/minute") or None

# How many proxies in front of gunicorn append to X-Forwarded-For (docs/operations.md); 0 ignores the
# header. The client's address is decided from it in one place: accounts/addresses.py.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# GET /metrics (docs/operations.md, config/metrics_web.py): with a token, only `Authorization: Bearer
# {METRICS_TOKEN}` reads it; without one it is a 404, except that the development settings open it to
# a loopback peer that came through no proxy. PROMETHEUS_MULTIPROC_DIR is prometheus-client's own
# switch (gunicorn sets it, config/gunicorn.py): where every worker's values are added up.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "").strip()
METRICS_LOOPBACK_WITHOUT_TOKEN = False
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()

# Every way in (the API's token route, the web client's session route, the admin; docs/api.md and
# docs/operations.md): after AXES_FAILURE_LIMIT wrong passwords for one account from one address, that pair is
# refused (429, saying until when) for the cool-off, counted in the database so that every gunicorn
# worker and host agrees (accounts/lockout.py). Per pair, so that nobody can lock a player or an
# operator out from elsewhere; the account is its username key, so any case counts as one.
AXES_ONLY_ADMIN_SITE = False
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.addresses.client_address"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"

# What every worker and host must count together (the auth throttles): a table in PostgreSQL, created
# by migration accounts.0003, so no server is added for it. The default cache stays in memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "shared_cache"},
}

# The web client's session (docs/api.md): the refresh token lives in this cookie only,
# HttpOnly and SameSite=Strict, sent to the session routes alone; Secure in production.
AUTH_REFRESH_COOKIE_NAME = "refresh_token"
AUTH_REFRESH_COOKIE_PATH = "/api/auth/session"
AUTH_REFRESH_COOKIE_SECURE = False

# Content-Security-Policy (django-csp) of every page but the admin's (docs/api.md): scripts and
# everything else from this origin only, never inline. /api/docs relaxes style-src alone (its
# template has an inline <style>); see config/schema_urls.py.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

SIMPLE_JWT = {
    "SIGNING_KEY": os.environ.get("JWT_SIGNING_KEY", "") or SECRET_KEY,
    "ALGORITHM": "HS256",
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_TOKEN_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_TOKEN_DAYS", 7)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "UPDATE_LAST_LOGIN": False,
}

# --- Streaming (docs/contract.md, docs/operations.md) -------------------------------------------------------------
NATS_SERVERS = comma_list(NATS_URL)
NATS_ENABLED = env_bool("NATS_ENABLED", True)
# How soon any of our NATS connections calls a server that stopped answering dead (docs/configuration.md): a
# server that hangs without closing its connections is left for another of NATS_SERVERS in this long.
NATS_STALE_SECONDS = float(os.environ.get("NATS_STALE_SECONDS", "5") or 5)
GAME_EVENTS_STREAM = "GAME_EVENTS"
# The live routes (docs/api.md, live; docs/configuration.md): a broadcast delay, when a match counts as
# abandoned, streams per client address, and how far a viewer may fall behind before it is dropped.
LIVE_DELAY_SECONDS = float(os.environ.get("LIVE_DELAY_SECONDS", "0") or 0)
LIVE_IDLE_SECONDS = env_int("LIVE_IDLE_SECONDS", 120)
LIVE_CONNECTIONS_PER_ADDRESS = env_int("LIVE_CONNECTIONS_PER_ADDRESS", 20)
LIVE_QUEUE_MESSAGES = env_int("LIVE_QUEUE_MESSAGES", 1000)
GAME_EVENTS_MAX_AGE_DAYS = env_int("GAME_EVENTS_MAX_AGE_DAYS", 90)
GAME_EVENTS_REPLICAS = env_int("GAME_EVENTS_REPLICAS", 1)
# Bound of the publisher's buffer while NATS is away (events, not bytes): a few minutes of a busy server.
EVENT_PUBLISHER_MAX_BUFFER = 500_000
# Consumers: how long a delivered message may stay unacknowledged before it is redelivered (seconds),
# then how long each redelivery of it may (the last repeats): a message that keeps killing consumers
# comes back less and less often. A live consumer tells the server that a slow batch is in progress, so
# these bound how soon a dead consumer's messages come back, not how long a live one may work.
CONSUMER_ACK_WAIT_SECONDS = env_int("CONSUMER_ACK_WAIT_SECONDS", 30)
CONSUMER_REDELIVERY_BACKOFF_SECONDS = [
    float(value) for value in env_list("CONSUMER_REDELIVERY_BACKOFF_SECONDS", ["60", "120", "300"])
]
# The key-moment detector forgets a match with no events for this long (memory stays bounded).
MOMENT_DETECTOR_IDLE_SECONDS = env_int("MOMENT_DETECTOR_IDLE_SECONDS", 30 * 60)
# docs/operations.md: N detector processes, each fed one partition of the rooms through
# GAME_EVENTS_PARTITIONED (a work queue sourcing GAME_EVENTS); 1 is one detector on GAME_EVENTS itself.
MOMENT_DETECTOR_PARTITIONS = env_int("MOMENT_DETECTOR_PARTITIONS", 1)
if MOMENT_DETECTOR_PARTITIONS < 1:
    raise ImproperlyConfigured(f"MOMENT_DETECTOR_PARTITIONS is {MOMENT_DETECTOR_PARTITIONS}; give 1 or more")
# The projector refreshes the tournament standings view at most this often (docs/api.md); a float.
TOURNAMENT_REFRESH_SECONDS = float(os.environ.get("TOURNAMENT_REFRESH_SECONDS", "").strip() or 5)

# /healthz calls a consumer stalled when messages wait and its ack floor has not moved for this long
# (docs/operations.md); a float.
CONSUMER_STALL_SECONDS = float(os.environ.get("CONSUMER_STALL_SECONDS", "").strip() or 120)

# docs/operations.md: each consumer process serves its metrics at http://{METRICS_ADDRESS}:{port}/metrics
# (streaming/metrics_server.py); the ports and what is added to them: README, "Metrics ports"; 0 turns a
# process's port off. `simulate` takes its port as --metrics-port.
METRICS_ADDRESS = os.environ.get("METRICS_ADDRESS", "").strip() or "127.0.0.1"
PROJECTOR_METRICS_PORT = env_int("PROJECTOR_METRICS_PORT", 9101)
DETECTOR_METRICS_PORT = env_int("DETECTOR_METRICS_PORT", 9102)

# The archive (docs/operations.md): every finished match as one gzip object in an S3-compatible store.
# ARCHIVE_URL s3://bucket/prefix (empty: no archive; dev.py up and the tests start an embedded
# SeaweedFS), ARCHIVE_ENDPOINT_URL empty for AWS S3 (MinIO, SeaweedFS: their URL); credentials from
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the environment's usual chain (boto3's).
ARCHIVE_URL = os.environ.get("ARCHIVE_URL", "").strip()
ARCHIVE_ENDPOINT_URL = os.environ.get("ARCHIVE_ENDPOINT_URL", "").strip()
AWS_REGION = os.environ.get("AWS_REGION", "").strip() or "us-east-1"
# A game_end is archived this long after it was stored, so that late key moments are in the document.
ARCHIVE_SETTLE_SECONDS = float(os.environ.get("ARCHIVE_SETTLE_SECONDS", "").strip() or 30)
ARCHIVER_METRICS_PORT = env_int("ARCHIVER_METRICS_PORT", 9110)
# (access key, secret) given to the client, for the embedded server only; None: boto3's chain.
ARCHIVE_CREDENTIALS: tuple[str, str] | None = None

# docs/operations.md: LOG_FORMAT text (default) or json, one line each; MOMENT_LOG_LEVEL sets the
# per-moment lines apart from the per-match ones. Both levels are an operator's (the log volume of a busy
# deployment: deploy/systemd's env example), not only the benchmarks', so they stay settings.
# gunicorn's own lines: config/gunicorn.py.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
MOMENT_LOG_LEVEL = os.environ.get("MOMENT_LOG_LEVEL", "INFO").upper()
LOGGING = logging_config(
    log_format=LOG_FORMAT,
    streaming_level=os.environ.get("STREAMING_LOG_LEVEL", "INFO"),
    moment_level=MOMENT_LOG_LEVEL,
)
