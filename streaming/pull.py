"""A consumer's data path: pull requests, deliveries and acks over a plain NATS connection of its own.

nats-py's receive path (its protocol parser, a parsed header dict, a `Msg` object and a queue hop for
every message) was half of the projector's CPU on a backlog. This connection carries one subscription
and nothing else: it splits the server's frames itself, hands them over a read at a time, and writes a
batch's acks as one buffer. On a backlog in full batches (bench/), the projector went from 74k events/s
through nats-py to about 125k. Everything else (stream and consumer setup, publishing, direct gets,
replays) stays on nats-py.

What it implements of the NATS client protocol: INFO, CONNECT (user and password or a token from the
URL), PING/PONG both ways, SUB, PUB, MSG/HMSG (with JetStream's status headers), +OK/-ERR; TLS for
``tls://`` URLs or servers that require it, verified against the system's CAs. It pings the server
every third of ``stale_seconds`` and drops a connection that stayed silent that long (a paused or
half-open server), logging it, so the runner reopens it on another server of NATS_URL.

What it does not: reconnecting by itself (the runner reopens it with backoff), servers learned from
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
from urllib.parse import ParseResult, unquote, urlparse

logger = logging.getLogger("streaming.pull")

READ_SIZE = 1 << 20
CONNECT_TIMEOUT_SECONDS = 2.0
ROUND_TRIP_TIMEOUT_SECONDS = 5.0
STATUS_PREFIX = b"NATS/1.0 "

# A message as read: (subject, reply or None, header block (b"" when none), payload).
Message = tuple[bytes, bytes | None, bytes, bytes]
# What one read of the socket yields: messages, and control lines (PING, -ERR ..., INFO {...}) as bytes.
Frame = Message | bytes


class UnusableNatsUrl(ValueError):
    """A NATS_URL the pull connection cannot use; the message says what to give instead."""


def parse_server(url: str) -> ParseResult:
    """One server of NATS_URL as a URL (``host:port`` means ``nats://host:port``)."""
    return urlparse(url if "://" in url else f"nats://{url}")


def check_servers(servers: list[str]) -> None:
    """Refuse, with what to do, a NATS_URL whose servers the pull connection cannot reach as given."""
    if not servers:
        raise UnusableNatsUrl("NATS_URL names no server; set it to nats://host:4222 (several: comma-separated)")
    for url in servers:
        parsed = parse_server(url)
        address = parsed.netloc.rpartition("@")[2]  # never the credentials
        if parsed.scheme not in ("nats", "tls"):
            raise UnusableNatsUrl(
                f"NATS_URL server {parsed.scheme}://{address} uses {parsed.scheme}://, which the consumers' pull "
                "connection does not speak; give the nats:// (or tls://) address of the same servers"
            )
        try:
            parsed.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            raise UnusableNatsUrl(f"NATS_URL server {address!r} has no valid port; write it as host:4222") from None
        if not parsed.hostname:
            raise UnusableNatsUrl(f"NATS_URL server {url!r} names no host; write it as nats://host:4222")


class FrameParser:
    """Splits the bytes a NATS server sends into frames; pure, keeps an incomplete frame for the next feed."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[Frame]:
        buffer = self._buffer
        buffer += data
        size = len(buffer)
        frames: list[Frame] = []
        pos = 0
        while True:
            end = buffer.find(b"\r\n", pos)
            if end < 0:
                break
            first = buffer[pos]
            if first == 72 or first == 77:  # HMSG or MSG: a control line, then a counted body
                parts = bytes(buffer[pos:end]).split()
                total = int(parts[-1])
                start = end + 2
                if size < start + total + 2:
                    break  # the body is still on its way
                if parts[0] == b"HMSG":  # HMSG subject sid [reply] header-size total-size
                    header_size = int(parts[-2])
                    reply = parts[3] if len(parts) == 6 else None
                else:  # MSG subject sid [reply] size
                    header_size = 0
                    reply = parts[3] if len(parts) == 5 else None
                frames.append(
                    (
                        parts[1],
                        reply,
                        bytes(buffer[start : start + header_size]),
                        bytes(buffer[start + header_size : start + total]),
                    )
                )
                pos = start + total + 2
            else:
                frames.append(bytes(buffer[pos:end]))
                pos = end + 2
        del buffer[:pos]
        return frames


def parse_headers(block: bytes) -> dict[str, str]:
    """The headers of a header block (``NATS/1.0[ status [description]]\\r\\nName: value\\r\\n...``).

    A status line gives ``Status`` and ``Description``, as nats-py reports them.
    """
    lines = block.split(b"\r\n")
    headers: dict[str, str] = {}
    if lines[0].startswith(STATUS_PREFIX):
        status, _, description = lines[0][len(STATUS_PREFIX) :].strip().partition(b" ")
        headers["Status"] = status.decode()
        if description:
            headers["Description"] = description.decode(errors="replace")
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if colon:
            headers[name.strip().decode(errors="replace")] = value.strip().decode(errors="replace")
    return headers


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
        except Exception:  # a bug: drop the connection (the runner opens another), say why
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
