"""The plain NATS connection a pull client reads and acks over: one inbox subscription, no nats-py.

What it implements of the NATS client protocol: INFO, CONNECT (user and password or a token from the
URL), PING/PONG both ways, SUB, PUB, MSG/HMSG (with JetStream's status headers), +OK/-ERR; TLS for
``tls://`` URLs or servers that require it, verified against the system's CAs. It pings the server
every third of ``stale_seconds`` and drops a connection that stayed silent that long (a paused or
half-open server), logging it, so the pull client reopens it on another server of NATS_URL.

What it does not: reconnecting by itself (the pull client reopens it with backoff), servers learned from
INFO's ``connect_urls`` (only NATS_URL's are used), websocket URLs, NKeys, JWT/creds files, TLS client
certificates, several subscriptions, UNSUB, the no-echo and verbose modes. A NATS_URL that needs any of
these is refused at start-up by ``check_servers``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import secrets
import ssl
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import ParseResult, unquote

from streaming.pull.wire import Frame, FrameParser, parse_server

logger = logging.getLogger("streaming.pull")

READ_SIZE = 1 << 20
CONNECT_TIMEOUT_SECONDS = 2.0
ROUND_TRIP_TIMEOUT_SECONDS = 5.0


class PullConnection:
    """One NATS connection with one inbox subscription; frames go to ``on_frames`` a read at a time."""

    def __init__(
        self,
        name: str,
        on_frames: Callable[[list[Frame]], None],
        *,
        on_lost: Callable[[], None] | None = None,
        stale_seconds: float = 5.0,
    ) -> None:
        self.name = name
        self.inbox = ""  # a new one for each connection: replies to a request of a lost one go nowhere
        self._on_frames = on_frames
        self._on_lost = on_lost
        self.stale_seconds = stale_seconds
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task | None = None
        self._pinger_task: asyncio.Task | None = None
        # One entry per PING in flight, in order (PONGs come back in that order): a round trip's future,
        # or None for a keep-alive ping.
        self._pongs: deque[asyncio.Future[None] | None] = deque()
        self._last_heard = 0.0
        self.server = ""

    @property
    def is_connected(self) -> bool:
        return self._writer is not None and self._reader_task is not None and not self._reader_task.done()

    async def open(self, servers: list[str]) -> None:
        """Connect to a server of ``servers`` that answers; ConnectionError when none does.

        They are tried in random order, as nats-py does, so that consumers spread over a cluster.
        """
        failures = []
        for url in random.sample(servers, len(servers)):
            parsed = parse_server(url)
            address = parsed.netloc.rpartition("@")[2]  # never the credentials
            try:
                await asyncio.wait_for(self._open(parsed), CONNECT_TIMEOUT_SECONDS)
                self.server = address
                return
            except (OSError, TimeoutError, ConnectionError, ValueError, ssl.SSLError) as error:
                failures.append(f"{address}: {error.__class__.__name__} {error}")
        raise ConnectionError("; ".join(failures) or "no NATS server given")

    async def _open(self, parsed: ParseResult) -> None:
        host, port = parsed.hostname or "127.0.0.1", parsed.port or 4222
        reader, writer = await asyncio.open_connection(host, port, limit=READ_SIZE * 4)
        try:
            line = await reader.readline()
            if not line.startswith(b"INFO "):
                raise ConnectionError(f"not a NATS server: {line[:60]!r}")
            info = json.loads(line[5:])
            if parsed.scheme == "tls" or info.get("tls_required"):
                await writer.start_tls(ssl.create_default_context(), server_hostname=host)
            options: dict[str, object] = {
                "verbose": False,
                "pedantic": False,
                "headers": True,
                "no_responders": True,
                "protocol": 1,
                "lang": "python-pull",
                "name": self.name,
            }
            if parsed.username and parsed.password is not None:
                options.update(user=unquote(parsed.username), **{"pass": unquote(parsed.password)})
            elif parsed.username:
                options["auth_token"] = unquote(parsed.username)
            writer.write(b"CONNECT %s\r\nPING\r\n" % json.dumps(options).encode())
            await writer.drain()
            while True:
                answer = (await reader.readline()).strip()
                if not answer:
                    raise ConnectionError("the server closed the connection")
                if answer == b"PONG":
                    break
                if answer.startswith(b"-ERR"):
                    raise ConnectionError(answer.decode(errors="replace"))
            self.inbox = f"_INBOX.{secrets.token_hex(11)}"
            writer.write(b"SUB %s 1\r\n" % self.inbox.encode())
        except BaseException:
            writer.close()
            raise
        self._writer = writer
        self._last_heard = time.monotonic()
        self._reader_task = asyncio.create_task(self._read(reader, writer))
        self._pinger_task = asyncio.create_task(self._keep_alive(writer, self._reader_task))

    async def _keep_alive(self, writer: asyncio.StreamWriter, reader_task: asyncio.Task) -> None:
        """PING the server every third of the stale timeout; drop the connection once it has been silent that long.

        Any bytes from the server count as an answer. A server that hangs without closing (a paused
        process, a half-open connection) would otherwise hold the consumer for good: the server's own
        pings only tell it about us.
        """
        interval = self.stale_seconds / 3
        while not reader_task.done():
            await asyncio.sleep(interval)
            silent = time.monotonic() - self._last_heard
            if silent >= self.stale_seconds:
                logger.warning(
                    "nats pull connection stale name=%s server=%s: no answer for %.1fs; dropping it",
                    self.name,
                    self.server,
                    silent,
                )
                reader_task.cancel()
                writer.transport.abort()  # not close(): that would wait for unsent bytes the server never reads
                return
            self._pongs.append(None)
            writer.write(b"PING\r\n")

    async def _read(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        parser = FrameParser()
        try:
            while True:
                data = await reader.read(READ_SIZE)
                if not data:
                    logger.warning("nats pull connection closed by the server name=%s", self.name)
                    return
                self._last_heard = time.monotonic()
                frames = parser.feed(data)
                for frame in frames:
                    if type(frame) is not bytes:
                        continue  # a message: the consumer's business
                    if frame == b"PING":
                        writer.write(b"PONG\r\n")
                    elif frame == b"PONG" and self._pongs:
                        pong = self._pongs.popleft()
                        if pong is not None and not pong.done():
                            pong.set_result(None)
                    elif frame.startswith(b"-ERR"):
                        logger.warning(
                            "nats pull connection error name=%s: %s", self.name, frame.decode(errors="replace")
                        )
                self._on_frames(frames)
        except (OSError, ssl.SSLError) as error:
            logger.warning("nats pull connection lost name=%s: %s", self.name, error.__class__.__name__)
        except Exception:  # a bug: drop the connection (the pull client opens another), say why
            logger.exception("nats pull connection reader failed name=%s", self.name)
        finally:  # round trips waiting on this connection will never be answered
            for pong in self._pongs:
                if pong is not None:
                    pong.cancel()
            self._pongs.clear()
            if self._on_lost is not None:
                self._on_lost()

    def publish(self, subject: str, payload: bytes, reply: str | None = None) -> None:
        assert self._writer is not None
        reply_part = b" " + reply.encode() if reply else b""
        self._writer.write(b"PUB %s%s %d\r\n%s\r\n" % (subject.encode(), reply_part, len(payload), payload))

    def reply_all(self, replies: list[bytes], payload: bytes) -> None:
        """The same payload to every reply subject (acks of a batch), as one write."""
        assert self._writer is not None
        tail = b" %d\r\n%s\r\n" % (len(payload), payload)
        self._writer.write(b"".join([b"PUB " + reply + tail for reply in replies]))

    async def flush(self) -> None:
        """Wait until what was written has left for the server; ConnectionError when the connection is gone.

        Bounded: a server that has not read it within the stale timeout is dropped, as the keep-alive would.
        """
        if not self.is_connected:
            raise ConnectionError("the pull connection is closed")
        writer = self._writer
        assert writer is not None
        try:
            await asyncio.wait_for(writer.drain(), self.stale_seconds)
        except TimeoutError:
            writer.transport.abort()
            raise ConnectionError(f"the server read nothing for {self.stale_seconds:.1f}s") from None

    async def round_trip(self) -> None:
        """PING and wait for its PONG: the server has then handled everything written before (acks)."""
        if not self.is_connected:
            raise ConnectionError("the pull connection is closed")
        assert self._writer is not None
        pong = asyncio.get_running_loop().create_future()
        self._pongs.append(pong)
        self._writer.write(b"PING\r\n")
        await asyncio.wait_for(pong, ROUND_TRIP_TIMEOUT_SECONDS)

    async def close(self) -> None:
        writer, task, pinger = self._writer, self._reader_task, self._pinger_task
        self._writer = self._reader_task = self._pinger_task = None
        if pinger is not None:
            pinger.cancel()
        if writer is not None:
            try:
                await asyncio.wait_for(writer.drain(), CONNECT_TIMEOUT_SECONDS)  # last acks, unless unreachable
                writer.close()
            except (OSError, ssl.SSLError, TimeoutError):
                writer.transport.abort()  # close() would keep the socket until a silent server read the rest
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
