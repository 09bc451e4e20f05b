"""JetStream's pull protocol for one durable consumer, over a `PullConnection` of its own.

What it implements: pull requests to ``$JS.API.CONSUMER.MSG.NEXT.<stream>.<durable>``, either a long
poll (``batch``, ``expires``, ``idle_heartbeat``) or ``no_wait`` (answered at once with what is
there); the statuses of a request: 100 (idle heartbeat: alive), 404 and 408 (done: no messages,
expired), 409 (ended: leadership change, consumer deleted, limits), 503 (no responders: the consumer
has no leader during an election; asked again after a pause, not in a loop); acks of a batch, each
kind (``+ACK``, ``+TERM``, ``-NAK`` with a delay, ``+WPI``) as one write. One request is in hand at a
time; messages of a request that outlives the ``fetch`` that sent it are kept for the next one.

Where the server says nothing, it decides: an answer to ``no_wait`` silent for 0.2 s is over (the
server does not always close it with a status when it runs out part-way); a long poll silent for
three heartbeats, or past its expiry, is lost (on a cluster, a request held by a consumer leader that
died is answered by nobody, ever) and asked again; so is a request of a lost connection, whose
deliveries may come back after the ack wait, behind later ones (``Delivery.may_have_overtaken``).

What it does not: ``max_bytes``, priority groups and pinned clients, push consumers and their flow
control, ordered consumers, creating or updating consumers (nats-py does that), double acks
(``+ACK`` awaited), several requests in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Protocol

from django.conf import settings

from streaming.connection import retry_delays
from streaming.delivery import Delivery
from streaming.pull.connection import PullConnection
from streaming.pull.wire import STATUS_PREFIX, Frame, parse_headers
from streaming.world import RepeatedWarnings

logger = logging.getLogger("streaming.pull")

HEARTBEAT_SECONDS = 2.0
PULL_EXPIRES_SECONDS = 10.0
# Once a message of a long poll is in hand, stragglers of the same answer get this long to join it.
BATCH_GRACE_SECONDS = 0.02
# A long poll with nothing yet returns empty after this long (the request stays open): the caller
# gets a turn to look around (caught up? stopping?).
IDLE_FETCH_SECONDS = HEARTBEAT_SECONDS * 2
# A no_wait request is answered at once; the server does not always close it with a status when it
# runs out of messages part-way, so silence this long means it is done.
NO_WAIT_SILENCE_SECONDS = 0.2
# A long poll that sent nothing (no message, heartbeat or status) for this long is lost.
SILENT_REQUEST_SECONDS = HEARTBEAT_SECONDS * 3
# A long poll is over by then whatever it sent: the server ends it at PULL_EXPIRES_SECONDS.
REQUEST_DEADLINE_SECONDS = PULL_EXPIRES_SECONDS + SILENT_REQUEST_SECONDS
# A request refused with 503 is asked again after this pause.
REFUSED_REQUEST_PAUSE_SECONDS = 0.5
# How long a request of a lost connection may still take messages on the server: a long poll expires
# after PULL_EXPIRES_SECONDS; a no_wait request is over within moments.
LOST_REQUEST_WINDOW_SECONDS = 2 * PULL_EXPIRES_SECONDS


class PullSource(Protocol):
    """What the runner pulls through: `PullClient` on a server, an in-memory one in tests."""

    @property
    def is_connected(self) -> bool: ...
    async def ensure_connected(self) -> bool: ...
    async def fetch(self, batch: int, *, no_wait: bool = False) -> list[Delivery]: ...
    async def ask_ahead(self, batch: int) -> None: ...
    def take_buffered(self) -> list[Delivery]: ...
    def ack(self, replies: list[bytes]) -> None: ...
    def term(self, replies: list[bytes]) -> None: ...
    def nak(self, replies: list[bytes], *, delay: float) -> None: ...
    def in_progress(self, replies: list[bytes]) -> int: ...
    async def flush(self) -> None: ...
    async def round_trip(self) -> None: ...
    async def close(self) -> None: ...


class PullClient:
    """Pulls one durable consumer of ``stream`` until ``stopping`` is set, reopening its connection with backoff."""

    def __init__(self, name: str, *, stream: str, durable: str, stopping: asyncio.Event) -> None:
        self.name = name
        self._subject = f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{durable}"
        self._stopping = stopping
        self._connection = PullConnection(
            name, self._on_frames, on_lost=self._on_lost, stale_seconds=settings.NATS_STALE_SECONDS
        )
        self._opened_before = False
        self._received: list[Delivery] = []
        self._arrived = asyncio.Event()
        self._batch = 0  # what the fetch under way waits for
        # The request in hand:
        self._open = False
        self._long_poll = False
        self._remaining = 0
        self._sent_at = 0.0
        self._heard_at = 0.0  # when it last sent anything: a message or a status
        self._refused = False
        self._repeated = RepeatedWarnings(logger)  # a refusal comes back every pause while it lasts
        self._first_arrival = 0.0
        self._overtaking_until = 0.0

    @property
    def is_connected(self) -> bool:
        return self._connection.is_connected

    @property
    def server(self) -> str:
        return self._connection.server

    async def ensure_connected(self) -> bool:
        """The connection, (re)opened with backoff when it is down; False when stopping first."""
        connection = self._connection
        if connection.is_connected:
            return True
        delays = retry_delays()
        while not self._stopping.is_set():
            await connection.close()
            try:
                await connection.open(settings.NATS_SERVERS)
            except ConnectionError as error:
                delay = next(delays)
                logger.warning("nats pull connection failed name=%s (%s); retrying in %.1fs", self.name, error, delay)
                await self._sleep(delay)
                continue
            if self._opened_before:
                logger.warning("nats pull connection reconnected name=%s server=%s", self.name, connection.server)
            else:
                logger.info("nats pull connection open name=%s server=%s", self.name, connection.server)
            self._opened_before = True
            self._open = False  # a request made on a lost connection answers nobody: ask again
            return True
        return False

    async def fetch(self, batch: int, *, no_wait: bool = False) -> list[Delivery]:
        """Up to ``batch`` deliveries: of the request in hand, or of a new one when none is.

        ``no_wait``: what is there now, whole batches at once, done when full or when the answer is
        over. Otherwise a long poll: back once a message is in hand (and its stragglers had a short
        grace), or empty after two heartbeats, the request left open for the next fetch.
        """
        if self._refused:
            self._refused = False
            self._repeated.warning(
                "pull request refused (no responders: the consumer has no leader) name=%s; asking again in %.1fs",
                self.name,
                REFUSED_REQUEST_PAUSE_SECONDS,
            )
            await self._sleep(REFUSED_REQUEST_PAUSE_SECONDS)
        self._batch = batch
        received = self._received
        if not self._open and len(received) < batch:  # with messages in hand, only what is there now
            await self._request(batch - len(received), long_poll=not no_wait and not received)
        started = time.monotonic()
        while len(received) < batch and self._open and not self._stopping.is_set():
            if self._long_poll and received:
                timeout = BATCH_GRACE_SECONDS - (time.monotonic() - self._first_arrival)
            elif self._long_poll:
                timeout = IDLE_FETCH_SECONDS - (time.monotonic() - started)
            else:
                timeout = NO_WAIT_SILENCE_SECONDS - (time.monotonic() - self._heard_at)
            if timeout <= 0:
                break
            await self._wait_for_arrivals(timeout)
        self._end_request_if_silent()
        deliveries = received[:batch]
        del received[: len(deliveries)]
        self._first_arrival = time.monotonic() if received else 0.0
        return deliveries

    async def ask_ahead(self, batch: int) -> None:
        """A no_wait request for ``batch`` now, unless one is in hand: a backlog's next batch arrives meanwhile."""
        if not self._open and len(self._received) < batch and not self._stopping.is_set():
            await self._request(batch - len(self._received), long_poll=False)

    def take_buffered(self) -> list[Delivery]:
        """What arrived and no fetch returned yet (to release it when stopping)."""
        buffered, self._received = self._received, []
        return buffered

    def ack(self, replies: list[bytes]) -> None:
        self._reply(replies, b"+ACK")

    def term(self, replies: list[bytes]) -> None:
        self._reply(replies, b"+TERM")

    def nak(self, replies: list[bytes], *, delay: float) -> None:
        self._reply(replies, b"-NAK" + (f' {{"delay": {int(delay * 1e9)}}}'.encode() if delay else b""))

    def in_progress(self, replies: list[bytes]) -> int:
        """Tell the server these and every buffered delivery are still in hand; how many that was."""
        replies = replies + [delivery.reply for delivery in self._received]
        self._reply(replies, b"+WPI")
        return len(replies)

    async def flush(self) -> None:
        """Wait until what was written left; ConnectionError when the connection went (it is redelivered)."""
        await self._connection.flush()

    async def round_trip(self) -> None:
        """The server has handled everything written before (acks); ConnectionError or TimeoutError if not."""
        await self._connection.round_trip()

    async def close(self) -> None:
        await self._connection.close()

    # --- the request in hand -------------------------------------------------------------------

    def _reply(self, replies: list[bytes], payload: bytes) -> None:
        if replies:
            self._connection.reply_all(replies, payload)

    async def _request(self, wanted: int, *, long_poll: bool) -> None:
        if not await self.ensure_connected():
            return
        if long_poll:
            request: dict[str, object] = {
                "batch": wanted,
                "expires": int(PULL_EXPIRES_SECONDS * 1e9),
                "idle_heartbeat": int(HEARTBEAT_SECONDS * 1e9),
            }
        else:  # no expiry: with one, the server would hold a no_wait request open until it expires
            request = {"batch": wanted, "no_wait": True}
        self._open = True
        self._long_poll = long_poll
        self._remaining = wanted
        self._sent_at = self._heard_at = time.monotonic()
        connection = self._connection
        connection.publish(self._subject, json.dumps(request).encode(), reply=connection.inbox)

    async def _wait_for_arrivals(self, seconds: float) -> None:
        self._arrived.clear()
        waiter = asyncio.ensure_future(self._arrived.wait())
        stopper = asyncio.ensure_future(self._stopping.wait())
        await asyncio.wait({waiter, stopper}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        stopper.cancel()

    def _end_request_if_silent(self) -> None:
        if not self._open:
            return
        now = time.monotonic()
        silent = now - self._heard_at
        if not self._long_poll:
            if silent >= NO_WAIT_SILENCE_SECONDS:
                self._open = False
        elif silent > SILENT_REQUEST_SECONDS:
            logger.warning("pull request silent for %.0fs: asking again name=%s", silent, self.name)
            self._open = False
        elif now - self._sent_at > REQUEST_DEADLINE_SECONDS:
            logger.warning("pull request past its expiry and never ended: asking again name=%s", self.name)
            self._open = False

    def _on_frames(self, frames: list[Frame]) -> None:
        """What one read of the connection brought: deliveries, and statuses of the pull request."""
        now = time.monotonic()
        received = self._received
        before = len(received)
        overtaking = now < self._overtaking_until
        for frame in frames:
            if type(frame) is bytes:
                # PING, PONG, -ERR, INFO: the connection's business. Never taken for a sign of the pull
                # request's life: a connection answers its pings while its request is lost.
                continue
            self._heard_at = now
            subject, reply, header_block, data = frame
            if reply is not None:
                delivery = Delivery(subject.decode(), data, None, reply, header_block=header_block)
                if overtaking:
                    delivery.may_have_overtaken = True
                received.append(delivery)
            elif header_block.startswith(STATUS_PREFIX):
                status = header_block[len(STATUS_PREFIX) : len(STATUS_PREFIX) + 3]
                if status != b"100":  # 404 / 408: request done; 409: request or consumer gone
                    self._open = False
                    if status == b"409":
                        logger.warning("pull request ended: %s", parse_headers(header_block))
                    elif status == b"503":  # no responders: the consumer has no leader right now
                        self._refused = True
                    self._arrived.set()
        arrived = len(received) - before
        if not arrived:
            return
        if before == 0:
            self._first_arrival = now
        self._remaining -= arrived
        if self._remaining <= 0:
            self._open = False
        # Wake the fetch for the first messages, a full batch or the end of the request.
        if before == 0 or len(received) >= self._batch or not self._open:
            self._arrived.set()

    def _on_lost(self) -> None:
        """The connection is gone (closed, lost or stale): its request answers nobody; wake the fetch."""
        self._open = False
        # The server may go on handing messages to the lost connection's requests (it cannot tell that
        # nobody reads them): they come back after the ack wait, behind what arrives meanwhile.
        self._overtaking_until = time.monotonic() + LOST_REQUEST_WINDOW_SECONDS
        self._arrived.set()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
