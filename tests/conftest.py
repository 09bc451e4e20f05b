"""Shared fixtures: the session's real servers (devtools/pytest_servers.py) and clean NATS state."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from django.conf import settings as django_settings
from nats.js.errors import NotFoundError, ServerError

from devtools import pytest_servers
from streaming.connection import connect
from streaming.durables import PARTITIONED_STREAM
from streaming.streams import ensure_stream
from tests.support import run_async


@pytest.fixture(scope="session")
def test_servers() -> pytest_servers.TestServers:
    assert pytest_servers.servers is not None, "the devtools.pytest_servers plugin did not start the servers"
    return pytest_servers.servers


async def reset_stream(*, duplicate_window_seconds: float | None = None) -> None:
    """Delete GAME_EVENTS (and GAME_EVENTS_PARTITIONED), then make it again, empty (its duplicate window the
    contract's unless given)."""
    client = await connect("test-reset", retry_forever=False)
    try:
        js = client.jetstream()
        for name in (PARTITIONED_STREAM, django_settings.GAME_EVENTS_STREAM):
            with contextlib.suppress(NotFoundError):
                await js.delete_stream(name)
        # The server may still be removing the deleted stream's files, and then refuses to make its
        # store again ("error creating store for stream", 10049) for a moment: ask again until it can.
        deadline = time.monotonic() + 10
        while True:
            try:
                await ensure_stream(js, duplicate_window_seconds=duplicate_window_seconds)
                return
            except ServerError as error:
                if error.err_code != 10049 or time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)
    finally:
        await client.close()


@pytest.fixture
def stream(test_servers, settings):
    """A fresh, empty GAME_EVENTS stream on the session's NATS server, and no GAME_EVENTS_PARTITIONED."""
    settings.NATS_SERVERS = [test_servers.nats.url]
    if not test_servers.nats.is_running():
        test_servers.nats.start()
    run_async(reset_stream())
    return django_settings.GAME_EVENTS_STREAM
