"""Viewers of live streams on one web process (2 uvicorn workers), one room watched by many and many rooms
watched by a few: from an event stored (its publish acknowledged) to every viewer having it, p50 and
p99, missed deliveries, the web workers' memory per open stream, and beside it the publisher's own rate
with no viewer; with BENCH_LIVE_LOAD, the publisher's and the consumers' rates with and without the
viewers too, which `--only live_load` measures alone (bench/live_load.py, docs/development.md)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import os
import re
import threading
import time

from bench.harness import Row, percentile, verdict
from bench.live_load import PLACEMENTS, family, pipeline_pids, placed, playing, throughput, warm_up
from bench.live_load import publish_paced as _publish
from bench.live_load import rows as load_rows
from bench.webserver import Gunicorn

ROOM = "live-bench-room"
ALONE_ROOM = "live-bench-alone"
# Matched in "\n" + a read of whole lines: a pattern that starts with a literal is searched for at C
# speed, where the former "(?:^|\n)id: " was tried at every byte (270 us for a read of 20 events against
# 19 us, so that the two client processes parsing a thousand streams were the latency measured).
_ID = re.compile(rb"\nid: (\d+)\n")
EVENTS_PER_SECOND = 200
# The longest the load's timing may take with a room playing beside it (bench/live_load.py).
LOAD_PLAY_SECONDS = 60


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes so far (/proc/PID/stat, clock ticks)."""
    total = 0
    for pid in pids:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115 (a /proc read)
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _workers(pid: int) -> list[int]:
    return [int(child) for child in open(f"/proc/{pid}/task/{pid}/children").read().split()]


def _sockets(pid: int) -> int:
    """Open sockets of a process: how the kernel spread the viewers' connections over the workers."""
    folder = f"/proc/{pid}/fd"
    return sum(1 for fd in os.listdir(folder) if os.readlink(f"{folder}/{fd}").startswith("socket:"))


def _warm_up(port: int, room: str, streams: int = 20) -> None:
    """Open and close a few streams first: a worker's first stream makes its NATS connection, the room's
    feed and the shared counts' bucket (megabytes, once), which are no stream's own cost."""
    import http.client

    opened = []
    for _ in range(streams):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", f"/api/live/rooms/{room}", headers={"Accept": "text/event-stream"})
        assert connection.getresponse().status == 200
        opened.append(connection)
    for connection in opened:
        connection.close()
    time.sleep(0.5)


def _rss_kb(pid: int) -> int:
    """Resident memory of the process and its children (the gunicorn master's workers)."""
    total = 0
    children = open(f"/proc/{pid}/task/{pid}/children").read().split()  # noqa: SIM115 (a /proc read)
    for each in [pid, *map(int, children)]:
        for line in open(f"/proc/{each}/status"):  # noqa: SIM115
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


class _Viewer(asyncio.Protocol):
    """One stream read by callbacks, not a coroutine woken per read: the viewers' CPU is the server's too
    (a StreamReader and a task per viewer cost the two client processes more than the server's writes).
    Each read's ids with the time it arrived; whole lines only (a read may cut an id line)."""

    def __init__(self, room: str, connected, done: asyncio.Future) -> None:
        self.room = room
        self.connected = connected
        self.done = done
        self.head: bytes | None = b""
        self.tail = b""
        self.seen: list[tuple[float, list[bytes]]] = []

    def connection_made(self, transport) -> None:
        self.transport = transport
        path = f"/api/live/rooms/{self.room}"
        transport.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())

    def data_received(self, data: bytes) -> None:
        now = time.time()
        if self.head is not None:  # the status line and headers first
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                return
            assert b" 200 " in self.head.split(b"\r\n", 1)[0], self.head[:200]
            data, self.head = self.head[end + 2 :], None
            self.connected.put(1)
        if self.tail:
            data = self.tail + data
        cut = data.rfind(b"\n") + 1
        data, self.tail = data[:cut], data[cut:]
        self.seen.append((now, _ID.findall(b"\n" + data)))
        if b"event: end" in data:
            self.transport.close()

    def connection_lost(self, exc) -> None:
        if not self.done.done():
            self.done.set_result(None)

    def result(self) -> tuple[str, list[tuple[int, float]]]:
        return self.room, [(int(found), when) for when, ids in self.seen for found in ids]


