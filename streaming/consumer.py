"""What a consumer is to the runner (STYLE section 4): its names, its verdicts, and the two ways to process a batch.

A consumer says what one batch of messages means, named for the work it does there:

- ``process_with_database(batch)``: blocking work (the ORM), run on the runner's one worker thread,
  once per batch. The projector writes its matches here.
- ``process_with_nats(batch, in_worker_thread)``: asynchronous work on the runner's event loop, for a
  consumer that reads and publishes with NATS (the detector); it may hand blocking work to the worker
  thread through ``in_worker_thread``. The default does just that with ``process_with_database``.

Whatever a consumer publishes or reads goes through the NATS client given in its constructor (a
``NatsLink``, opened by the runner), never through the runner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from streaming.connection import NatsLink
from streaming.delivery import Delivery
from streaming.poison import Poison, record_poisons
from streaming.world import NATS_UNAVAILABLE

# Runs a blocking function on the runner's worker thread: ``await in_worker_thread(function, *args)``.
InWorkerThread = Callable[..., Awaitable[Any]]
# Work of a consumer's process that no message brings, run by the runner beside the loop: given the
# runner's stopping event, it returns once that is set (or is cancelled when the runner ends).
Companion = Callable[[asyncio.Event], Awaitable[None]]


class Verdict(Enum):
    ACK = "ack"
    TERM = "term"  # can never succeed: recorded for operators by the consumer, never redelivered
    NAK = "nak"  # try again later


class RetryLater(Exception):
    """The world is failing (a database or NATS away): nak the batch with a delay, lose nothing."""


# NATS_UNAVAILABLE: a stream without a leader during an election raised NoStreamResponseError out of a
# detector's publish, and the batch was split and terminated as poison ("unexpected error").
WORLD_ERRORS: tuple[type[BaseException], ...] = (RetryLater, OperationalError, InterfaceError, *NATS_UNAVAILABLE)


def ack_waits() -> list[float]:
    """How long a message may stay unacknowledged at its first delivery, then at each redelivery (the last repeats).

    One list because NATS takes a consumer's ack wait from the first entry of its `backoff` whenever
    there is one, whatever `ack_wait` says (an ack wait of 60 s beside a backoff of 10, 30, ... was
    stored as 10 s).
    """
    return [float(settings.CONSUMER_ACK_WAIT_SECONDS), *settings.CONSUMER_REDELIVERY_BACKOFF_SECONDS]


class Consumer:
    """A durable pull consumer of GAME_EVENTS. Subclasses set the names and say what a batch means."""

    durable: str = ""
    filter_subject: str = "game.*.events"
    # Each batch costs a pull round trip and a transaction: on a backlog, 1,000 gave the projector
    # 43k events/s and 5,000 about 57k (bench/). Two batches in flight stay under max_ack_pending.
    batch_size: int = 5000
    # Unlimited: a message is never dropped for being retried while PostgreSQL is away; messages that
    # can never succeed are terminated explicitly (Verdict.TERM) instead.
    max_deliver: int = -1
    max_ack_pending: int = 20_000
    # How long a message given Verdict.NAK waits before it comes again; a consumer that waits for
    # something (the archiver, for a match to settle) may set it for each batch.
    nak_delay_seconds: float = 1.0

    def __init__(self, *, nats: NatsLink | None = None) -> None:
        # The runner also sets the stream and the durable up through it.
        self.nats = nats if nats is not None else NatsLink(self.durable)

    def consumer_config(self) -> ConsumerConfig:
        waits = ack_waits()
        return ConsumerConfig(
            durable_name=self.durable,
            filter_subject=self.filter_subject,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=waits[0],
            backoff=waits if len(waits) > 1 else None,
            max_deliver=self.max_deliver,
            max_ack_pending=self.max_ack_pending,
            deliver_policy=DeliverPolicy.ALL,
            max_waiting=16,
            num_replicas=settings.GAME_EVENTS_REPLICAS,
        )

    async def process_with_nats(self, batch: list[Delivery], in_worker_thread: InWorkerThread) -> list[Verdict]:
        """One verdict per delivery, on the event loop. The default crosses to the worker thread once per batch."""
        return await in_worker_thread(self.process_with_database, batch)

    def process_with_database(self, batch: list[Delivery]) -> list[Verdict]:
        """One verdict per delivery, on the runner's worker thread (blocking code, the ORM)."""
        raise NotImplementedError

    def companions(self) -> list[Companion]:
        """What the runner runs beside this consumer while it runs (the archiver's follow-ups); none by default."""
        return []

    def handle_poison(self, delivery: Delivery, reason: str) -> None:
        """Record a message that can never succeed, on the worker thread; the runner terminates it afterwards."""
        record_poisons(self.durable, [Poison(delivery, reason)])
