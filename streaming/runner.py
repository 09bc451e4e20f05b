"""The one consumer loop shared by every long-lived consumer (STYLE section 4).

The runner owns what is hard and the same everywhere: connecting with infinite reconnects, ensuring
the stream and the durable pull consumer, pulling batches, ack / nak-with-delay / term, backoff while
PostgreSQL or NATS is away, and SIGTERM / SIGINT. A consumer only says what one batch means.

Messages are pulled with hand-made pull requests (the same pull semantics as nats-py's `fetch`, about
three times its throughput: shared/FACTS.md) over a lean connection of the runner's own
(`streaming.pull`), which also carries the acks, a batch's in one write. Stream and consumer setup, and
whatever a consumer publishes or reads, go through nats-py.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections
from nats.errors import Error as NatsError
from nats.js.errors import NotFoundError

from streaming.connection import backoff_delays
from streaming.consumer import WORLD_ERRORS, Consumer, Verdict, ack_waits
from streaming.delivery import Delivery
from streaming.pull import STATUS_PREFIX, Frame, PullConnection, check_servers, parse_headers
from streaming.streams import ensure_stream
from streaming.world import NATS_UNAVAILABLE

logger = logging.getLogger("streaming.runner")

HEARTBEAT_SECONDS = 2.0
PULL_EXPIRES_SECONDS = 10.0
BATCH_GRACE_SECONDS = 0.02
# A no_wait request is answered at once; the server does not always close it with a status when it
# runs out of messages part-way, so silence this long means it is done.
NO_WAIT_SILENCE_SECONDS = 0.2
# How long a request of a lost connection may still take messages on the server: a long poll expires
# after PULL_EXPIRES_SECONDS; a no_wait request is over within moments.
LOST_REQUEST_WINDOW_SECONDS = 2 * PULL_EXPIRES_SECONDS
# A long poll that sent nothing (no message, heartbeat or status) for this long is lost: on a cluster,
# a request held by a consumer leader that died is answered by nobody, ever.
SILENT_REQUEST_SECONDS = HEARTBEAT_SECONDS * 3
# A long poll is over by then whatever it sent: the server ends it at PULL_EXPIRES_SECONDS.
REQUEST_DEADLINE_SECONDS = PULL_EXPIRES_SECONDS + SILENT_REQUEST_SECONDS
# A request refused with 503 (no responders: the consumer has no leader, an election) is asked again
# after this pause, not at once in a loop.
REFUSED_REQUEST_PAUSE_SECONDS = 0.5
# A batch is reported in progress for this long at most: one stuck past it (a database call that never
# returns) is left to the ack wait, so that another process can take its messages.
MAX_IN_PROGRESS_SECONDS = 600.0


class ConsumerRunner:
    """Runs one Consumer until SIGTERM / SIGINT (or `stop()`), surviving NATS and PostgreSQL restarts."""

    def __init__(self, consumer: Consumer, *, stream: str | None = None, stop_when_idle: bool = False) -> None:
        self.consumer = consumer
        self.stream = stream or settings.GAME_EVENTS_STREAM
        self.stop_when_idle = stop_when_idle
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{consumer.durable}-sync")
        self._stopping: asyncio.Event | None = None
        self._received: list[Delivery] = []
        self._arrived: asyncio.Event | None = None
        self._request_open = False
        self._request_long_poll = False
        self._request_remaining = 0
        self._request_sent_at = 0.0
        self._request_heard_at = 0.0  # when the request in hand last sent anything: a message or a status
        self._request_refused = False
        self._first_arrival = 0.0
        self._idle = False
        self._overtaking_until = 0.0
        self.processed = 0
        self.pull = PullConnection(
            f"{consumer.durable}-pull",
            self._on_frames,
            on_lost=self._on_pull_lost,
            stale_seconds=settings.NATS_STALE_SECONDS,
        )
        self._pull_opened = False

    # --- public --------------------------------------------------------------------------------

    def stop(self) -> None:
        if self._stopping is not None:
            self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping is not None and self._stopping.is_set()

    async def in_worker_thread(self, function, *args):
        """Run blocking code (the ORM) on the runner's one worker thread, keeping one DB connection."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _with_fresh_connection, function, *args)

    async def run(self, *, install_signal_handlers: bool = True) -> None:
        """Consume until stopped; UnusableNatsUrl first for a NATS_URL the pull connection cannot use."""
        check_servers(settings.NATS_SERVERS)
        self._stopping = asyncio.Event()
        self._arrived = asyncio.Event()
        loop = asyncio.get_running_loop()
        if install_signal_handlers:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, self._on_signal, signum)
        try:
            await self.consumer.nats.open(should_stop=lambda: self.stopping)
        except Exception:
            if self.stopping:
                return
            raise
        try:
            await self._ensure_stream_and_consumer()
            await self._loop()
        finally:
            await self.pull.close()
            await self.consumer.nats.close()
            await asyncio.get_running_loop().run_in_executor(self._executor, connections.close_all)
            self._executor.shutdown(wait=True)
            logger.info("consumer stopped durable=%s processed=%d", self.consumer.durable, self.processed)

    # --- setup ---------------------------------------------------------------------------------

    async def _ensure_stream_and_consumer(self) -> None:
        js = self.consumer.nats.client.jetstream()
        delays = backoff_delays()
        while True:
            try:
                await ensure_stream(js)
                config = self.consumer.consumer_config()
                try:
                    have = (await js.consumer_info(self.stream, self.consumer.durable)).config
                    # Where it starts is fixed when it is made (setup_stream starts a detector mid-stream).
                    config.deliver_policy, config.opt_start_seq = have.deliver_policy, have.opt_start_seq
                    config.opt_start_time = have.opt_start_time
                    await js.add_consumer(self.stream, config)  # same name: updates what may change
                except NotFoundError:
                    await js.add_consumer(self.stream, config)
                    logger.info("consumer created durable=%s filter=%s", config.durable_name, config.filter_subject)
                return
            except NATS_UNAVAILABLE as error:  # an election or no quorum on a cluster, too
                if self.stopping:
                    raise
                delay = next(delays)
                logger.warning("stream setup failed (%s); retrying in %.1fs", error.__class__.__name__, delay)
                await asyncio.sleep(delay)

    # --- receiving -----------------------------------------------------------------------------

    def _on_signal(self, signum: int) -> None:
        logger.info("signal %s: finishing the batch in hand, then exiting", signal.Signals(signum).name)
        self.stop()

    async def _connected_pull(self) -> PullConnection | None:
        """The pull connection, (re)opened with backoff when it is down; None when stopping first."""
        if self.pull.is_connected:
            return self.pull
        delays = backoff_delays()
        while not self.stopping:
            await self.pull.close()
            try:
                await self.pull.open(settings.NATS_SERVERS)
            except ConnectionError as error:
                delay = next(delays)
                logger.warning(
                    "nats pull connection failed name=%s (%s); retrying in %.1fs", self.pull.name, error, delay
                )
                await self._sleep(delay)
                continue
            if self._pull_opened:
                logger.warning("nats pull connection reconnected name=%s server=%s", self.pull.name, self.pull.server)
            else:
                logger.info("nats pull connection open name=%s server=%s", self.pull.name, self.pull.server)
            self._pull_opened = True
            self._request_open = False  # a request made on a lost connection answers nobody: ask again
            return self.pull
        return None

    def _on_frames(self, frames: list[Frame]) -> None:
        """What one read of the pull connection brought: deliveries, and statuses of the pull request."""
        assert self._arrived is not None
        now = time.monotonic()
        received = self._received
        before = len(received)
        overtaking = now < self._overtaking_until
        for frame in frames:
            if type(frame) is bytes:
                # PING, PONG, -ERR, INFO: the connection's business. Never taken for a sign of the pull
                # request's life: a connection answers its pings while its request is lost.
                continue
            self._request_heard_at = now
            subject, reply, header_block, data = frame
            if reply is not None:
                delivery = Delivery(subject.decode(), data, None, reply, header_block=header_block)
                if overtaking:
                    delivery.may_have_overtaken = True
                received.append(delivery)
            elif header_block.startswith(STATUS_PREFIX):
                status = header_block[len(STATUS_PREFIX) : len(STATUS_PREFIX) + 3]
                if status != b"100":  # 404 / 408: request done; 409: request or consumer gone
                    self._request_open = False
                    if status == b"409":
                        logger.warning("pull request ended: %s", parse_headers(header_block))
                    elif status == b"503":  # no responders: the consumer has no leader right now
                        self._request_refused = True
                    self._arrived.set()
        arrived = len(received) - before
        if not arrived:
            return
        if before == 0:
            self._first_arrival = now
        self._request_remaining -= arrived
        if self._request_remaining <= 0:
            self._request_open = False
        # Wake the loop for the first messages, a full batch or the end of the request.
        if before == 0 or len(received) >= self.consumer.batch_size or not self._request_open:
            self._arrived.set()

    def _on_pull_lost(self) -> None:
        """The pull connection is gone (closed, lost or stale): its request answers nobody; wake the loop."""
        self._request_open = False
        # The server may go on handing messages to the lost connection's requests (it cannot tell that
        # nobody reads them): they come back after the ack wait, behind what arrives meanwhile.
        self._overtaking_until = time.monotonic() + LOST_REQUEST_WINDOW_SECONDS
        if self._arrived is not None:
            self._arrived.set()

    async def _request(self, *, long_poll: bool) -> None:
        pull = await self._connected_pull()
        if pull is None:
            return
        wanted = self.consumer.batch_size - len(self._received)
        if wanted <= 0:
            return
        if long_poll:
            request: dict[str, object] = {
                "batch": wanted,
                "expires": int(PULL_EXPIRES_SECONDS * 1e9),
                "idle_heartbeat": int(HEARTBEAT_SECONDS * 1e9),
            }
        else:  # no expiry: with one, the server would hold a no_wait request open until it expires
            request = {"batch": wanted, "no_wait": True}
        self._request_open = True
        self._request_long_poll = long_poll
        self._request_remaining = wanted
        self._request_sent_at = self._request_heard_at = time.monotonic()
        subject = f"$JS.API.CONSUMER.MSG.NEXT.{self.stream}.{self.consumer.durable}"
        pull.publish(subject, json.dumps(request).encode(), reply=pull.inbox)

    async def _next_batch(self) -> list[Delivery]:
        """Wait for messages; return up to one batch, empty when idle or stopping.

        A backlog is asked for without waiting: the server answers such a request at once, with whole
        batches, so the batch goes when full or when the answer is over. An idle consumer long-polls
        with heartbeats, and once a message of a long poll is in hand, stragglers get a short grace.
        """
        assert self._arrived is not None and self._stopping is not None
        size = self.consumer.batch_size
        if self._request_refused:
            self._request_refused = False
            logger.warning(
                "pull request refused (no responders: the consumer has no leader); asking again in %.1fs",
                REFUSED_REQUEST_PAUSE_SECONDS,
            )
            await self._sleep(REFUSED_REQUEST_PAUSE_SECONDS)
        if not self._request_open and len(self._received) < size:
            await self._request(long_poll=self._idle and not self._received)
        started = time.monotonic()
        while len(self._received) < size and self._request_open and not self._stopping.is_set():
            if self._request_long_poll and self._received:
                timeout = BATCH_GRACE_SECONDS - (time.monotonic() - self._first_arrival)
            elif self._request_long_poll:
                timeout = HEARTBEAT_SECONDS * 2 - (time.monotonic() - started)
            else:
                timeout = NO_WAIT_SILENCE_SECONDS - (time.monotonic() - self._request_heard_at)
            if timeout <= 0:
                break
            self._arrived.clear()
            waiter = asyncio.ensure_future(self._arrived.wait())
            stopper = asyncio.ensure_future(self._stopping.wait())
            await asyncio.wait({waiter, stopper}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            stopper.cancel()
        now = time.monotonic()
        silent = now - self._request_heard_at
        if self._request_open and not self._request_long_poll and silent >= NO_WAIT_SILENCE_SECONDS:
            self._request_open = False
        elif self._request_open and silent > SILENT_REQUEST_SECONDS:
            logger.warning("pull request silent for %.0fs: asking again", silent)
            self._request_open = False
        elif self._request_open and now - self._request_sent_at > REQUEST_DEADLINE_SECONDS:
            logger.warning("pull request past its expiry and never ended: asking again")
            self._request_open = False
        batch = self._received[:size]
        del self._received[: len(batch)]
        self._idle = not batch
        self._first_arrival = time.monotonic() if self._received else 0.0
        if len(batch) == size and not self._request_open and not self._stopping.is_set():
            # A backlog: ask for the next batch now, so it arrives while this one is processed.
            await self._request(long_poll=False)
        return batch

    # --- the loop ------------------------------------------------------------------------------

    async def _loop(self) -> None:
        assert self._stopping is not None
        delays = backoff_delays(first=1.0)
        while not self._stopping.is_set():
            batch = await self._next_batch()
            if not batch:
                if self.stop_when_idle and await self._caught_up():
                    break
                continue
            try:
                verdicts = await self._process_reporting_progress(batch)
            except WORLD_ERRORS as error:
                delay = next(delays)
                logger.warning(
                    "consumer=%s batch of %d failed (%s: %s); retrying in %.1fs",
                    self.consumer.durable,
                    len(batch),
                    error.__class__.__name__,
                    str(error).strip()[:200],
                    delay,
                )
                await self._settle(batch, [Verdict.NAK] * len(batch), nak_delay=delay)
                await self._sleep(delay)
                continue
            delays = backoff_delays(first=1.0)
            await self._settle(batch, verdicts, nak_delay=1.0)
        # Stopping: release what arrived but was never processed, so another process takes it at once.
        leftovers = list(self._received)
        self._received.clear()
        await self._settle(leftovers, [Verdict.NAK] * len(leftovers), nak_delay=0)

    async def _process_isolating_poison(self, batch: list[Delivery]) -> list[Verdict]:
        try:
            return await self.consumer.process_on_event_loop(batch, self.in_worker_thread)
        except WORLD_ERRORS:
            raise
        except Exception:
            if len(batch) == 1:
                reason = "unexpected error"
                logger.exception("consumer=%s stream_seq=%d failed", self.consumer.durable, batch[0].stream_seq)
                await self.in_worker_thread(self.consumer.handle_poison, batch[0], reason)
                return [Verdict.TERM]
        # A bug met by one message must not hold up the others: find it by processing one at a time.
        logger.warning(
            "consumer=%s batch failed unexpectedly; processing its %d messages one by one",
            self.consumer.durable,
            len(batch),
        )
        verdicts: list[Verdict] = []
        for delivery in batch:
            verdicts.extend(await self._process_isolating_poison([delivery]))
        return verdicts

    async def _process_reporting_progress(self, batch: list[Delivery]) -> list[Verdict]:
        progress = asyncio.create_task(self._report_progress(batch))
        try:
            return await self._process_isolating_poison(batch)
        finally:
            progress.cancel()

    async def _report_progress(self, batch: list[Delivery]) -> None:
        """While a batch is processed, tell the server every third of the ack wait that it and the next are in hand.

        A slow batch (a detector rebuilding many rooms after a restart, a database that answers slowly)
        would otherwise be redelivered while still being worked on, and so would the batch that
        arrived behind it.
        """
        interval = min(ack_waits()) / 3
        started = time.monotonic()
        while True:
            await asyncio.sleep(interval)
            if time.monotonic() - started > MAX_IN_PROGRESS_SECONDS:
                logger.error(
                    "consumer=%s batch of %d in hand for %.0fs: no longer reported in progress, NATS will redeliver it",
                    self.consumer.durable,
                    len(batch),
                    MAX_IN_PROGRESS_SECONDS,
                )
                return
            replies = [delivery.reply for delivery in batch] + [delivery.reply for delivery in self._received]
            if self.pull.is_connected:
                self.pull.reply_all(replies, b"+WPI")
                logger.info(
                    "consumer=%s batch still in progress: %d messages kept", self.consumer.durable, len(replies)
                )

    async def _settle(self, batch: list[Delivery], verdicts: list[Verdict], *, nak_delay: float) -> None:
        """Ack, term or nak a batch, a write per verdict. Lost with the connection, it is redelivered later."""
        if not batch:
            return
        by_verdict: dict[Verdict, list[bytes]] = {Verdict.ACK: [], Verdict.TERM: [], Verdict.NAK: []}
        for delivery, verdict in zip(batch, verdicts, strict=True):
            by_verdict[verdict].append(delivery.reply)
        pull = await self._connected_pull()  # an ack goes over any connection, not only the one it came by
        if pull is None:
            logger.warning(
                "consumer=%s stopping with NATS away: %d messages left to redelivery", self.consumer.durable, len(batch)
            )
            return
        nak_payload = b"-NAK" + (f' {{"delay": {int(nak_delay * 1e9)}}}'.encode() if nak_delay else b"")
        for verdict, payload in ((Verdict.ACK, b"+ACK"), (Verdict.TERM, b"+TERM"), (Verdict.NAK, nak_payload)):
            if by_verdict[verdict]:
                pull.reply_all(by_verdict[verdict], payload)
        try:
            await pull.flush()
        except ConnectionError:
            logger.warning(
                "consumer=%s connection lost while settling %d messages: they will be redelivered",
                self.consumer.durable,
                len(batch),
            )
            return
        self.processed += len(by_verdict[Verdict.ACK]) + len(by_verdict[Verdict.TERM])

    async def _caught_up(self) -> bool:
        try:
            if self.pull.is_connected:
                await self.pull.round_trip()  # the acks, sent on the other connection, are counted first
            info = await self.consumer.nats.client.jetstream().consumer_info(self.stream, self.consumer.durable)
        except (TimeoutError, ConnectionError, NatsError):  # NATS away: not known to be caught up
            return False
        return info.num_pending == 0 and info.num_ack_pending == 0 and not self._received

    async def _sleep(self, seconds: float) -> None:
        assert self._stopping is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)


def _with_fresh_connection(function, *args):
    # Drops a connection broken by a PostgreSQL restart before the batch uses it (CONN_HEALTH_CHECKS).
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()
