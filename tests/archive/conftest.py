"""The archive's tests: the session's SeaweedFS, each test under a key prefix of its own (a clean archive)."""

from __future__ import annotations

import uuid

import pytest

from archive.store import ArchiveStore

TEST_BUCKET = "test-archive"


@pytest.fixture
def archive_store(archive_server, settings) -> ArchiveStore:
    """ARCHIVE_URL on the session's SeaweedFS, under a fresh prefix; the store it names."""
    settings.ARCHIVE_URL = f"s3://{TEST_BUCKET}/t-{uuid.uuid4().hex[:12]}"
    settings.ARCHIVE_ENDPOINT_URL = archive_server.endpoint_url
    settings.ARCHIVE_CREDENTIALS = ("embedded", "embedded")
    store = ArchiveStore.from_settings()
    store.ensure_bucket()
    return store


def archive_env(settings) -> dict[str, str]:
    """What a management command in a subprocess needs to reach this test's archive."""
    return {
        "ARCHIVE_URL": settings.ARCHIVE_URL,
        "ARCHIVE_ENDPOINT_URL": settings.ARCHIVE_ENDPOINT_URL,
        "AWS_ACCESS_KEY_ID": "embedded",
        "AWS_SECRET_ACCESS_KEY": "embedded",
    }
