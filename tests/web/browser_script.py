"""Running a browser script of web/e2e/ from a test: each prints its findings as one `RESULT {json}` line."""

from __future__ import annotations

import json
import subprocess

from devtools.web import WEB, node_env


def browser_result(*args: str, env: dict[str, str] | None = None, timeout: int = 300) -> dict:
    """`node ARGS...` in web/ (Node 24 first on PATH); the JSON of its last RESULT line.

    Fails the test with the script's output when it exits non-zero or prints no RESULT line.
    """
    done = subprocess.run(
        ["node", *args],
        cwd=WEB,
        env={**node_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, f"{' '.join(args[:2])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return json.loads(lines[-1][len("RESULT ") :])
