"""A TCP proxy in front of the real NATS server of the tests, that can stop answering without closing.

It stands in for a node of a cluster: ``down`` (not listening: connections are refused), ``forwarding``,
or ``stalled``, which is what a paused server (SIGSTOP) or a half-open connection looks like to a
client: every connection stays open, new ones are accepted, and nothing is read or answered.

It can also lose pull requests (``lose_pull_requests``) while forwarding everything else: what a
consumer sees of a request held by a consumer leader that died on a cluster (no messages, no
heartbeats, no status, while its own connection answers every PING).
"""

from __future__ import annotations

import contextlib
import socket
import threading
from urllib.parse import urlparse

CHUNK = 64 * 1024
PULL_REQUEST_SUBJECT = b"$JS.API.CONSUMER.MSG.NEXT."


class PullRequestLoser:
    """Splits what a client sends into protocol lines and bodies, leaving out the next ``count`` pull requests."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._lock = threading.Lock()
        self.to_lose = 0
        self.lost = 0

    def lose(self, count: int) -> None:
        with self._lock:
            self.to_lose += count

    def forwarded(self, data: bytes) -> bytes:
        buffer = self._buffer
        buffer += data
        out = bytearray()
        pos = 0
        while True:
            end = buffer.find(b"\r\n", pos)
            if end < 0:
                break
            line = bytes(buffer[pos:end])
            if line.startswith((b"PUB ", b"HPUB ")):
                stop = end + 2 + int(line.split()[-1]) + 2  # the body and its CRLF
                if len(buffer) < stop:
                    break
                with self._lock:
                    lose = self.to_lose > 0 and line.split()[1].startswith(PULL_REQUEST_SUBJECT)
                    if lose:
                        self.to_lose -= 1
                        self.lost += 1
                if not lose:
                    out += buffer[pos:stop]
                pos = stop
            else:
                out += buffer[pos : end + 2]
                pos = end + 2
        del buffer[:pos]
        return bytes(out)


class StallProxy:
    def __init__(self, upstream_url: str) -> None:
        parsed = urlparse(upstream_url if "://" in upstream_url else f"nats://{upstream_url}")
        self.upstream = (parsed.hostname or "127.0.0.1", parsed.port or 4222)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))  # the port is ours from now on; refused until listening
        self.port = self._listener.getsockname()[1]
        self.url = f"nats://127.0.0.1:{self.port}"
        self._forwarding = threading.Event()
        self._closed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._acceptor: threading.Thread | None = None
        self._losers: list[PullRequestLoser] = []

    def forward(self) -> None:
        """Listen (once) and forward every connection, old and new, both ways."""
        self._forwarding.set()
        if self._acceptor is None:
            self._listener.listen(64)
            self._acceptor = threading.Thread(target=self._accept, daemon=True)
            self._acceptor.start()

    def stall(self) -> None:
        """Stop forwarding: connections stay open and new ones are accepted, but nothing moves."""
        self._forwarding.clear()

    def lose_pull_requests(self, count: int) -> None:
        """Forward everything but the next ``count`` pull requests of each connection open now."""
        with self._lock:
            for loser in self._losers:
                loser.lose(count)

    @property
    def lost_pull_requests(self) -> int:
        with self._lock:
            return sum(loser.lost for loser in self._losers)

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._sockets) // 2

    def close(self) -> None:
        self._closed = True
        self._forwarding.set()  # let the pumps see that they are done
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with self._lock:
            self._sockets.append(client)
        self._forwarding.wait()  # a connection made while stalled is held, unanswered
        if self._closed:
            return
        try:
            upstream = socket.create_connection(self.upstream)
        except OSError:
            client.close()
            return
        loser = PullRequestLoser()
        with self._lock:
            self._sockets.append(upstream)
            self._losers.append(loser)
        threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()
        self._pump(client, upstream, loser)

    def _pump(self, source: socket.socket, target: socket.socket, loser: PullRequestLoser | None = None) -> None:
        try:
            while not self._closed:
                self._forwarding.wait()  # stalled: read nothing, so the sender's buffers fill as on a paused host
                data = source.recv(CHUNK)
                if not data:
                    break
                self._forwarding.wait()
                if self._closed:
                    break
                target.sendall(loser.forwarded(data) if loser is not None else data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
