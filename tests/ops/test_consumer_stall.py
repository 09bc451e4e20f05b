"""`/healthz` calls a consumer stalled when its process stops while events keep arriving (docs/operations.md).

The projector runs as its own process; SIGSTOP freezes it with its connections open, as a hung
process would, while a publisher keeps storing events. The web side keeps no state: every answer is
read from the consumer's info and the server's clock.
"""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import threading

import pytest
from django.test import Client

from history.models import Match
from streaming.connection import connect
from tests.streaming.factories import match_events
from tests.support import subprocess_env, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

STALL_SECONDS = 2.0


class SteadyPublisher:
    """Publishes a match's events, one every 50 ms and match after match, on a thread, until stopped."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.published = 0
        self.thread = threading.Thread(target=lambda: asyncio.run(self._publish()), daemon=True)

    async def _publish(self) -> None:
        client = await connect("test-steady-publisher", retry_forever=False)
        try:
            js = client.jetstream()
            index = 0
            while not self.stopping.is_set():
                for event, msg_id in match_events("steady-room", index=index, placements_per_player=1):
                    payload = json.dumps(event).encode()
                    await js.publish("game.steady-room.events", payload, headers={"Nats-Msg-Id": msg_id})
                    self.published += 1
                    await asyncio.sleep(0.05)
                index += 1
        finally:
            await client.close()

    def __enter__(self) -> SteadyPublisher:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stopping.set()
        self.thread.join(10)


def projector_health() -> dict:
    return Client().get("/healthz").json()["consumers"]["match-projector"]


def test_a_stopped_projector_is_stalled_while_events_arrive_and_not_once_it_resumes(stream, settings, tmp_path):
    settings.CONSUMER_STALL_SECONDS = STALL_SECONDS
    with open(tmp_path / "projector.log", "ab") as log:
        projector = subprocess.Popen(
            [sys.executable, "manage.py", "run_projector"], env=subprocess_env(), stdout=log, stderr=log
        )
    try:
        with SteadyPublisher() as publisher:
            wait_until(lambda: Match.objects.count() >= 1, timeout=60)
            wait_until(lambda: projector_health()["stalled"] is False, timeout=10)

            projector.send_signal(signal.SIGSTOP)
            stopped_at = publisher.published
            wait_until(lambda: projector_health()["stalled"] is True, timeout=STALL_SECONDS + 10)
            stalled = projector_health()
            assert publisher.published > stopped_at, "events must keep arriving while the projector is stopped"
            assert stalled["pending"] + stalled["ack_pending"] > 0
            assert Client().get("/healthz").json()["status"] == "degraded"

            projector.send_signal(signal.SIGCONT)
            wait_until(lambda: projector_health()["stalled"] is False, timeout=30)
    finally:
        projector.send_signal(signal.SIGCONT)
        projector.send_signal(signal.SIGTERM)
        try:
            projector.wait(timeout=30)
        finally:
            if projector.poll() is None:
                projector.kill()
