"""The solo game's engine and frames (issue 14): the TypeScript simulation step, timed in Node by
web/bench/engineStep.bench.ts, beside the Python engine's tick on similar play in this process; and
the running game's frames in headless Chromium (web/bench/frameTimes.mjs), beside an empty
requestAnimationFrame loop in the same browser. Needs the web client's npm packages (web/node_modules)
and Debian's chromium."""

from __future__ import annotations

import random
import shutil
import subprocess
import time

from bench.harness import Row, median, node_bench_line, percentile, verdict
from devtools.web import WEB, node_env
from game.engine.config import MatchConfig
from game.engine.match import Match

STEP_TARGET_US = 100.0  # a step every 4 ms of play: 100 us at p99 is 2.5 % of it
FRAME_MS = 1000 / 60


def python_tick_times(ticks: int) -> list[float]:
    """The Python engine's Match.step for one player, keys at a player's pace as in the TS bench."""
    rng = random.Random(12345)
    config = MatchConfig(gravity=1 / 60, lock_delay=30)
    times: list[float] = []
    match = Match(["p"], seed=1, config=config)
    plan: list[list[str]] = []
    games = 1
    while len(times) < ticks:
        if match.over:
            games += 1
            match = Match(["p"], seed=games, config=config)
            plan = []
        if not plan:
            side = rng.choice(["move_left", "move_right"])
            actions = ["rotate_cw"] * rng.randrange(4) + [side] * rng.randrange(5) + ["hard_drop"]
            # One key every 8 ticks of 1/60 s: about 8 keys a second.
            plan = [step for action in actions for step in ([action], *([[]] * 7))]
        inputs = plan.pop(0)
        started = time.perf_counter()
        match.step({"p": inputs} if inputs else None)
        times.append(time.perf_counter() - started)
    return times


def run(servers, quick: bool) -> list[Row]:
    env = node_env()
    if shutil.which("npm", path=env["PATH"]) is None:
        raise RuntimeError("npm not found: run `python3 dev.py test` once to install the web client's toolchain")
    subprocess.run(["npm", "run", "build"], cwd=WEB, env=env, check=True, capture_output=True, timeout=600)
    steps = 50_000 if quick else 300_000
    ts = node_bench_line(
        ["npx", "vitest", "run", "--config", "bench/vitest.config.ts"], {**env, "SOLO_BENCH_STEPS": str(steps)}
    )
    py = [t * 1e6 for t in python_tick_times(20_000 if quick else 100_000)]
    py_median, py_p99 = median(py), percentile(py, 0.99)
    engine = Row(
        "solo engine step (TypeScript, Node)",
        f"median {ts['median_us']:.1f} us, p99 {ts['p99_us']:.1f} us",
        f"Python engine tick: median {py_median:.1f} us, p99 {py_p99:.1f} us",
        f"{ts['median_us'] / py_median:.2f}x the Python tick (p50)" if py_median else "-",
        f"p99 <= {STEP_TARGET_US:.0f} us",
        verdict(ts["p99_us"] <= STEP_TARGET_US),
        {"typescript": ts, "python": {"ticks": len(py), "median_us": py_median, "p99_us": py_p99}},
    )
    frames = node_bench_line(["node", "bench/frameTimes.mjs", "5" if quick else "20"], env)
    work, interval, blank = frames["work_ms"], frames["interval_ms"], frames["baseline_interval_ms"]
    frame = Row(
        "solo game frames, headless Chromium",
        f"work p50 {work['median']:.1f} ms, p99 {work['p99']:.1f} ms; interval p99 {interval['p99']:.1f} ms",
        f"empty rAF loop: interval p50 {blank['median']:.1f} ms, p99 {blank['p99']:.1f} ms",
        f"{interval['p99'] / blank['p99']:.2f}x interval p99" if blank["p99"] else "-",
        "work p99 within one 60 Hz frame",
        verdict(work["p99"] <= FRAME_MS),
        frames,
    )
    return [engine, frame]
