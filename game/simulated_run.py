"""A run of simulated bot matches, published like a game server's (what `manage.py simulate` does).

The stream is checked first, the rooms play until their matches are done (or SIGTERM / SIGINT), then
the publisher is flushed: the outcome says what was played and whether every event was stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from nats.errors import NoServersError

from game.room import BotRooms, GameRoom, MatchResult
from game.simulation import SIMULATION_CONFIG
from streaming.connection import connect
from streaming.publisher import EventPublisher, PublisherStats, Unstored
from streaming.streams import StreamMismatch, ensure_stream

logger = logging.getLogger("game.simulate")

# Demo matches are played by bots at people's speeds (1 to 3 pieces a second, a few faster: a few
# dozen events a second, not the hundreds of bots at full speed) and capped at three minutes of play,
# so that matches last minutes like people's and the first finished one still shows up soon.
# Attacks grow only after the first minute (bots at full speed are pressed from 5 s on, which at a
# person's speed ends a match in 20 s).
DEMO_CONFIG = replace(SIMULATION_CONFIG, margin_ticks=60 * 60, margin_rate=0.001, max_ticks=3 * 60 * 60)
DEMO_PAUSE_SECONDS = 5.0
FLUSH_TIMEOUT_SECONDS = 60.0
SETUP_TIMEOUT_SECONDS = 5.0


class SimulationSetupError(Exception):
    """The run could not start (NATS unreachable, a stream of another shape); the message says what to do."""


@dataclass(frozen=True, slots=True)
class SimulatedRun:
    results: list[MatchResult]
    rooms: int
    players: int
    elapsed: float
    publisher_enabled: bool
    servers: list[str]
    stats: PublisherStats
    unstored: Unstored  # what the publisher had not stored when it stopped (after its flush timeout)

    @property
    def flushed(self) -> bool:
        """Every event accepted was stored, within the flush timeout or by the window then in flight."""
        return not self.unstored


def simulated_run(
    *,
    room_ids: list[str],
    matches: int | None,
    players: int,
    seed: int,
    registered: list[str],
    realtime: bool,
    demo: bool = False,
    tournament_id: str | None = None,
    on_result: Callable[[MatchResult], None] | None = None,
    flush_timeout: float = FLUSH_TIMEOUT_SECONDS,
) -> SimulatedRun:
    """Play ``matches`` per room (None: until stopped), publishing every event; SimulationSetupError first."""
    publisher = EventPublisher(name="simulate")
    config = DEMO_CONFIG if demo else SIMULATION_CONFIG
    runner = BotRooms(
        [GameRoom(room_id, publisher, config=config) for room_id in room_ids],
        matches=matches,
        players=players,
        seed=seed,
        registered=registered,
        realtime=realtime,
        pause_seconds=DEMO_PAUSE_SECONDS if demo else 0.0,
        tournament_id=tournament_id,
        on_result=on_result,
        human_pace=demo,
    )
    began = time.perf_counter()
    asyncio.run(_play(runner, publisher, demo=demo, seed=seed))
    elapsed = time.perf_counter() - began
    publisher.close(timeout=flush_timeout)
    return SimulatedRun(
        results=runner.results,
        rooms=len(runner.rooms),
        players=runner.players,
        elapsed=elapsed,
        publisher_enabled=publisher.enabled,
        servers=publisher.servers,
        stats=publisher.stats,
        unstored=publisher.unstored(),
    )


async def _play(runner: BotRooms, publisher: EventPublisher, *, demo: bool, seed: int) -> None:
    if publisher.enabled:
        await _ensure_stream(publisher.servers)
    if demo:
        logger.info("demo rooms=%s seed=%s: playing until SIGTERM or SIGINT", len(runner.rooms), seed)
    loop = asyncio.get_running_loop()
    installed = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        # Only the main thread may install handlers; a caller on another thread stops us itself.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, runner.stop)
            installed.append(signum)
    try:
        await runner.run()
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)


async def _ensure_stream(servers: list[str]) -> None:
    try:
        # wait_for bounds the attempt: nats-py keeps retrying a first connect itself when reconnects are
        # unlimited, whatever retry_forever says.
        client = await asyncio.wait_for(
            connect("simulate-setup", servers=servers, retry_forever=False), timeout=SETUP_TIMEOUT_SECONDS
        )
    except (TimeoutError, OSError, NoServersError) as error:
        raise SimulationSetupError(
            f"NATS at {', '.join(servers) or '(none)'} is unreachable ({error.__class__.__name__}); start it "
            "(python3 dev.py servers start), set NATS_URL, or set NATS_ENABLED=false to simulate without publishing"
        ) from None
    try:
        await ensure_stream(client.jetstream())
    except StreamMismatch as error:
        raise SimulationSetupError(str(error)) from None
    finally:
        await client.close()
