"""Production: refuses to start without a real secret key, a database and NATS."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASE_URL, INSECURE_SECRET_KEY, NATS_ENABLED, NATS_SERVERS, SECRET_KEY

if not SECRET_KEY or SECRET_KEY == INSECURE_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is missing, the development default, or shorter than 32 characters; "
        "set it to a long random value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
if not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_URL is not set; e.g. postgres://user:password@host:5432/dbname")
if NATS_ENABLED and not NATS_SERVERS:
    raise ImproperlyConfigured(
        "NATS_URL is not set; e.g. nats://nats-1:4222,nats://nats-2:4222 (or NATS_ENABLED=false to run without)"
    )

SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
AUTH_REFRESH_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
