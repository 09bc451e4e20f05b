"""The archiver with its own NATS user (deploy/nats-cluster/authorization.conf): its job done, another's refused."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys

import pytest

from history.models import Match
from streaming.streams import ensure_stream
from tests.archive.support import project, publish_match_with_moment
from tests.deploy.test_role_credentials import _allowed, _consumer
from tests.support import run_async, subprocess_env, wait_until, with_jetstream

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_the_archiver_archives_with_its_own_user_and_may_not_consume_for_the_projector(
    role_urls, archive_server, settings
):
    settings.NATS_SERVERS = [role_urls["ADMIN"]]  # setup_stream's role, and the publisher's here
    run_async(with_jetstream(ensure_stream))
    match = project("room-a", publish_match_with_moment("room-a", 0))
    env = {
        **subprocess_env(),
        "NATS_URL": role_urls["ARCHIVER"],
        "ARCHIVE_URL": "s3://test-archive/role",
        "ARCHIVE_ENDPOINT_URL": archive_server.endpoint_url,
        "AWS_ACCESS_KEY_ID": "embedded",
        "AWS_SECRET_ACCESS_KEY": "embedded",
        "ARCHIVE_SETTLE_SECONDS": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_archiver"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until(lambda: Match.objects.get(pk=match.pk).archived_at is not None, timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "Permissions Violation" not in output
    assert not asyncio.run(_allowed(role_urls["ARCHIVER"], _consumer("match-projector")))
