"""Runs recorded by the browser's engine: web/e2e/solo/humanRuns.ts's simulated players, played and
recorded as /play does, built for Node by Vite and run here (so they come from the very engine the page
runs). Each is {"seed", "run": the replay object a client posts, "live": what the live game ended with}."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from devtools.web import WEB, build_if_changed, node_env


def recorded_runs(out: Path, first: int, count: int, kind: str = "human") -> list[dict[str, Any]]:
    """``count`` runs from seed ``first`` on; builds the client (and the verifier) first when it changed.
    ``kind`` "long": marathons of about 10 minutes of play (web/e2e/solo/humanRuns.ts longMarathon)."""
    build_if_changed()
    env = node_env()
    build = ["npx", "vite", "build", "--ssr", "e2e/solo/humanRunsCli.ts", "--outDir", str(out), "--emptyOutDir"]
    subprocess.run(build, cwd=WEB, env=env, check=True, capture_output=True, timeout=300)
    done = subprocess.run(
        ["node", str(out / "humanRunsCli.js"), str(first), str(count), kind],
        cwd=WEB,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line]
