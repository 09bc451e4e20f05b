"""setup_stream: creates GAME_EVENTS as docs/contract.md says, updates it in place, explains what it cannot change."""

import asyncio

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig

from streaming.connection import connect
from tests.support import stream_info


def stream_config() -> StreamConfig:
    return stream_info().config


def replace_stream(**config) -> None:
    async def replace() -> None:
        client = await connect("test", retry_forever=False)
        try:
            js = client.jetstream()
            await js.delete_stream(settings.GAME_EVENTS_STREAM)
            await js.add_stream(StreamConfig(name=settings.GAME_EVENTS_STREAM, subjects=["game.>"], **config))
        finally:
            await client.close()

    asyncio.run(replace())


def test_setup_stream_creates_it_as_the_spec_says_and_is_safe_to_repeat(stream, capsys):
    call_command("setup_stream")
    assert "GAME_EVENTS unchanged" in capsys.readouterr().out
    config = stream_config()
    assert config.subjects == ["game.>"]
    assert config.retention == RetentionPolicy.LIMITS
    assert config.storage == StorageType.FILE
    assert config.discard == DiscardPolicy.OLD
    assert config.max_age == 90 * 24 * 3600
    assert config.duplicate_window == 120
    assert config.num_replicas == 1
    assert (config.republish.src, config.republish.dest) == ("game.>", "live.game.>")


def test_setup_stream_brings_a_drifted_stream_back_in_place(stream, capsys):
    replace_stream(max_age=3600, duplicate_window=10, storage=StorageType.FILE)
    call_command("setup_stream")
    output = capsys.readouterr().out
    assert "GAME_EVENTS updated" in output and "max_age" in output and "duplicate_window" in output
    assert "republish" in output, "a stream made before the live feeds' copies gets them in place"
    assert stream_config().max_age == 90 * 24 * 3600
    assert stream_config().republish.dest == "live.game.>"


def test_setup_stream_explains_what_it_cannot_change(stream):
    replace_stream(storage=StorageType.MEMORY)
    with pytest.raises(CommandError, match=r"storage.*recreate"):
        call_command("setup_stream")


@pytest.mark.slow
def test_setup_stream_with_nats_unreachable_is_a_clear_error(stream, settings):
    settings.NATS_SERVERS = ["nats://127.0.0.1:1"]
    with pytest.raises(CommandError, match="NATS"):
        call_command("setup_stream")
