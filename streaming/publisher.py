"""EventPublisher: the game's tick loop hands events over here and never waits on the network.

`publish()` appends to a bounded in-memory buffer and returns; a background thread with its own
asyncio loop drains the buffer with pipelined JetStream publishes, each carrying its `Nats-Msg-Id`.
While NATS is away the buffer keeps filling and is resent on reconnect (the Msg-Id makes a resend of
something already stored harmless); only past the bound are events dropped, counted and logged.

It resumes as soon as the stream answers again, never sleeping through a recovery: after a failed
window only what was not acknowledged goes back to the front of the buffer, the next window is
smaller (down to MIN_WINDOW: a cheap probe) and sent after a pause of at most RETRY_PAUSE_CAP_SECONDS,
or as soon as the connection is back; while unstable it gives up on acks after UNSTABLE_ACK_SECONDS of
silence, and each stored window doubles the next one back to the full window (as TCP grows its own).
`close(timeout)` says what was not stored: `unstored()` gives the count and the matches they are of.
An event that can never be encoded as JSON is dropped by the sender, counted and logged, so that it
cannot hold up the events behind it. If the sender thread dies of a bug, publish() (every
LIVENESS_CHECK_EVERY events) or flush() starts a new one; the buffer survives it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from contract.events import GameEvent, InvalidRoomId, check_room_id
from streaming.connection import connect, retry_delays
from streaming.world import RepeatedWarnings
from telemetry.metrics import PUBLISHER_BUFFERED, PUBLISHER_DROPPED, PUBLISHER_PUBLISHED, PUBLISHER_RETRIES

logger = logging.getLogger("streaming.publisher")

WINDOW = 2_000  # publishes in flight at once: enough to keep the pipe full, few enough to resend cheaply
# After a failure: the smallest window (a probe of whether the stream answers again), the longest
# pause before the next attempt, and how long acks may stay silent before the window is given up.
MIN_WINDOW = 64
RETRY_PAUSE_CAP_SECONDS = 0.25
UNSTABLE_ACK_SECONDS = 1.0
# With the stream storing, a window's acks flow without a break: 2 s without one means they will not
# come (a stream leader died mid-window); after a reconnect, those of the old connection never come.
STABLE_ACK_SECONDS = 2.0
RECONNECTED_ACK_SECONDS = 0.25
ACK_POLL_SECONDS = 0.1
CONNECTION_POLL_SECONDS = 0.05
# How often the drain looks for new events: publish() never wakes it (see there). 5 ms adds at most
# that to an event's way to the stream and costs a few hundred wake-ups a second in a thread of its own.
DRAIN_POLL_SECONDS = 0.005
DROP_LOG_INTERVAL_SECONDS = 10.0
# publish() looks after the drain thread once every this many events (a bit test, nearly free) and
# starts a new one if it died; flush() looks every time. Not more often than the pause below.
LIVENESS_CHECK_EVERY = 1024
RESTART_PAUSE_SECONDS = 1.0


@dataclass(frozen=True)
class PublisherStats:
    accepted: int  # taken by publish()
    published: int  # stored by the stream (a duplicate by Msg-Id counts: it is stored)
    dropped: int  # refused by publish() because the buffer was full
    refused: int  # refused by publish() because the room id is not one subject token
    unencodable: int  # accepted, then dropped by the sender: not encodable as JSON (a bug in the caller)
    retried: int  # publishes that failed (no ack, an error ack, disconnected) and were put back to resend
    restarts: int  # sender threads started again after one died of an unexpected error
    buffered: int  # accepted and not yet stored


@dataclass(frozen=True)
class Unstored:
    """What a publisher was handed and did not get stored: how many events, and the matches they are of."""

    events: int = 0
    # (room_id, started_at) from each event's Msg-Id `{room_id}:{started_at}:{n}`; started_at is None
    # for an event published without a Msg-Id of that shape.
    matches: list[tuple[str, str | None]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.events > 0

    def describe(self, limit: int = 20) -> str:
        """One line an operator can act on: the count, then the matches (the first ``limit`` of them)."""
        shown = ", ".join(f"{room} {started or '(started_at unknown)'}" for room, started in self.matches[:limit])
        more = f" and {len(self.matches) - limit} more" if len(self.matches) > limit else ""
        return f"{self.events} events of {len(self.matches)} matches: {shown}{more}"


class EventPublisher:
    """Thread-safe, non-blocking publisher of game events to `game.{room_id}.events`."""

    def __init__(
        self,
        *,
        servers: list[str] | None = None,
        enabled: bool | None = None,
        max_buffer: int | None = None,
        name: str = "event-publisher",
        window: int = WINDOW,
        ack_timeout: float | None = None,
    ) -> None:
        self.enabled = settings.NATS_ENABLED if enabled is None else enabled
        self.servers = servers or settings.NATS_SERVERS
        self.max_buffer = max_buffer or settings.EVENT_PUBLISHER_MAX_BUFFER
        self.name = name
        self.window = window
        # Acks silent this long are given up and their events resent (same Msg-Ids); never longer than
        # the stale timeout, by when nats-py has called a silent server dead and moved to another.
        self.ack_timeout = min(settings.NATS_STALE_SECONDS, STABLE_ACK_SECONDS) if ack_timeout is None else ack_timeout
        self._buffer: collections.deque[tuple[str, Any, str | None]] = collections.deque()
        self._in_flight = 0
        self._batch: list[tuple[str, Any, str | None]] = []  # the window in flight, for unstored()
        self._stop_now = False  # close() after its flush timed out: stop after the window in flight
        self._known_rooms: set[str] = set()
        self._accepted = self._published = self._dropped = self._refused = self._retried = 0
        self._unencodable = 0
        self._last_drop_log = 0.0
        self._last_restart = 0.0
        self._restarts = 0
        self._closing = False
        self._start_lock = threading.Lock()
        self._drained = threading.Condition()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._repeated = RepeatedWarnings(logger)  # a probe a quarter of a second fails the same way

    # --- the tick path -------------------------------------------------------------------------

    def publish(self, room_id: str, event: GameEvent | dict[str, Any], *, msg_id: str | None = None) -> bool:
        """Hand one event over for publishing; True when it was buffered. Never blocks, never raises.

        The event is encoded later, on the sender thread, and not copied (a deep copy would cost the tick
        loop many times the rest of this call): do not change it after handing it over.
        """
        if not self.enabled:
            return False
        if room_id not in self._known_rooms:
            try:
                check_room_id(room_id)
            except InvalidRoomId as error:
                self._refused += 1
                logger.error("event refused: %s", error)
                return False
            if len(self._known_rooms) > 100_000:
                self._known_rooms.clear()
            self._known_rooms.add(room_id)
        if len(self._buffer) >= self.max_buffer:
            self._record_drop(room_id)
            return False
        if self._thread is None:
            self.start()
        elif not self._accepted % LIVENESS_CHECK_EVERY and not self._thread.is_alive():
            self._restart_drain()
        # No wake-up of the drain here: a cross-thread wake is a syscall, and waking the drain mid-tick
        # set it competing with the tick loop (tick p50 +35 % in real time). It polls instead.
        self._buffer.append((room_id, event, msg_id))
        self._accepted += 1
        return True

    def _record_drop(self, room_id: str) -> None:
        self._dropped += 1
        PUBLISHER_DROPPED.inc()
        now = time.monotonic()
        if now - self._last_drop_log >= DROP_LOG_INTERVAL_SECONDS:
            self._last_drop_log = now
            logger.error(
                "publisher buffer full (%d events): dropping events, %d dropped so far, latest room_id=%s",
                self.max_buffer,
                self._dropped,
                room_id,
            )

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        with self._start_lock:
            if self._thread is not None or not self.enabled:
                return
            self._start_thread()

    def _restart_drain(self) -> None:
        """A new drain thread when the last one died of a bug: the buffer is still there to send."""
        with self._start_lock:
            thread = self._thread
            now = time.monotonic()
            if thread is None or thread.is_alive() or self._closing or now - self._last_restart < RESTART_PAUSE_SECONDS:
                return
            self._last_restart = now
            self._restarts += 1
            logger.error(
                "publisher's sender thread had stopped; starting a new one (%d events buffered, restart %d)",
                len(self._buffer),
                self._restarts,
            )
            self._start_thread()

    def _start_thread(self) -> None:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._thread_main, args=(ready,), name=self.name, daemon=True)
        self._thread.start()
        ready.wait(timeout=5)

    @property
    def stats(self) -> PublisherStats:
        return PublisherStats(
            accepted=self._accepted,
            published=self._published,
            dropped=self._dropped,
            refused=self._refused,
            unencodable=self._unencodable,
            retried=self._retried,
            restarts=self._restarts,
            buffered=len(self._buffer) + self._in_flight,
        )

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything accepted so far is stored by the stream; False on timeout."""
        if not self.enabled or self._thread is None:
            return True
        deadline = time.monotonic() + timeout
        with self._drained:
            while self._buffer or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                if not self._thread.is_alive():
                    self._restart_drain()
                self._wake()
                self._drained.wait(timeout=min(remaining, 0.1))
        return True

    def close(self, timeout: float = 10.0) -> bool:
        """Flush for up to ``timeout`` seconds, then stop; True when every accepted event was stored.

        Past the timeout the window in flight still gets its acks (or its silence): what the stream
        stored by the end counts as stored, and ``unstored()`` says precisely what was not.
        """
        flushed = self.flush(timeout)
        self._closing = True
        self._stop_now = not flushed
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout=2 * max(self.ack_timeout, UNSTABLE_ACK_SECONDS) + 5)
        left = self.unstored()
        if left:
            logger.error("publisher closed with %s not stored (NATS unreachable)", left.describe())
        return not left

    def unstored(self) -> Unstored:
        """The events accepted and not stored (yet, while running): their count and their matches."""
        items = list(self._buffer)
        if self._in_flight:
            items.extend(self._batch)
        matches = dict.fromkeys(_match_of(room_id, msg_id) for room_id, _, msg_id in items)
        return Unstored(events=len(self._buffer) + self._in_flight, matches=sorted(matches, key=_match_order))

    def _wake(self) -> None:
        loop, wakeup = self._loop, self._wakeup
        if loop is not None and wakeup is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(wakeup.set)

    # --- the background drain ----------------------------------------------------------------

    def _thread_main(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._wakeup = asyncio.Event()
        ready.set()
        try:
            loop.run_until_complete(self._drain_forever())
        except ConnectionError as error:  # closed while NATS was unreachable: close() reports the count
            logger.warning("publisher stopped: %s", error)
        except Exception:
            logger.exception(
                "publisher's sender thread failed with %d events not stored; publish() or flush() starts a new one",
                len(self._buffer) + self._in_flight,
            )
        finally:
            loop.close()

    async def _drain_forever(self) -> None:
        client = await connect(self.name, servers=self.servers, should_stop=lambda: self._closing)
        js = client.jetstream(publish_async_max_pending=self.window)
        window = self.window
        pauses = None  # the pauses between attempts while the stream does not store: None when it does
        failing_since = 0.0
        try:
            while self._buffer or not self._closing:
                if self._closing and self._stop_now:
                    break
                if not self._buffer:
                    await self._wait_for_events()
                    continue
                if not client.is_connected:  # nats-py is reconnecting: publishing now only fills its buffer
                    await self._wait_for_connection(client)
                    continue
                silence = self.ack_timeout if pauses is None else min(self.ack_timeout, UNSTABLE_ACK_SECONDS)
                stored, sent = await self._publish_window(js, window, silence, client)
                if stored == sent:
                    if pauses is not None:
                        logger.warning(
                            "publishing again after %.1fs of failures; %d events waiting",
                            time.monotonic() - failing_since,
                            len(self._buffer),
                        )
                    pauses = None
                    window = min(self.window, window * 2)
                    continue
                # Halved while some get through (an election, a slow replica); a probe when none did.
                window = max(MIN_WINDOW, window // 2) if stored else MIN_WINDOW
                if pauses is None:
                    failing_since = time.monotonic()
                    pauses = retry_delays(first=0.02, short_cap=RETRY_PAUSE_CAP_SECONDS, patience=float("inf"))
                await self._pause(next(pauses), client)
        finally:
            await client.close()

    async def _pause(self, seconds: float, client) -> None:
        """Sleep up to ``seconds``; sooner when closing, and at once when a lost connection comes back."""
        was_connected = client.is_connected
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0 and not self._stop_now:
            if not was_connected and client.is_connected:
                return
            await asyncio.sleep(min(remaining, CONNECTION_POLL_SECONDS))

    async def _wait_for_connection(self, client) -> None:
        """Until nats-py has reconnected (it tries each server at most 2 s apart: streaming.connection)."""
        while True:
            if client.is_closed:
                raise ConnectionError("the NATS client was closed")
            if client.is_connected or self._stop_now:
                return
            await asyncio.sleep(CONNECTION_POLL_SECONDS)

    async def _wait_for_events(self) -> None:
        assert self._wakeup is not None
        self._wakeup.clear()
        with self._drained:
            self._drained.notify_all()
        with contextlib.suppress(TimeoutError):  # flush() and close() wake it sooner
            await asyncio.wait_for(self._wakeup.wait(), timeout=DRAIN_POLL_SECONDS)

    async def _publish_window(self, js, size: int, silence: float, client=None) -> tuple[int, int]:
        """Publish up to ``size`` events in order; put what failed back at the front. (stored, sent).

        Acks are waited for as long as they keep coming; ``silence`` seconds without one gives up the
        rest (a dead stream leader never answers them; the resend has the same Msg-Ids), and so does
        a reconnect of ``client`` during the window (the acks due on the old connection are lost).
        """
        buffer = self._buffer
        # Counted in flight before they leave the buffer, so flush() always finds them in one or the other.
        count = self._in_flight = min(len(buffer), size)
        batch: list[tuple[tuple[str, Any, str | None], bytes]] = []
        self._batch = items = []
        for _ in range(count):
            item = buffer.popleft()
            try:
                payload = _encode(item[1])
            except Exception as error:  # never encodable: retrying would hold up every event behind it
                self._in_flight -= 1
                self._record_unencodable(item, error)
                continue
            batch.append((item, payload))
            items.append(item)
        futures: list[asyncio.Future | None] = []
        try:
            for (room_id, _, msg_id), payload in batch:
                headers = {"Nats-Msg-Id": msg_id} if msg_id else None
                try:
                    futures.append(await js.publish_async(f"game.{room_id}.events", payload, headers=headers))
                except Exception:  # disconnected mid-window: the rest is retried below
                    futures.append(None)
            await _acks([future for future in futures if future is not None], silence, _reconnects(client))
        except BaseException:  # cancelled, or a bug: put the window back, resent later (Msg-Ids dedupe)
            buffer.extendleft(reversed(items))
            self._in_flight = 0
            raise
        failed = [item for item, future in zip(items, futures, strict=True) if not _stored(future)]
        stored = len(batch) - len(failed)
        self._published += stored
        PUBLISHER_PUBLISHED.inc(stored)
        if failed:
            self._retried += len(failed)
            PUBLISHER_RETRIES.inc(len(failed))
            buffer.extendleft(reversed(failed))
            errors = {_failure(future) for future in futures if not _stored(future)}
            self._repeated.warning(
                "publish failed for %d of %d events (%s); retrying", len(failed), len(batch), ", ".join(sorted(errors))
            )
        self._in_flight = 0
        PUBLISHER_BUFFERED.set(len(buffer))  # once a window, on the sender thread: nothing on the tick path
        if not buffer:
            with self._drained:
                self._drained.notify_all()
        return stored, len(batch)

    def _record_unencodable(self, item: tuple[str, Any, str | None], error: Exception) -> None:
        room_id, _, msg_id = item
        self._unencodable += 1
        logger.error(
            "event dropped: not encodable as JSON (%s: %s), room_id=%s msg_id=%s; %d dropped so far",
            type(error).__name__,
            error,
            room_id,
            msg_id,
            self._unencodable,
        )


def _reconnects(client) -> Callable[[], int]:
    """How many times ``client`` has reconnected (0 for none given): a change means a new connection."""
    if client is None:
        return lambda: 0
    return lambda: client.stats["reconnects"] + (0 if client.is_connected else 1)


async def _acks(futures: list[asyncio.Future], silence: float, reconnects: Callable[[], int]) -> None:
    """Wait for ``futures`` while they keep completing; cancel what is left after ``silence`` s without one.

    Once the connection they were sent on is gone, RECONNECTED_ACK_SECONDS without an ack is enough.
    """
    if not futures:
        return
    remaining = len(futures)
    all_done = asyncio.Event()

    def one_done(_: asyncio.Future) -> None:
        nonlocal remaining
        remaining -= 1
        if not remaining:
            all_done.set()

    for future in futures:
        future.add_done_callback(one_done)
    connection = reconnects()
    seen, progress_at = remaining, time.monotonic()
    while remaining:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_done.wait(), timeout=min(silence, ACK_POLL_SECONDS))
        now = time.monotonic()
        if remaining != seen:
            seen, progress_at = remaining, now
            continue
        quiet = now - progress_at
        if quiet >= silence or (quiet >= RECONNECTED_ACK_SECONDS and reconnects() != connection):
            break
    for future in futures:
        future.cancel()  # a no-op on the done ones


def _match_of(room_id: str, msg_id: str | None) -> tuple[str, str | None]:
    """(room_id, started_at) from a Msg-Id `{room_id}:{started_at}:{n}`; started_at None without one."""
    if msg_id:
        head, _, index = msg_id.rpartition(":")
        room, sep, started_at = head.partition(":")
        if sep and room == room_id and started_at and index.isdigit():
            return room_id, started_at
    return room_id, None


def _match_order(match: tuple[str, str | None]) -> tuple[str, str]:
    return match[0], match[1] or ""


def _stored(future: asyncio.Future | None) -> bool:
    return future is not None and future.done() and not future.cancelled() and future.exception() is None


def _failure(future: asyncio.Future | None) -> str:
    if future is None:
        return "not sent"
    if future.cancelled():
        return "no ack in time"
    return type(future.exception()).__name__


def _encode(event: GameEvent | dict[str, Any]) -> bytes:
    """Compact JSON; raises (TypeError, ValueError, ...) for what JSON cannot carry."""
    obj = event.to_dict() if isinstance(event, GameEvent) else event
    return _ENCODER.encode(obj).encode()


# One encoder for every event: json.dumps with options builds a new one per call.
# allow_nan=False: NaN and Infinity are not JSON, and consumers in other languages reject them.
_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=False)
