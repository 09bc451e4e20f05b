"""Resident memory of a detector process holding 10,000 live matches."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

import nats

from bench.events import synthetic_match
from bench.harness import ROOT, Row, load_stream, match_messages
from bench.webserver import database_url


def _publish_openings(url: str, rooms: int) -> int:
    """Each room: a four-player match under way (its first 60 events, no game_end)."""
    openings = ((f"live-{n}", synthetic_match(f"live-{n}", n, events_per_match=62)[:60]) for n in range(rooms))
    return asyncio.run(load_stream(url, match_messages(openings)))


async def _pending(url: str) -> int:
    client = await nats.connect(url)
    try:
        info = await client.jetstream().consumer_info("GAME_EVENTS", "key-moment-detector")
        return info.num_pending + info.num_ack_pending
    except Exception:
        return -1
    finally:
        await client.close()


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(servers, quick: bool) -> list[Row]:
    import os

    rooms = 2000 if quick else 10_000
    events = _publish_openings(servers.nats.url, rooms)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "NATS_URL": servers.nats.url,
        "STREAMING_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen([sys.executable, "manage.py", "run_moment_detector"], cwd=ROOT, env=env)
    try:
        idle_rss = None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if idle_rss is None:
                idle_rss = _rss_mib(process.pid)
            if asyncio.run(_pending(servers.nats.url)) == 0:
                break
        time.sleep(1)
        rss = _rss_mib(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return [
        Row(
            f"detector memory, {rooms:,} live matches",
            f"RSS {rss:,.0f} MiB",
            f"{idle_rss:,.0f} MiB at start",
            "-",
            "reported",
            "reported",
            {
                "rss_mib": rss,
                "start_rss_mib": idle_rss,
                "rooms": rooms,
                "events": events,
                "per_match_kib": (rss - (idle_rss or 0)) * 1024 / rooms,
            },
        )
    ]