async def _viewers(port: int, rooms: list[str], connected, results, stop_at: float) -> None:
    """One stream per entry of ``rooms``; each received id with the time it arrived, until the stream ends."""
    loop = asyncio.get_running_loop()
    viewers = []
    for room in rooms:
        viewer = _Viewer(room, connected, loop.create_future())
        await loop.create_connection(lambda viewer=viewer: viewer, "127.0.0.1", port)
        viewers.append(viewer)
    lags: list[float] = []
    loop.call_later(TICK_SECONDS, _tick, loop, loop.time() + TICK_SECONDS, lags)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(max(0.1, stop_at - time.time())):
            await asyncio.gather(*(viewer.done for viewer in viewers))
    for viewer in viewers:
        viewer.transport.close()
    results.put((lags, [viewer.result() for viewer in viewers]))


# The viewers' own loop's lag: how late a timer due every TICK_SECONDS runs, which is how long a read
# ready in the sockets may wait for the client (its share of the latency measured).
TICK_SECONDS = 0.01


def _tick(loop, due: float, lags: list[float]) -> None:
    now = loop.time()
    lags.append(now - due)
    loop.call_at(now + TICK_SECONDS, _tick, loop, now + TICK_SECONDS, lags)


def _viewer_process(port: int, rooms: list[str], connected, results, stop_at: float) -> None:
    import uvloop  # the viewers' own CPU is the machine's too: the faster loop leaves more to the server

    # No cyclic garbage collection: the ids they keep (millions of objects, no cycles) made its full
    # passes pause the viewers for long moments, counted as the server's latency.
    gc.disable()
    uvloop.run(_viewers(port, rooms, connected, results, stop_at))


def _unwatched(tag: str, rooms: int) -> list[tuple[str, dict, str]]:
    """As many rooms as the viewers' playing the same pace, which no one watches."""
    from bench.events import synthetic_match

    per_room = EVENTS_PER_SECOND * LOAD_PLAY_SECONDS // rooms + 2
    names = [f"{ALONE_ROOM}-{tag}-{n}" for n in range(rooms)]
    return _interleaved({room: synthetic_match(room, 0, players=4, events_per_match=per_room) for room in names})


def _interleaved(matches: dict[str, list[tuple[dict, str]]]) -> list[tuple[str, dict, str]]:
    """The rooms' events in turns, as rooms playing at once publish them."""
    longest = max(len(events) for events in matches.values())
    return [(room, *events[n]) for n in range(longest) for room, events in matches.items() if n < len(events)]


