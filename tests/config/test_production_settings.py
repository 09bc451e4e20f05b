import subprocess
import sys

import pytest

GOOD = {
    "DJANGO_SECRET_KEY": "k" * 50,
    "DATABASE_URL": "postgres://u:p@db:5432/x",
    "NATS_URL": "nats://nats:4222",
}


def load_production(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.production'; django.setup()"
    return subprocess.run(
        [sys.executable, "-c", code], env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, timeout=60
    )


@pytest.mark.slow
def test_production_settings_load_with_a_real_configuration():
    result = load_production(GOOD)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "insecure-development-key-do-not-use-in-production"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"NATS_URL": ""}, "NATS_URL"),
    ],
)
def test_production_settings_refuse_to_start_misconfigured(change, message):
    result = load_production({**GOOD, **change})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


@pytest.mark.slow
def test_production_sends_the_refresh_cookie_over_https_only():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings.production'; django.setup()\n"
        "from django.conf import settings; print(settings.AUTH_REFRESH_COOKIE_SECURE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={"PATH": "/usr/bin:/bin", **GOOD}, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
