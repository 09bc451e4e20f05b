"""GameRoom: an asyncio tick loop that plays matches one after another and publishes every event.

The room owns time (tick deadlines, started_at, ended_at); the engine owns the rules and
`game.simulation.MatchEventLog` owns the shape of the events. Publishing is `publisher.publish()`,
which only appends to a buffer, so the tick loop never waits on the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from contract.events import check_room_id
from game.bots import Bot, bot_inputs
from game.engine import Match, MatchConfig
from game.simulation import (
    SIMULATION_CONFIG,
    TICK_RATE,
    MatchEventLog,
    Published,
    plan_match,
    timestamp,
    to_milliseconds,
)

# As fast as possible still hands the event loop back this often, so that rooms sharing a loop take
# turns and a signal handler gets to run.
YIELD_EVERY_TICKS = 32
# A real-time room that falls further behind than this (a stalled process) starts a new schedule
# instead of racing through the missed ticks.
MAX_LAG_SECONDS = 0.25

InputSource = Callable[[Match], Mapping[str, Sequence[str]]]


class Publisher(Protocol):
    def publish(self, room_id: str, event: dict[str, Any], *, msg_id: str | None = None) -> bool: ...


@dataclass(frozen=True)
class MatchResult:
    """What one match left behind: its identity, its `game_end` players and how long the ticks took."""

    room_id: str
    started_at: str  # exactly as published in game_start, game_end and the Msg-Ids
    ended_at: str
    ticks: int
    events: int
    players: list[dict[str, Any]]  # game_end's players
    records: dict[str, Counter[str]]  # per player, the engine's own count of tetrises, T-spins, b2b, perfect clears
    accepted: int  # events the publisher took (fewer than ``events`` when it is disabled or full)
    tick_seconds: list[float] = field(repr=False)  # processing time of each tick: step and publish

    @property
    def winner(self) -> str | None:
        return next((p["player_id"] for p in self.players if p["placement"] == 1), None)


def _now() -> datetime:
    return datetime.now(UTC)


class GameRoom:
    """One room (one subject token) hosting matches one after another.

    ``clock`` gives the wall-clock time (aware) for started_at and, in real time, ended_at. Every
    match starts at the clock's time, cut to milliseconds, and at least 1 ms after the room's previous
    match, so (room_id, started_at) names each match once. Wall-clock starts also in fast mode:
    replays find a match by the stream's own timestamps (history/replay.py), so started_at must stay
    near the time the events are stored.
    """

    def __init__(
        self,
        room_id: str,
        publisher: Publisher,
        *,
        tick_rate: float = TICK_RATE,
        config: MatchConfig | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.room_id = check_room_id(room_id)
        if not tick_rate > 0:
            raise ValueError(f"tick_rate must be positive, got {tick_rate}")
        self.publisher = publisher
        self.tick_rate = tick_rate
        self.config = config or SIMULATION_CONFIG
        self.clock = clock or _now
        self.matches_played = 0
        self.last_started_at: datetime | None = None
        self._playing = False
        self._hurry = False

    def hurry(self) -> None:
        """Finish the match in hand (and any later one) without waiting for tick deadlines.

        For shutting down: the match still ends with its game_end, in well under a second.
        """
        self._hurry = True

    def _next_started_at(self) -> datetime:
        started = to_milliseconds(self.clock())
        if self.last_started_at is not None and started <= self.last_started_at:
            started = self.last_started_at + timedelta(milliseconds=1)
        self.last_started_at = started
        return started

    def _publish(self, batch: list[Published]) -> int:
        publish, room_id = self.publisher.publish, self.room_id
        return sum(bool(publish(room_id, event, msg_id=msg_id)) for event, msg_id in batch)

    async def play_match(
        self,
        players: Sequence[str],
        seed: int,
        *,
        bots: Mapping[str, Bot] | None = None,
        inputs: InputSource | None = None,
        tournament_id: str | None = None,
        realtime: bool = True,
    ) -> MatchResult:
        """Play one match to its end and publish all its events, game_start first and game_end last.

        Players' inputs come from ``bots`` (one per player) or from ``inputs`` (called once a tick
        with the match); with neither, pieces only fall. ``realtime`` ticks at ``tick_rate`` per
        second against absolute deadlines (no drift); otherwise as fast as possible, and ended_at is
        started_at + ticks / tick_rate.
        """
        if bots is not None and inputs is not None:
            raise ValueError("give bots or inputs, not both")
        if bots is not None:
            missing = set(players) - set(bots)
            if missing:
                raise ValueError(f"no bot for players {sorted(missing)}")
            chosen_bots = dict(bots)
            inputs = lambda match: bot_inputs(match, chosen_bots)  # noqa: E731
        if self._playing:
            raise RuntimeError(f"room {self.room_id} is already playing a match; rooms play one at a time")
        self._playing = True
        try:
            return await self._play(Match(players, seed=seed, config=self.config), inputs, tournament_id, realtime)
        finally:
            self._playing = False

    async def _play(
        self, match: Match, inputs: InputSource | None, tournament_id: str | None, realtime: bool
    ) -> MatchResult:
        log = MatchEventLog(
            self.room_id,
            match,
            started_at=self._next_started_at(),
            tick_rate=self.tick_rate,
            tournament_id=tournament_id,
        )
        loop = asyncio.get_running_loop()
        period = 1.0 / self.tick_rate
        tick_seconds: list[float] = []
        accepted = self._publish(log.start())
        deadline = loop.time()
        while not match.over:
            began = time.perf_counter()
            accepted += self._publish(log.step(inputs(match) if inputs is not None else None))
            tick_seconds.append(time.perf_counter() - began)
            if realtime and not self._hurry:
                deadline += period
                delay = deadline - loop.time()
                if delay < -MAX_LAG_SECONDS:
                    deadline, delay = loop.time(), 0.0
                await asyncio.sleep(max(delay, 0.0))
            elif match.tick % YIELD_EVERY_TICKS == 0:
                await asyncio.sleep(0)
        # In real time the clock says when it ended, unless hurrying put the ticks ahead of it.
        ended_at = max(self.clock(), log.simulated_end()) if realtime else log.simulated_end()
        end = log.finish(ended_at)
        accepted += self._publish([end])
        self.matches_played += 1
        return MatchResult(
            room_id=self.room_id,
            started_at=log.started_at_text,
            ended_at=timestamp(log.ended_at or log.started_at),
            ticks=match.tick,
            events=log.count,
            players=end[0]["data"]["players"],
            records=match.records(),
            accepted=accepted,
            tick_seconds=tick_seconds,
        )


class BotRooms:
    """Several rooms playing planned bot matches (`game.simulation.plan_match`) concurrently.

    Match ``k`` of room ``r`` follows ``plan_match(room_id, index=k, seed=seed, ...)``, so it can be
    simulated again to the same events. ``matches=None`` plays until `stop()`.
    """

    def __init__(
        self,
        rooms: Sequence[GameRoom],
        *,
        matches: int | None,
        players: int,
        seed: int,
        strengths: Sequence[str] | None = None,
        registered: Sequence[str] = (),
        realtime: bool = False,
        pause_seconds: float = 0.0,
        tournament_id: str | None = None,
        on_result: Callable[[MatchResult], None] | None = None,
        human_pace: bool = False,
    ) -> None:
        self.rooms = list(rooms)
        self.human_pace = human_pace  # bots at people's speeds (game/bots/pace.py): the demo
        self.matches = matches
        self.players = players
        self.seed = seed
        self.strengths = strengths
        self.registered = tuple(registered)
        self.realtime = realtime
        self.pause_seconds = pause_seconds
        self.tournament_id = tournament_id
        self.on_result = on_result
        self.results: list[MatchResult] = []
        self._stop: asyncio.Event | None = None
        self._stopping = False

    def stop(self) -> None:
        """Start no new match and finish the ones in hand quickly (each still ends with its game_end)."""
        self._stopping = True
        for room in self.rooms:
            room.hurry()
        if self._stop is not None:
            self._stop.set()

    async def run(self) -> list[MatchResult]:
        self._stop = asyncio.Event()
        if self._stopping:
            self._stop.set()
        await asyncio.gather(*(self._run_room(room) for room in self.rooms))
        return self.results

    async def _run_room(self, room: GameRoom) -> None:
        index = 0
        while not self._stopping and (self.matches is None or index < self.matches):
            plan = plan_match(
                room.room_id,
                index=index,
                seed=self.seed,
                players=self.players,
                strengths=self.strengths,
                registered=self.registered,
                human_pace=self.human_pace,
            )
            result = await room.play_match(
                plan.player_ids, plan.seed, bots=plan.bots(), tournament_id=self.tournament_id, realtime=self.realtime
            )
            self.results.append(result)
            if self.on_result is not None:
                self.on_result(result)
            index += 1
            if self.pause_seconds and self._stop is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), timeout=self.pause_seconds)
