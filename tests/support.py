"""Helpers for tests on real servers: publishing to JetStream, a consumer run in a thread, waiting."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterable

from django.conf import settings

from streaming.connection import connect
from streaming.consumer import Consumer
from streaming.runner import ConsumerRunner


def run_async(coroutine):
    return asyncio.run(coroutine)


async def with_jetstream(action):
    """``await action(js)`` on a connection of its own; what it returns."""
    client = await connect("test-admin", retry_forever=False)
    try:
        return await action(client.jetstream())
    finally:
        await client.close()


def stream_info():
    """GAME_EVENTS as the server reports it now."""
    return run_async(with_jetstream(lambda js: js.stream_info(settings.GAME_EVENTS_STREAM)))


def add_durable_consumers(*durables: str) -> None:
    """Durable consumers of GAME_EVENTS on game.*.events, as the consumers would create them, without running one."""
    from nats.js.api import AckPolicy, ConsumerConfig

    async def add(js):
        for durable in durables:
            config = ConsumerConfig(durable_name=durable, filter_subject="game.*.events", ack_policy=AckPolicy.EXPLICIT)
            await js.add_consumer(settings.GAME_EVENTS_STREAM, config)

    run_async(with_jetstream(add))


def consumer_info(durable: str):
    """A durable consumer of GAME_EVENTS as the server reports it now; NotFoundError if there is none."""
    return run_async(with_jetstream(lambda js: js.consumer_info(settings.GAME_EVENTS_STREAM, durable)))


async def _publish_all(items: Iterable[tuple[str, bytes, dict | None]]) -> list[int]:
    client = await connect("test-publisher", retry_forever=False)
    try:
        js = client.jetstream()
        futures = [await js.publish_async(subject, payload, headers=headers) for subject, payload, headers in items]
        acks = await asyncio.gather(*futures)
        return [ack.seq for ack in acks]
    finally:
        await client.close()


def stored_game_events() -> list[tuple[int, str, bytes, dict | None]]:
    """(sequence, subject, payload, headers) of every event of GAME_EVENTS, in stream order."""

    async def read(js):
        last = (await js.stream_info(settings.GAME_EVENTS_STREAM)).state.last_seq
        messages = [await js.get_msg(settings.GAME_EVENTS_STREAM, seq) for seq in range(1, last + 1)]
        return [(m.seq, m.subject, m.data, m.headers) for m in messages if m.subject.endswith(".events")]

    return run_async(with_jetstream(read))


def publish_raw(items: Iterable[tuple[str, bytes, dict | None]]) -> list[int]:
    """Publish (subject, payload, headers) triples to JetStream; return their stream sequences."""
    return run_async(_publish_all(list(items)))


def publish_match(room_id: str, events: list[tuple[dict, str]], *, with_headers: bool = True) -> list[int]:
    return publish_raw(
        (f"game.{room_id}.events", json.dumps(event).encode(), {"Nats-Msg-Id": msg_id} if with_headers else None)
        for event, msg_id in events
    )


class BackgroundConsumer:
    """Runs a ConsumerRunner on its own thread and event loop, as the management command would."""

    def __init__(self, consumer: Consumer, **runner_options) -> None:
        self.runner = ConsumerRunner(consumer, **runner_options)
        self.loop = asyncio.new_event_loop()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, daemon=True)

    def _main(self) -> None:
        try:
            self.loop.run_until_complete(self.runner.run(install_signal_handlers=False))
        except BaseException as error:  # reported by stop()
            self.error = error

    def __enter__(self) -> BackgroundConsumer:
        self.thread.start()
        return self

    def stop(self, timeout: float = 20) -> None:
        self.loop.call_soon_threadsafe(self.runner.stop)
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "consumer did not stop"
        if self.error is not None:
            raise self.error

    def __exit__(self, *exc_info) -> None:
        self.stop()


def wait_until(condition: Callable[[], bool], timeout: float = 20.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def subprocess_env() -> dict[str, str]:
    """Environment for a management command in a subprocess, on this test's database and NATS server."""
    import os

    from django.db import connection

    db = connection.settings_dict
    host = db["OPTIONS"].get("host") or db["HOST"]
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgresql://{db['USER']}:{db['PASSWORD']}@/{db['NAME']}?host={host}",
        NATS_URL=",".join(settings.NATS_SERVERS),
        DJANGO_SETTINGS_MODULE="config.settings.test",
        PYTHONUNBUFFERED="1",
    )
    return env
