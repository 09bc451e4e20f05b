"""The whole system on the session's 3-node cluster: simulate, projector and detector as processes, then the checks.

Each check reads the system's own record, never what the test published: the matches simulate says it
played (its log), the match rows, the stream's events and moments.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from nats.js.errors import NotFoundError

from contract.events import parse_timestamp, room_id_from_subject, validate_envelope
from devtools.embedded import EmbeddedNatsCluster
from history.models import Match
from history.replay import read_subject
from moments import detect_moments
from streaming.connection import connect
from streaming.streams import ensure_stream
from streaming.world import NATS_UNAVAILABLE
from tests.support import subprocess_env, wait_until

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
PLAYED = re.compile(r"match played room_id=(\S+) started_at=(\S+) events=(\d+)")
# Messages a killed process held come back within seconds; every process brings the durable to these.
CLUSTER_ENV = {
    "GAME_EVENTS_REPLICAS": "3",
    "CONSUMER_ACK_WAIT_SECONDS": "3",
    "CONSUMER_REDELIVERY_BACKOFF_SECONDS": "3,5",
}


async def _retrying(action, patience: float = 60.0):
    """``await action(js)`` until the cluster answers (a meta leader elected, a stream leader chosen)."""
    deadline = time.monotonic() + patience
    while True:
        client = await connect("test-cluster-admin", retry_forever=False)
        try:
            return await action(client.jetstream())
        except NATS_UNAVAILABLE:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)
        finally:
            await client.close()


def on_cluster(action, timeout: float = 60.0):
    return asyncio.run(_retrying(action, patience=timeout))


def fresh_replicated_stream() -> None:
    """An empty GAME_EVENTS with replicas 3 on the cluster, its leader elected and every replica current."""

    async def recreate(js):
        with contextlib.suppress(NotFoundError):
            await js.delete_stream(settings.GAME_EVENTS_STREAM)
        await ensure_stream(js)

    on_cluster(recreate)
    wait_until(lambda: replicas_current(), timeout=60, interval=0.2)


def replicas_current() -> bool:
    info = on_cluster(lambda js: js.stream_info(settings.GAME_EVENTS_STREAM))
    cluster = info.cluster
    return bool(
        cluster and cluster.leader and len(cluster.replicas or []) == 2 and all(r.current for r in cluster.replicas)
    )


def stream_leader() -> str:
    return on_cluster(lambda js: js.stream_info(settings.GAME_EVENTS_STREAM)).cluster.leader


def consumer_leader(durable: str) -> str:
    return on_cluster(lambda js: js.consumer_info(settings.GAME_EVENTS_STREAM, durable)).cluster.leader


def consumer_done(durable: str) -> bool:
    try:
        info = on_cluster(lambda js: js.consumer_info(settings.GAME_EVENTS_STREAM, durable), timeout=5)
    except NATS_UNAVAILABLE:
        return False
    return info.num_pending == 0 and info.num_ack_pending == 0


@dataclass
class System:
    """simulate, the projector and the detector as processes on the cluster, logging into ``folder``."""

    folder: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, *args: str) -> subprocess.Popen:
        with open(self.folder / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "manage.py", *args],
                env={**subprocess_env(), **CLUSTER_ENV},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self.processes[name]

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text()

    def wait_for_log(self, name: str, text: str, timeout: float = 60) -> None:
        wait_until(lambda: text in self.log(name), timeout=timeout, interval=0.1)

    def stop(self) -> dict[str, int | None]:
        codes: dict[str, int | None] = {}
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in self.processes.items():
            try:
                codes[name] = process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                codes[name] = None
        return codes


def played_matches(simulate_log: str) -> dict[tuple[str, datetime], int]:
    """(room_id, started_at) -> events, for every match simulate says it played."""
    return {(room, instant(started)): int(events) for room, started, events in PLAYED.findall(simulate_log)}


def instant(text: str) -> datetime:
    return parse_timestamp(text, "started_at")


def read_everything() -> tuple[list[tuple[int, str, dict, dict]], list[dict]]:
    """Every event (seq, subject, body, headers) and every moment of the stream, in stream order."""

    async def read(js):
        client = js._nc
        events = [
            (m.seq, m.headers["Nats-Subject"], json.loads(m.data), m.headers)
            async for m in read_subject(client, "game.*.events", EPOCH)
        ]
        moments = [json.loads(m.data) async for m in read_subject(client, "game.*.moments", EPOCH)]
        return events, moments

    return on_cluster(read)


def expected_moments(events: list[tuple[int, str, dict, dict]]) -> Counter:
    """The moments of an uninterrupted run: detect_moments over each room's stored events in stream order."""
    states: dict[str, object] = {}
    expected: Counter = Counter()
    for seq, subject, body, _ in events:
        room = room_id_from_subject(subject)
        state, moments = detect_moments(states.get(room), validate_envelope(body))
        states[room] = state
        expected.update((room, m.type, m.player_id, seq) for m in moments)
    return expected


