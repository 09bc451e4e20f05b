"""dev.py up's demo stays gentle (issue 24): GAME_EVENTS bounded in bytes in development only, kept
so by setup_stream, and the first projected match noticed for the banner."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection

from devtools.dev_stream import DEFAULT_MAX_BYTES, bound_stream_bytes, dev_stream_max_bytes, first_projected_match
from tests.stats.builders import match_of, seat
from tests.support import run_async


async def _max_bytes(url: str) -> int:
    import nats

    client = await nats.connect(servers=[url])
    try:
        return (await client.jetstream().stream_info("GAME_EVENTS")).config.max_bytes
    finally:
        await client.close()


def test_the_development_stream_is_bounded_and_setup_stream_keeps_the_bound(stream, test_servers):
    url = test_servers.nats.url
    assert run_async(_max_bytes(url)) == -1  # production's stream: bounded by age alone
    try:
        assert bound_stream_bytes(url, 50_000_000) == 50_000_000
        assert bound_stream_bytes(url, 50_000_000) == 50_000_000  # again: unchanged
        call_command("setup_stream", stdout=io.StringIO())
        assert run_async(_max_bytes(url)) == 50_000_000
    finally:
        bound_stream_bytes(url, 0)
    assert run_async(_max_bytes(url)) == -1


def test_the_bound_comes_from_dev_stream_max_bytes():
    assert dev_stream_max_bytes({}) == DEFAULT_MAX_BYTES
    assert dev_stream_max_bytes({"DEV_STREAM_MAX_BYTES": "1000"}) == 1000


@pytest.mark.django_db(transaction=True)
def test_the_first_projected_match_is_noticed():
    db = connection.settings_dict
    host = db["OPTIONS"].get("host") or db["HOST"]
    url = f"postgresql://{db['USER']}:{db['PASSWORD']}@/{db['NAME']}?host={host}"
    before = match_of([seat(), seat()])  # a match of an earlier run
    began = datetime.now(UTC)
    assert first_projected_match(url, began) is None
    match = match_of([seat(), seat()])
    assert first_projected_match(url, began) == str(match.id) != str(before.id)
    assert first_projected_match("postgresql://nobody@/nowhere?host=/nonexistent", began) is None
