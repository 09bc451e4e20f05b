"""Verified solo runs (issue 26, docs/api.md): what the server pays to replay a posted run, and what
a run costs to store. Runs come from the simulated players of web/e2e/solo/humanRuns.ts, recorded by the
browser's engine; the server's side is this process: the run's shape checked by the serializer, then
its replay in the verifier worker (solo/verifier.py: the game's own modules in Node), as a request does.
Beside it, the engine's raw step rate inside that replay (steps of 4 ms of play over the time)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.harness import Row, median, percentile, verdict

SPRINT_TARGET_MS = 20.0
MARATHON_TARGET_MS = 200.0
STEP_MS = 4


def _server_time_ms(run: dict, worker, repeats: int, checks: list[float] | None = None) -> list[float]:
    """The server's time for ``run``: its shape checked (ms into ``checks``), then its replay."""
    from solo.replay import ReplayInputSerializer

    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        serializer = ReplayInputSerializer(data=run)
        serializer.is_valid(raise_exception=True)
        checked = time.perf_counter()
        worker.replay(serializer.validated_data)
        times.append((time.perf_counter() - started) * 1000)
        if checks is not None:
            checks.append((checked - started) * 1000)
    return times


def run(servers, quick: bool) -> list[Row]:
    import django

    django.setup()
    from solo.inputs import inputs_encode
    from solo.verifier import VerifierWorker
    from tests.solo.recorded_runs import recorded_runs

    out = Path(tempfile.mkdtemp(prefix="solo-verify-"))
    human = recorded_runs(out, 1, 400 if quick else 1000)
    longs = recorded_runs(out, 1, 1 if quick else 3, "long")
    sprints = [r for r in human if r["run"]["mode"] == "sprint" and r["live"]["ended"] == "goal"]
    worker = VerifierWorker()
    repeats = 10 if quick else 30
    try:
        # The worker's start (Node, the bundle) and V8's warm-up are paid once per server process.
        for r in human[:100]:
            worker.replay(r["run"])
        checks: list[float] = []
        sprint_times = [t for r in sprints for t in _server_time_ms(r["run"], worker, repeats, checks)]
        long_run = max(longs, key=lambda r: r["live"]["duration_ms"])
        long_times = _server_time_ms(long_run["run"], worker, repeats)
    finally:
        worker.close()
    sprint_ms = median(sprint_times)
    sprint_play = median([r["live"]["duration_ms"] for r in sprints]) / 1000
    long_ms, long_p99 = median(long_times), percentile(long_times, 0.99)
    long_minutes = long_run["live"]["duration_ms"] / 60000
    steps_per_s = long_run["live"]["duration_ms"] / STEP_MS / (long_ms / 1000)
    # A 10-minute marathon's cost, should the longest run fall short of 10 minutes: time scales with steps.
    ten_minutes_ms = long_ms * 10 / long_minutes
    every = human + longs
    stored = sum(len(inputs_encode(r["run"]["inputs"])) for r in every)
    minutes = sum(r["live"]["duration_ms"] for r in every) / 60000
    json_bytes = sum(len(str(r["run"]["inputs"]).replace(" ", "")) for r in every)
    return [
        Row(
            "verify a 40-line sprint (serializer + Node worker)",
            f"median {sprint_ms:.1f} ms, p99 {percentile(sprint_times, 0.99):.1f} ms ({len(sprints)} sprints, "
            f"{sprint_play:.0f} s of play each, median; the serializer's checks {median(checks):.1f} ms of it)",
            "a Node process a request: about 66 ms (measured at step 1)",
            "-",
            f"<= {SPRINT_TARGET_MS:.0f} ms",
            verdict(sprint_ms <= SPRINT_TARGET_MS),
            {"median_ms": sprint_ms, "times_ms": sprint_times, "play_s": sprint_play},
        ),
        Row(
            "verify a 10-minute marathon",
            f"median {long_ms:.1f} ms, p99 {long_p99:.1f} ms for {long_minutes:.1f} min of play "
            f"({len(long_run['run']['inputs']):,} inputs); {ten_minutes_ms:.0f} ms scaled to 10 min",
            f"engine inside it: {steps_per_s / 1e6:.2f} M steps/s ({1e6 / steps_per_s:.2f} us a 4 ms step)",
            "-",
            f"<= {MARATHON_TARGET_MS:.0f} ms",
            verdict(ten_minutes_ms <= MARATHON_TARGET_MS),
            {"median_ms": long_ms, "minutes": long_minutes, "steps_per_s": steps_per_s},
        ),
        Row(
            "stored inputs a minute of play",
            f"{stored / minutes:,.0f} bytes ({len(every)} runs, {minutes:.0f} min)",
            f"the inputs as JSON: {json_bytes / minutes:,.0f} bytes",
            f"{json_bytes / stored:.1f}x smaller",
            "about 2 KB (docs/api.md)",
            verdict(stored / minutes <= 2048),
            {"bytes_per_minute": stored / minutes, "json_bytes_per_minute": json_bytes / minutes},
        ),
    ]
