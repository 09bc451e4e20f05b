"""A pytest session in a process of its own beside the main one, its output kept for the end."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class BackgroundPytest:
    """pytest started now, waited for by finish(); its output printed then, not interleaved."""

    def __init__(self, title: str, pytest_args: list[str]) -> None:
        self.title = title
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - finish() closes it
        # A base folder of its own: the main session's cleanup of old numbered folders never meets it.
        self.basetemp = tempfile.mkdtemp(prefix="th-lane-", dir="/tmp")
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--basetemp={self.basetemp}"]
        command += pytest_args
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)

    def finish(self) -> tuple[int, str]:
        """Wait, print the output, and return the exit code and pytest's closing line."""
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
