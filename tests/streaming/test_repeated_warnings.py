"""A world failure retried at a fixed pace logs once an interval, saying how many it held back."""

from __future__ import annotations

import asyncio
import logging

import pytest

from streaming.pull.client import REFUSED_REQUEST_PAUSE_SECONDS, PullClient
from streaming.world import REPEATED_WARNING_SECONDS, RepeatedWarnings
from tests.support import run_async

logger = logging.getLogger("tests.repeated")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def messages(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == logger.name]


def test_a_repeated_warning_is_logged_once_an_interval_with_the_count_held_back(caplog):
    clock = Clock()
    warnings = RepeatedWarnings(logger, interval=30, clock=clock)
    with caplog.at_level(logging.WARNING, logger=logger.name):
        for second in range(65):  # once a second: at 0 logged, 1-29 held, 30 logged, ... 60 logged
            clock.now = 1000.0 + second
            warnings.warning("refused name=%s; again in %.1fs", "p", 0.5)
    assert messages(caplog) == [
        "refused name=p; again in 0.5s",
        "refused name=p; again in 0.5s (29 more like it in the last 30s)",
        "refused name=p; again in 0.5s (29 more like it in the last 30s)",
    ]


def test_different_warnings_are_limited_each_on_its_own(caplog):
    clock = Clock()
    warnings = RepeatedWarnings(logger, interval=30, clock=clock)
    with caplog.at_level(logging.WARNING, logger=logger.name):
        for _ in range(3):
            warnings.warning("first %s", 1)
            warnings.warning("second %s", 2)
        clock.now += 31
        warnings.warning("second %s", 3)
    assert messages(caplog) == ["first 1", "second 2", "second 3 (2 more like it in the last 31s)"]


@pytest.mark.slow
def test_pulls_refused_for_seconds_log_one_line(stream, caplog):
    """A durable nobody serves: the server answers each pull request 503 (no responders)."""
    refusals_seen = 6 * REFUSED_REQUEST_PAUSE_SECONDS
    assert refusals_seen < REPEATED_WARNING_SECONDS

    async def pull_for_a_while() -> None:
        client = PullClient("test-refused", stream=stream, durable="no-such-consumer", stopping=asyncio.Event())
        try:
            assert await client.ensure_connected()
            loop = asyncio.get_running_loop()
            until = loop.time() + refusals_seen
            while loop.time() < until:
                assert await client.fetch(10, no_wait=True) == []
        finally:
            await client.close()

    with caplog.at_level(logging.WARNING, logger="streaming.pull"):
        run_async(pull_for_a_while())
    refused = [record for record in caplog.records if "pull request refused" in record.getMessage()]
    assert len(refused) == 1, [record.getMessage() for record in refused]
    assert "name=test-refused" in refused[0].getMessage()
