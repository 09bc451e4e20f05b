#!/usr/bin/env python3
"""The two commands, on a fresh machine with only Python 3.11+:

    python3 dev.py up      set everything up and run the system (web, consumers, demo games)
    python3 dev.py test    set everything up and run lint and the whole test suite

This file needs only the standard library: it creates `.venv`, installs the project into it when
pyproject.toml changed, and hands over to `python -m devtools` inside the virtual environment.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".installed-from"


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print("creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("installing the project and its tools into .venv ...", flush=True)
        quiet = ["--quiet", "--disable-pip-version-check"]
        subprocess.run([PYTHON, "-m", "pip", "install", *quiet, "--upgrade", "pip"], check=True)
        subprocess.run([PYTHON, "-m", "pip", "install", *quiet, "-e", f"{ROOT}[dev]"], check=True)
        STAMP.write_text(wanted)


def main() -> None:
    ensure_environment()
    os.chdir(ROOT)
    os.execv(PYTHON, [str(PYTHON), "-m", "devtools", *sys.argv[1:]])


if __name__ == "__main__":
    main()
