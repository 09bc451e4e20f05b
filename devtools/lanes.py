"""A lane of `dev.py test`: a command in a process of its own beside the others, its output kept for the end."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Lane:
    """``command`` started now (at niceness ``nice``), waited for by finish(); its output printed then,
    not interleaved with the lane in the foreground."""

    def __init__(self, title: str, command: list[str], *, env: dict[str, str] | None = None, nice: int = 0) -> None:
        self.title = title
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - finish() closes it
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=lambda: os.nice(nice)
        )

    def finish(self) -> tuple[int, str]:
        """Wait, print the output, and return the exit code and the output's last line (pytest's summary)."""
        code = self.process.wait()
        self.log.seek(0)
        output = self.log.read()
        self.log.close()
        sys.stdout.flush()
        print(f"{self.title} (run beside the others) ...", flush=True)
        sys.stdout.buffer.write(output)
        sys.stdout.flush()
        print(f"{self.title}: exit {code} ({time.monotonic() - self.started:.0f} s)", flush=True)
        lines = [line.strip() for line in output.decode(errors="replace").splitlines() if line.strip()]
        return code, lines[-1] if lines else ""


def pytest_lane(title: str, pytest_args: list[str]) -> Lane:
    """A pytest session of its own, with a base folder of its own: the main session's cleanup of old
    numbered folders never meets it."""
    basetemp = tempfile.mkdtemp(prefix="th-lane-", dir="/tmp")
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--basetemp={basetemp}", *pytest_args]
    return Lane(title, command)