def measure(
    servers, *, rooms: int, per_room: int, seconds: int, root=None, load_matches: int = 0, placements=PLACEMENTS
) -> dict:
    """``rooms`` rooms with ``per_room`` viewers each on one web process while they play at
    EVENTS_PER_SECOND in all: latency from stored to every viewer, missed deliveries, memory. With
    ``load_matches``, the publisher's and the consumers' rates on that many matches with no viewer,
    then with the viewers watching (their rooms playing on after the latency's window), then with no
    viewer again, each phase in every one of ``placements`` (bench/live_load.py)."""
    from bench.events import synthetic_match
    from tests.conftest import reset_stream
    from tests.support import run_async

    run_async(reset_stream())
    names = [f"{ROOM}-{n}" for n in range(rooms)]
    count = EVENTS_PER_SECOND * seconds // rooms
    # Events played on while the load is timed with the viewers attached (it stops where it is).
    play_seconds = LOAD_PLAY_SECONDS * len(placements) if load_matches else 0
    extra = EVENTS_PER_SECOND * play_seconds // rooms
    matches = {room: synthetic_match(room, 0, players=4, events_per_match=count + extra + 2) for room in names}
    load: dict[str, dict[str, dict]] = {placement: {} for placement in placements} if load_matches else {}
    nats_pid = int(servers.nats.pid_file.read_text()) if servers.nats.pid_file.exists() else None
    viewers = rooms * per_room
    # The limit well above the viewers: counts a previous server left in the shared bucket lapse in a minute.
    env = {"LIVE_CONNECTIONS_PER_ADDRESS": str(3 * viewers + 10), "STREAMING_LOG_LEVEL": "WARNING"}
    with Gunicorn(workers=2, env=env, asgi=True, root=root) as web:
        # Without viewers: the publisher's own rate (another room), and the workers' memory.
        other = synthetic_match(ALONE_ROOM, 0, players=4, events_per_match=EVENTS_PER_SECOND * seconds)
        alone = run_async(_publish([(ALONE_ROOM, *item) for item in other], rate=10_000))
        alone_rate = len(alone) / (alone[-1][2] - alone[0][2])
        run_async(_publish([(room, *events[0]) for room, events in matches.items()], rate=10_000))
        if load_matches:
            warm_up()
            for placement in placements:
                # Placed first: the playing process forked inside inherits the pipeline's cores.
                unwatched = _unwatched(f"before-{placement}", rooms)
                web_side, pipeline = family(web.process.pid), pipeline_pids(servers)
                with placed(placement, web_side, pipeline), playing(unwatched, EVENTS_PER_SECOND):
                    load[placement]["before"] = throughput("before", load_matches, nats_pid, pipeline)
        ctx = multiprocessing.get_context("fork")
        connected, results = ctx.Queue(), ctx.Queue()
        _warm_up(web.port, names[0])
        before = _rss_kb(web.process.pid)
        stop_at = time.time() + 60 + seconds + play_seconds
        assigned = [names[n % rooms] for n in range(viewers)]
        processes = [
            ctx.Process(target=_viewer_process, args=(web.port, assigned[half::2], connected, results, stop_at))
            for half in range(2)
        ]
        for process in processes:
            process.start()
        for _ in range(viewers):
            connected.get(timeout=120)
        time.sleep(1)
        after = _rss_kb(web.process.pid)
        body = _interleaved({room: events[1 : count + 1] for room, events in matches.items()})
        # The workers' memory while the streams carry the match (queues, write buffers), sampled each
        # second: the figure per stream is the highest of these, not only the idle streams' cost.
        peak = [after]
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(1.0):
                peak[0] = max(peak[0], _rss_kb(web.process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # Where the machine's CPU goes while the match is played: the web workers, the viewers' clients.
        workers, clients = _workers(web.process.pid), [process.pid for process in processes]
        spread = [_sockets(pid) for pid in workers]
        cpu_before = _cpu_seconds(workers), _cpu_seconds(clients), time.monotonic()
        stored = run_async(_publish(body, rate=EVENTS_PER_SECOND))
        cpu = [(_cpu_seconds(workers) - cpu_before[0]), (_cpu_seconds(clients) - cpu_before[1])]
        cpu = [seconds / (time.monotonic() - cpu_before[2]) for seconds in cpu]
        sampling.set()
        sampler.join()
        rest = _interleaved({room: events[count + 1 : -1] for room, events in matches.items()})
        for n, placement in enumerate(placements if load_matches else ()):
            part = rest[n * len(rest) // len(placements) : (n + 1) * len(rest) // len(placements)]
            web_side, pipeline = family(web.process.pid) + clients, pipeline_pids(servers)
            with placed(placement, web_side, pipeline), playing(part, EVENTS_PER_SECOND):
                cpu_before = _cpu_seconds(workers), _cpu_seconds(clients), time.monotonic()
                found = load[placement]["with"] = throughput("with", load_matches, nats_pid, pipeline)
                elapsed = time.monotonic() - cpu_before[2]
                found["web_workers_cpu_share"] = (_cpu_seconds(workers) - cpu_before[0]) / elapsed
                found["viewer_clients_cpu_share"] = (_cpu_seconds(clients) - cpu_before[1]) / elapsed
                # Streams still open at the phase's end: a viewer dropped as too slow no longer costs anything.
                found["streams_open"] = sum(_sockets(pid) for pid in workers) - sum(spread) + viewers
        # The game_ends: the streams say `end` 5 s later.
        run_async(_publish([(room, *events[-1]) for room, events in matches.items()], rate=10_000))
        streams, client_lags = [], []
        for _ in processes:
            lags, streamed = results.get(timeout=stop_at - time.time() + 30)
            streams.extend(streamed)
            client_lags.extend(lags)
        for process in processes:
            process.terminate()
        for placement in placements if load_matches else ():
            unwatched = _unwatched(f"after-{placement}", rooms)
            web_side, pipeline = family(web.process.pid), pipeline_pids(servers)
            with placed(placement, web_side, pipeline), playing(unwatched, EVENTS_PER_SECOND):
                load[placement]["after"] = throughput("after", load_matches, nats_pid, pipeline)
    stored_at = {seq: when for _, seq, when in stored}
    of_room: dict[str, set[int]] = {}
    for room, seq, _ in stored:
        of_room.setdefault(room, set()).add(seq)
    last_arrival: dict[int, float] = {}
    missing = 0
    for room, seen in streams:
        arrived = {seq: when for seq, when in seen if seq in of_room[room]}
        missing += len(of_room[room]) - len(arrived)
        for seq, when in arrived.items():
            last_arrival[seq] = max(last_arrival.get(seq, 0.0), when)
    latencies = [last_arrival[seq] - stored_at[seq] for seq in last_arrival]
    # Every delivery's own latency, and each viewer's median: whether all viewers lag or a few.
    deliveries, medians = [], []
    for room, seen in streams:
        mine = [when - stored_at[seq] for seq, when in seen if seq in of_room[room]]
        deliveries.extend(mine)
        if mine:
            medians.append(percentile(mine, 0.5))
    return {
        "rooms": rooms,
        "viewers": viewers,
        "events": len(stored),
        "events_per_second": EVENTS_PER_SECOND,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "missing_deliveries": missing,
        "delivery_p50_ms": percentile(deliveries, 0.5) * 1000,
        "delivery_p99_ms": percentile(deliveries, 0.99) * 1000,
        "viewer_median_p50_ms": percentile(medians, 0.5) * 1000,
        "viewer_median_max_ms": max(medians) * 1000,
        "rss_before_kb": before,
        "rss_after_kb": after,
        "rss_streaming_kb": peak[0],
        "kb_per_connection_idle": (after - before) / viewers,
        "kb_per_connection": (peak[0] - before) / viewers,
        "publish_rate_alone": alone_rate,
        "cpus": os.cpu_count(),
        "code": str(root) if root else "this checkout",
        "load_average": os.getloadavg()[0],
        "web_workers_cpu_share": cpu[0],  # CPU seconds a second, both workers together
        "viewer_clients_cpu_share": cpu[1],
        "sockets_per_worker": spread,
        "client_loop_lag_p99_ms": percentile(client_lags, 0.99) * 1000,
        "client_loop_lag_max_ms": max(client_lags) * 1000,
        "load": load,
    }


def _rows(figures: dict) -> list[Row]:
    label = (
        f"{figures['viewers']} viewers of one room"
        if figures["rooms"] == 1
        else (f"{figures['rooms']} rooms x {figures['viewers'] // figures['rooms']} viewers")
    )
    if figures["code"] != "this checkout":
        label += f", baseline code {figures['code']}"
    p50, p99, missing = figures["p50_ms"], figures["p99_ms"], figures["missing_deliveries"]
    return [
        Row(
            f"live: {label}, {EVENTS_PER_SECOND} events/s, stored -> every viewer",
            f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, {missing} missed (each delivery: p50 "
            f"{figures['delivery_p50_ms']:.0f}, p99 {figures['delivery_p99_ms']:.0f}; slowest viewer's median "
            f"{figures['viewer_median_max_ms']:.0f})",
            f"publisher alone: {figures['publish_rate_alone']:,.0f} events/s; CPU: web "
            f"{figures['web_workers_cpu_share']:.2f}, viewers {figures['viewer_clients_cpu_share']:.2f}, "
            f"load {figures['load_average']:.1f}; clients' loop lag p99 "
            f"{figures['client_loop_lag_p99_ms']:.0f} ms; sockets per worker {figures['sockets_per_worker']}",
            "",
            "p99 < 250 ms",
            verdict(p99 < 250 and missing == 0),
            figures,
        ),
        Row(
            f"live: web workers' memory per open stream ({label})",
            f"{figures['kb_per_connection']:.0f} KB streaming ({figures['kb_per_connection_idle']:.0f} KB idle)",
            f"workers {figures['rss_before_kb'] / 1024:.0f} MB before",
            "",
            "< 100 KB",
            verdict(figures["kb_per_connection"] < 100),
            figures,
        ),
        *(row for placement, phases in figures["load"].items() for row in load_rows(label, placement, phases, Row)),
    ]


def run(servers, quick: bool) -> list[Row]:
    from django.conf import settings

    settings.NATS_SERVERS = [servers.nats.url]
    seconds = 8 if quick else 20
    # BENCH_LIVE_VIEWERS: another count for the one room, e.g. 2 for the path's own latency.
    one_room = int(os.environ.get("BENCH_LIVE_VIEWERS") or (200 if quick else 1000))
    # BENCH_LIVE_BASELINE: a checkout of earlier code (`git archive <commit> | tar -x -C DIR`), measured
    # before this one at each size, in the same run and on the same servers: the machine's load moves
    # these figures by several times between runs.
    baseline = os.environ.get("BENCH_LIVE_BASELINE")
    # BENCH_LIVE_LOAD: matches (about 300 events each) the publisher and the consumers are timed on, with
    # and without viewers, here too (`--only live_load` times them alone, by default).
    load_matches = int(os.environ.get("BENCH_LIVE_LOAD") or 0)
    rows = []
    for rooms, per_room in ((1, one_room), (20 if quick else 100, 10)):
        if baseline:
            rows += _rows(measure(servers, rooms=rooms, per_room=per_room, seconds=seconds, root=baseline))
        rows += _rows(measure(servers, rooms=rooms, per_room=per_room, seconds=seconds, load_matches=load_matches))
    return rows