def stored_moments(moments: list[dict], events: list[tuple[int, str, dict, dict]]) -> Counter:
    room_of_seq = {seq: room_id_from_subject(subject) for seq, subject, _, _ in events}
    return Counter(
        (room_of_seq.get(m["data"]["event_seq"]), m["type"], m["player_id"], m["data"]["event_seq"]) for m in moments
    )


def incomplete_replays(played: dict[tuple[str, datetime], int], events: list[tuple[int, str, dict, dict]]) -> list[str]:
    """Matches whose stored events are not game_start..game_end with every Msg-Id index once."""
    indices: dict[tuple[str, datetime], list[tuple[int, str]]] = defaultdict(list)
    for _, _, body, headers in events:
        prefix, index = headers["Nats-Msg-Id"].rsplit(":", 1)
        room, started = prefix.split(":", 1)
        indices[(room, instant(started))].append((int(index), body["type"]))
    problems = []
    for match, count in played.items():
        stored = sorted(indices.get(match, []))
        if [index for index, _ in stored] != list(range(count)):
            problems.append(f"{match}: {len(stored)} of {count} events, indices not 0..{count - 1} once each")
        elif stored[0][1] != "game_start" or stored[-1][1] != "game_end":
            problems.append(f"{match}: does not run from game_start to game_end")
    return problems


def check_after_fault(system: System, cluster: EmbeddedNatsCluster) -> dict[str, object]:
    """Wait for the system to settle with every node up, then the issue's checks; returns figures for the report."""
    simulate = system.processes["simulate"]
    simulate.wait(timeout=240)
    summary = system.log("simulate")
    assert simulate.returncode == 0, summary[-3000:]
    played = played_matches(summary)
    assert played, summary[-2000:]
    published = re.search(r"publisher: published ([\d,]+), dropped ([\d,]+), not stored ([\d,]+)", summary)
    assert published is not None, summary[-2000:]
    assert (published.group(2), published.group(3)) == ("0", "0"), published.group(0)
    assert int(published.group(1).replace(",", "")) == sum(played.values()), published.group(0)
    wait_until(lambda: Match.objects.filter(room_id__isnull=False).count() >= len(played), timeout=120, interval=0.5)
    wait_until(
        lambda: consumer_done("key-moment-detector") and consumer_done("match-projector"), timeout=120, interval=0.5
    )
    events, moments = read_everything()
    rows = Counter((m.room_id, m.started_at) for m in Match.objects.all())
    assert {match: rows[match] for match in played} == {match: 1 for match in played}
    assert sum(rows.values()) == len(played)
    assert incomplete_replays(played, events) == []
    stored = stored_moments(moments, events)
    assert [key for key, count in stored.items() if count > 1] == []
    expected = expected_moments(events)
    assert set(stored) == set(expected), (
        f"missing {sorted(set(expected) - set(stored))[:5]}, extra {sorted(set(stored) - set(expected))[:5]}"
    )
    for name in ("projector", "detector"):
        log = system.log(name)
        # A failure of the world must never be taken for a bug (split the batch) or end as poison.
        assert "poison event terminated" not in log and "batch failed unexpectedly" not in log, name
        assert "no game_start before it" not in log, name
    return {"matches": len(played), "events": len(events), "moments": len(moments)}
