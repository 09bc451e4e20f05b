"""Programs the tests take from Debian's packages (no downloads from elsewhere are possible here):
Chromium for the browser tests, promtool (package `prometheus`) for the alert rules' tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
PROMTOOL = Path("/usr/bin/promtool")


def ensure_debian_package(*, package: str, program: Path, purpose: str) -> None:
    """Install Debian's ``package`` when ``program`` is missing and this runs as root; else exit saying how."""
    if program.exists():
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        print(f"installing Debian's {package} for {purpose} ...", flush=True)
        # policy-rc.d is not ours to write: a package's service (prometheus has one) may fail to start
        # in a container without an init system, which apt reports but the program is installed.
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        # Another apt-get on the machine (a second worktree's tests installing the same) holds dpkg's
        # lock for a while: wait for it rather than fail.
        lock = ["-o", "DPkg::Lock::Timeout=600"]
        subprocess.run(["apt-get", *lock, "update", "-qq"], check=False, env=env)
        subprocess.run(["apt-get", *lock, "install", "-y", "-qq", package], check=True, env=env)
    if not program.exists():
        sys.exit(
            f"{purpose.capitalize()} need {program}: install Debian's package as root "
            f"(apt-get install -y {package}) and run the tests again."
        )


def ensure_chromium() -> None:
    ensure_debian_package(package="chromium", program=CHROMIUM, purpose="the browser tests")


def ensure_promtool() -> None:
    ensure_debian_package(package="prometheus", program=PROMTOOL, purpose="the alert rules' tests")
