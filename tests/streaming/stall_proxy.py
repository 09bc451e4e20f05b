"""A TCP proxy in front of the real NATS server of the tests, that can stop answering without closing.

It stands in for a node of a cluster: ``down`` (not listening: connections are refused), ``forwarding``,
or ``stalled``, which is what a paused server (SIGSTOP) or a half-open connection looks like to a
client: every connection stays open, new ones are accepted, and nothing is read or answered.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from urllib.parse import urlparse

CHUNK = 64 * 1024


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
        with self._lock:
            self._sockets.append(upstream)
        threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()
        self._pump(client, upstream)

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while not self._closed:
                self._forwarding.wait()  # stalled: read nothing, so the sender's buffers fill as on a paused host
                data = source.recv(CHUNK)
                if not data:
                    break
                self._forwarding.wait()
                if self._closed:
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
