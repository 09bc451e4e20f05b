"""Test settings: the test tooling (devtools/pytest_servers.py) starts real servers and sets the URLs."""

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast user creation in tests
SIMPLE_JWT = {**SIMPLE_JWT, "SIGNING_KEY": "test-signing-key-that-is-long-enough-for-hs256"}  # noqa: F405
# Static files are not served in tests; WhiteNoise would warn about the missing STATIC_ROOT on every request.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
# Consumers started by tests serve no metrics port unless a test asks for one: tests of several
# worktrees run at once on one machine, and a fixed port would stop the second (docs/operations.md).
PROJECTOR_METRICS_PORT = env_int("PROJECTOR_METRICS_PORT", 0)  # noqa: F405
DETECTOR_METRICS_PORT = env_int("DETECTOR_METRICS_PORT", 0)  # noqa: F405
ARCHIVER_METRICS_PORT = env_int("ARCHIVER_METRICS_PORT", 0)  # noqa: F405
