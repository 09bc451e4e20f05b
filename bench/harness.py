"""What every benchmark shares: embedded servers in a temporary folder, Django, timing and the report."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from devtools.embedded import EmbeddedNats, EmbeddedPostgres, free_port

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


@dataclass
class Row:
    path: str
    ours: str
    baseline: str
    ratio: str
    target: str
    verdict: str  # "pass", "short" or "reported"
    figures: dict = field(default_factory=dict)


def _monitoring() -> str:
    """With BENCH_NATS_MONITOR=1, the benchmark's nats-server's monitoring port (/varz, /connz, /jsz) and
    Go profiler (/debug/pprof/; read a CPU profile with ``python -m bench.pprof``): where its CPU goes."""
    if not os.environ.get("BENCH_NATS_MONITOR"):
        return ""
    http, profiler = free_port(), free_port()
    print(f"nats-server monitoring http://127.0.0.1:{http}/varz, profiler http://127.0.0.1:{profiler}/debug/pprof/")
    return f'http: "127.0.0.1:{http}"\nprof_port: {profiler}\n'


class Servers:
    """A PostgreSQL and one or two NATS servers of the benchmark's own (the second fsyncs always)."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="th-bench-", dir="/tmp"))
        self.postgres = EmbeddedPostgres(self.root / "pg")
        self.nats = EmbeddedNats(self.root / "nats", extra_config=_monitoring())
        self.nats_fsync = EmbeddedNats(self.root / "nats-fsync", sync_always=True)

    def start(self) -> None:
        os.environ["DATABASE_URL"] = self.postgres.start()
        os.environ["NATS_URL"] = self.nats.start()
        self.nats_fsync.start()
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
        # WhiteNoise warns that collectstatic never ran; the benchmarks serve no static files. The
        # variable carries the filter to the gunicorn workers.
        os.environ["PYTHONWARNINGS"] = "ignore:No directory at:UserWarning"
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        import django

        django.setup()
        _log_to_file(RESULTS / "bench.log")
        from django.core.management import call_command

        call_command("migrate", verbosity=0)

    def stop(self) -> None:
        self.nats.stop()
        self.nats_fsync.stop()
        self.postgres.stop(mode="immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def _log_to_file(path: Path) -> None:
    """The consumers' INFO lines (one a match, one a moment) go to a file: still written, so still
    paid for, but out of the table's way."""
    import logging

    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, mode="w")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for name in ("streaming", "game", "archive"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False


def match_messages(matches) -> Iterator[tuple[str, bytes, str | None]]:
    """(subject, payload, msg_id) of each event of (room_id, [(event, msg_id), ...]) matches, in order."""
    for room, events in matches:
        for event, msg_id in events:
            yield f"game.{room}.events", json.dumps(event, separators=(",", ":")).encode(), msg_id


async def load_stream(url: str, messages: Iterable[tuple[str, bytes, str | None]]) -> int:
    """Empty GAME_EVENTS, then publish ``messages`` pipelined, every ack checked; return how many."""
    import nats

    from streaming.streams import ensure_stream

    client = await nats.connect(url)
    js = client.jetstream(publish_async_max_pending=4000)
    with contextlib.suppress(Exception):
        await js.delete_stream("GAME_EVENTS")
    await ensure_stream(js)
    count, futures = 0, []
    for subject, payload, msg_id in messages:
        headers = {"Nats-Msg-Id": msg_id} if msg_id else None
        futures.append(await js.publish_async(subject, payload, headers=headers))
        count += 1
        if len(futures) >= 4000:
            await asyncio.gather(*futures)
            futures = []
    await asyncio.gather(*futures)
    await client.close()
    return count


def node_bench_line(command: list[str], env: dict[str, str], cwd: Path = ROOT / "web") -> dict:
    """Run a Node benchmark script and return the JSON of its `BENCH {...}` line."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)
    for line in done.stdout.splitlines():
        # Vitest colours its stdout even when piped, so the marker may follow escape codes.
        _, marker, payload = line.partition("BENCH ")
        if marker:
            return json.loads(payload)
    raise RuntimeError(f"{' '.join(command)} printed no BENCH line:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def machine() -> dict:
    versions = {}
    for package in ("django", "nats-py", "psycopg", "djangorestframework"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:
            versions[package] = "?"
    nats_server = subprocess.run([EmbeddedNats.binary(), "--version"], capture_output=True, text=True).stdout.strip()
    memory_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "cpu": platform.processor() or platform.machine(),
        "python": sys.version.split()[0],
        "nats_server": nats_server,
        "packages": versions,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def print_table(rows: list[Row]) -> None:
    headers = ("path", "ours", "baseline", "ratio", "target", "")
    table = [headers, *[(r.path, r.ours, r.baseline, r.ratio, r.target, r.verdict) for r in rows]]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(headers))]
    for index, row in enumerate(table):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  ".join("-" * width for width in widths))


def write_json(rows: list[Row], quick: bool) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / time.strftime("bench-%Y%m%d-%H%M%S.json", time.gmtime())
    path.write_text(json.dumps({"machine": machine(), "quick": quick, "rows": [asdict(r) for r in rows]}, indent=2))
    return path


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s"


def verdict(ok: bool) -> str:
    return "pass" if ok else "short"
