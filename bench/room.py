"""GameRoom's tick time with publishing on and off (issue 6: publishing must not slow the tick loop).

The same seeded bot matches (4 rooms x 4 players, one shared EventPublisher as `manage.py simulate`
uses) are played with a publisher to the benchmark's NATS server and with a disabled one (a no-op).
A tick's time is `MatchResult.tick_seconds`: what GameRoom measures around one tick's work, the
engine step plus publish(); the sleep to the next deadline is not in it. Fast mode plays ticks back
to back, so the publisher's drain thread competes with the tick loop for the GIL all the time (the
worst case); a short real-time run at 60 ticks a second shows the usual case, where the drain mostly
runs while the rooms sleep. Fast runs alternate off/on in several rounds to spread the machine's
noise over both. Every "on" run checks that all its events are stored in GAME_EVENTS. The figures
also give the time inside publish() per tick (a wrapper in both modes) and the full garbage
collections of each run, the two places a slowdown comes from.
"""

from __future__ import annotations

import asyncio
import gc
import time
from dataclasses import replace

import nats
from django.conf import settings

from bench.harness import Row, load_stream, median, percentile, verdict
from game.room import BotRooms, GameRoom, MatchResult
from game.simulation import SIMULATION_CONFIG
from streaming.publisher import EventPublisher

ROOMS = 4
PLAYERS = 4
SEED = 6
TARGET = 1.10  # p50 with publishing within 10 % of p50 without


class TimedPublisher:
    """Times every publish() call, in both modes alike, to tell the call's own cost from the rest."""

    def __init__(self, publisher: EventPublisher) -> None:
        self.publisher = publisher
        self.seconds = 0.0

    def publish(self, room_id: str, event: dict, *, msg_id: str | None = None) -> bool:
        started = time.perf_counter()
        accepted = self.publisher.publish(room_id, event, msg_id=msg_id)
        self.seconds += time.perf_counter() - started
        return accepted


