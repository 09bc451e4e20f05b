"""The one consumer loop shared by every long-lived consumer (STYLE section 4).

The runner owns what is hard and the same everywhere: connecting with infinite reconnects, ensuring
the stream and the durable pull consumer, ack / nak-with-delay / term, a batch that fails unexpectedly
split to find the one message that can never succeed (poison), backoff while PostgreSQL or NATS is
away, and SIGTERM / SIGINT. A consumer (`streaming.consumer`) only says what one batch means.

The loop is ``run_once`` over and over: fetch a batch, process it, settle it. Messages come through a
pull source: `streaming.pull.client.PullClient` (hand-made pull requests over a lean connection of its own,
3.5 times nats-py's `fetch`: 58.6 k against 16.8 k messages a second), or an in-memory one in tests. Stream and
consumer setup, and whatever a consumer publishes or reads, go through the consumer's nats-py client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import close_old_connections, connections
from nats.errors import Error as NatsError
from nats.js.errors import NotFoundError

from streaming.connection import retry_delays
from streaming.consumer import WORLD_ERRORS, Consumer, Verdict, ack_waits
from streaming.delivery import Delivery
from streaming.metrics_server import consumer_series_at_zero, poll_lag
from streaming.pull.client import PullClient, PullSource
from streaming.pull.wire import check_servers
from streaming.streams import ensure_stream
from streaming.world import NATS_UNAVAILABLE
from telemetry.metrics import CONSUMER_BATCH_SECONDS, CONSUMER_LAST_ACK, CONSUMER_MESSAGES

logger = logging.getLogger("streaming.runner")

# A batch is reported in progress for this long at most: one stuck past it (a database call that never
# returns) is left to the ack wait, so that another process can take its messages.
MAX_IN_PROGRESS_SECONDS = 600.0


class ConsumerRunner:
    """Runs one Consumer until SIGTERM / SIGINT (or `stop()`), surviving NATS and PostgreSQL restarts.

    ``pull``: where messages come from and verdicts go; by default a `PullClient` of the consumer's
    durable on ``stream``. A test may give an in-memory one and drive ``run_once`` without a server.
    """

    def __init__(
        self,
        consumer: Consumer,
        *,
        stream: str | None = None,
        stop_when_idle: bool = False,
        pull: PullSource | None = None,
    ) -> None:
        self.consumer = consumer
        self.stream = stream or settings.GAME_EVENTS_STREAM
        self.stop_when_idle = stop_when_idle
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{consumer.durable}-sync")
        self._stopping = asyncio.Event()
        self.pull: PullSource = pull or PullClient(
            f"{consumer.durable}-pull", stream=self.stream, durable=consumer.durable, stopping=self._stopping
        )
        self._idle = False
        self._failures = retry_delays(first=1.0)
        self.processed = 0
        # Bound once: a batch then costs a few additions, not a label lookup each (docs/operations.md).
        durable = consumer.durable
        self._settled = {
            verdict: CONSUMER_MESSAGES.labels(consumer=durable, outcome=verdict.value) for verdict in Verdict
        }
        self._last_ack = CONSUMER_LAST_ACK.labels(consumer=durable)
        self._batch_seconds = CONSUMER_BATCH_SECONDS.labels(consumer=durable)

    def stop(self) -> None:
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    async def in_worker_thread(self, function, *args):
        """Run blocking code (the ORM) on the runner's one worker thread, keeping one DB connection."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _with_fresh_connection, function, *args)

    async def run(self, *, install_signal_handlers: bool = True) -> None:
        """Consume until stopped; UnusableNatsUrl first for a NATS_URL the pull connection cannot use."""
        check_servers(settings.NATS_SERVERS)
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
        consumer_series_at_zero(self.consumer.durable)
        lag = None
        companions: list[asyncio.Task] = []
        try:
            await self._ensure_stream_and_consumer()
            lag = asyncio.create_task(poll_lag(self.consumer.durable, self._consumer_info, self._stopping))
            companions = [asyncio.create_task(companion(self._stopping)) for companion in self.consumer.companions()]
            while not self.stopping:
                if not await self.run_once() and self.stop_when_idle and await self._caught_up():
                    break
            await self.release_buffered()
        finally:
            for task in [lag, *companions]:
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            await self.pull.close()
            await self.consumer.nats.close()
            await loop.run_in_executor(self._executor, connections.close_all)
            self._executor.shutdown(wait=True)
            logger.info("consumer stopped durable=%s processed=%d", self.consumer.durable, self.processed)

    async def run_once(self) -> bool:
        """One step of the loop: fetch a batch, process it, settle it. False when there was nothing to fetch.

        A backlog is asked for without waiting, and its next batch while this one is processed; an idle
        consumer long-polls. A batch failed by the world is nakked with a growing delay, then waited out.
        """
        size = self.consumer.batch_size
        batch = await self.pull.fetch(size, no_wait=not self._idle)
        self._idle = not batch
        if not batch:
            return False
        if len(batch) == size:
            await self.pull.ask_ahead(size)
        started = time.perf_counter()
        try:
            verdicts = await self._process_reporting_progress(batch)
        except WORLD_ERRORS as error:
            delay = next(self._failures)
            logger.warning(
                "consumer=%s batch of %d failed (%s: %s); retrying in %.1fs",
                self.consumer.durable,
                len(batch),
                error.__class__.__name__,
                str(error).strip()[:200],
                delay,
            )
            await self._settle(batch, [Verdict.NAK] * len(batch), nak_delay=delay)
            self._batch_seconds.observe(time.perf_counter() - started)
            await self._sleep(delay)
            return True
        self._failures = retry_delays(first=1.0)
        await self._settle(batch, verdicts, nak_delay=self.consumer.nak_delay_seconds)
        self._batch_seconds.observe(time.perf_counter() - started)
        return True

    async def release_buffered(self) -> None:
        """Nak what arrived but was never processed (when stopping), so another process takes it at once."""
        leftovers = self.pull.take_buffered()
        await self._settle(leftovers, [Verdict.NAK] * len(leftovers), nak_delay=0)

    # --- setup ---------------------------------------------------------------------------------

    async def _ensure_stream_and_consumer(self) -> None:
        js = self.consumer.nats.client.jetstream()
        delays = retry_delays()
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

    def _on_signal(self, signum: int) -> None:
        logger.info("signal %s: finishing the batch in hand, then exiting", signal.Signals(signum).name)
        self.stop()

    # --- one batch -----------------------------------------------------------------------------

    async def _process_isolating_poison(self, batch: list[Delivery]) -> list[Verdict]:
        try:
            return await self.consumer.process_with_nats(batch, self.in_worker_thread)
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
            if self.pull.is_connected:
                kept = self.pull.in_progress([delivery.reply for delivery in batch])
                logger.info("consumer=%s batch still in progress: %d messages kept", self.consumer.durable, kept)

    async def _settle(self, batch: list[Delivery], verdicts: list[Verdict], *, nak_delay: float) -> None:
        """Ack, term or nak a batch, a write per verdict. Lost with the connection, it is redelivered later."""
        if not batch:
            return
        by_verdict: dict[Verdict, list[bytes]] = {Verdict.ACK: [], Verdict.TERM: [], Verdict.NAK: []}
        for delivery, verdict in zip(batch, verdicts, strict=True):
            by_verdict[verdict].append(delivery.reply)
        if not await self.pull.ensure_connected():  # an ack goes over any connection, not only its own
            logger.warning(
                "consumer=%s stopping with NATS away: %d messages left to redelivery", self.consumer.durable, len(batch)
            )
            return
        self.pull.ack(by_verdict[Verdict.ACK])
        self.pull.term(by_verdict[Verdict.TERM])
        self.pull.nak(by_verdict[Verdict.NAK], delay=nak_delay)
        try:
            await self.pull.flush()
        except ConnectionError:
            logger.warning(
                "consumer=%s connection lost while settling %d messages: they will be redelivered",
                self.consumer.durable,
                len(batch),
            )
            return
        self.processed += len(by_verdict[Verdict.ACK]) + len(by_verdict[Verdict.TERM])
        for verdict, replies in by_verdict.items():
            if replies:
                self._settled[verdict].inc(len(replies))
        if by_verdict[Verdict.ACK]:
            self._last_ack.set(time.time())

    async def _consumer_info(self):
        return await self.consumer.nats.client.jetstream().consumer_info(self.stream, self.consumer.durable)

    async def _caught_up(self) -> bool:
        try:
            if self.pull.is_connected:
                await self.pull.round_trip()  # the acks, sent on the other connection, are counted first
            info = await self._consumer_info()
        except (TimeoutError, ConnectionError, NatsError):  # NATS away: not known to be caught up
            return False
        return info.num_pending == 0 and info.num_ack_pending == 0

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)


def _with_fresh_connection(function, *args):
    # Drops a connection broken by a PostgreSQL restart before the batch uses it (CONN_HEALTH_CHECKS).
    close_old_connections()
    try:
        return function(*args)
    finally:
        close_old_connections()