class Collections:
    """Full (generation 2) garbage collections during a run and the longest of them, in any thread."""

    def __init__(self) -> None:
        self.count, self.longest, self._began = 0, 0.0, 0.0

    def __call__(self, phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.count += 1
            self.longest = max(self.longest, time.perf_counter() - self._began)


def play(url: str | None, *, matches: int, realtime: bool, config) -> tuple[list[MatchResult], dict]:
    """One run of the planned matches; ``url`` None plays with a disabled publisher."""
    if url is not None:
        asyncio.run(load_stream(url, []))  # an empty GAME_EVENTS, so its count is this run's
    publisher = EventPublisher(servers=[url] if url else None, enabled=url is not None, name="bench-room")
    publisher.start()
    timed = TimedPublisher(publisher)
    rooms = [GameRoom(f"bench-room-{n}", timed, config=config) for n in range(1, ROOMS + 1)]
    runner = BotRooms(rooms, matches=matches, players=PLAYERS, seed=SEED, realtime=realtime)
    collections = Collections()
    gc.callbacks.append(collections)
    started = time.perf_counter()
    try:
        results = asyncio.run(runner.run())
    finally:
        elapsed = time.perf_counter() - started
        gc.callbacks.remove(collections)
    events = sum(r.events for r in results)
    accepted = sum(r.accepted for r in results)
    info = {
        "events": events,
        "accepted": accepted,
        "seconds": elapsed,
        "publish_call_seconds": timed.seconds,
        "full_gc": collections.count,
        "longest_full_gc_ms": collections.longest * 1e3,
    }
    if url is None:
        assert accepted == 0, accepted
        return results, info
    assert publisher.close(timeout=120), publisher.stats
    stored = asyncio.run(stream_messages(url))
    assert accepted == events == publisher.stats.published == stored, (events, accepted, publisher.stats, stored)
    info["stored"] = stored
    return results, info


async def stream_messages(url: str) -> int:
    client = await nats.connect(url)
    try:
        return (await client.jetstream().stream_info(settings.GAME_EVENTS_STREAM)).state.messages
    finally:
        await client.close()


def ticks(runs: list[list[MatchResult]]) -> list[float]:
    return [seconds for results in runs for result in results for seconds in result.tick_seconds]


def paired_median_us(on: list[list[MatchResult]], off: list[list[MatchResult]]) -> float:
    """Median over identical ticks (same room, match and tick, one on and one off run) of on - off."""

    def by_tick(results: list[MatchResult]) -> dict[tuple[str, int, int], float]:
        seen: dict[str, int] = {}
        out = {}
        for result in results:  # a room's results come in the order it played them
            index = seen[result.room_id] = seen.get(result.room_id, -1) + 1
            for tick, seconds in enumerate(result.tick_seconds):
                out[(result.room_id, index, tick)] = seconds
        return out

    differences = []
    for on_run, off_run in zip(on, off, strict=True):
        a, b = by_tick(on_run), by_tick(off_run)
        differences += [a[key] - b[key] for key in a.keys() & b.keys()]
    return median(differences) * 1e6


def describe(values: list[float]) -> tuple[str, dict]:
    p50, p99, top = median(values) * 1e6, percentile(values, 0.99) * 1e6, max(values) * 1e6
    return f"p50 {p50:.0f} us, p99 {p99:.0f} us, max {top:.0f} us", {"p50_us": p50, "p99_us": p99, "max_us": top}


def compare(
    label: str, on: list[list[MatchResult]], off: list[list[MatchResult]], infos: list[dict], *, judged: bool
) -> Row:
    on_text, on_figures = describe(ticks(on))
    off_text, off_figures = describe(ticks(off))
    ratio = on_figures["p50_us"] / off_figures["p50_us"]
    stored = sum(info.get("stored", 0) for info in infos)
    count = len(ticks(on))

    def per_tick_us(mode: str) -> float:
        return sum(i["publish_call_seconds"] for i in infos if i["mode"] == mode) / count * 1e6

    return Row(
        label,
        f"on: {on_text}",
        f"off: {off_text}",
        f"{ratio:.2f}x p50",
        "no measurable slowdown (p50 within 10 %)" if judged else "reported (CPU saturated: worst case)",
        verdict(ratio <= TARGET) if judged else "reported",
        {
            "on": on_figures,
            "off": off_figures,
            "p50_ratio": ratio,
            "paired_median_diff_us": paired_median_us(on, off),
            "publish_calls_us_per_tick": {"on": per_tick_us("on"), "off": per_tick_us("off")},
            "ticks_per_mode": count,
            "events_stored_in_on_runs": stored,
            "runs": infos,
        },
    )


def rounds(url: str, count: int, label: str, *, judged: bool, **options) -> Row:
    """``count`` rounds of one run off and one on, alternating which goes first."""
    on, off, infos = [], [], []
    for round_ in range(count):
        for mode in ("off", "on") if round_ % 2 == 0 else ("on", "off"):
            results, info = play(url if mode == "on" else None, **options)
            (on if mode == "on" else off).append(results)
            infos.append({"mode": mode, **info})
    return compare(label, on, off, infos, judged=judged)


def run(servers, quick: bool) -> list[Row]:
    url = servers.nats.url
    play(None, matches=1, realtime=False, config=replace(SIMULATION_CONFIG, max_ticks=300))  # warm-up, unmeasured
    # Ticks back to back leave no idle time, so the publisher's work (encoding, sending) can only run
    # between ticks or preempt them: what it costs, reported. The real-time run is the judged one.
    fast = rounds(
        url,
        2 if quick else 3,
        f"GameRoom tick, fast ({ROOMS} rooms x {PLAYERS} players)",
        judged=False,
        matches=2 if quick else 5,
        realtime=False,
        config=SIMULATION_CONFIG,
    )
    # Real time at 60 ticks a second, matches cut short so that the run stays brief.
    real = rounds(
        url,
        2,
        f"GameRoom tick, real time 60/s ({ROOMS} rooms x {PLAYERS} players)",
        judged=True,
        matches=1,
        realtime=True,
        config=replace(SIMULATION_CONFIG, max_ticks=180 if quick else 900),
    )
    return [fast, real]
