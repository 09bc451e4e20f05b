"""How a match becomes published events, shared by GameRoom and by simulations that need no server.

`MatchEventLog` is the one place that shapes a match's events (docs/contract.md, game events): it adds ``tick``,
numbers events for their `Nats-Msg-Id` and builds `game_start` and `game_end`. `GameRoom` drives it
from its tick loop; `simulate_match_events` drives it in a plain loop, for benchmarks and tests.

`plan_match` decides who plays a simulated match and how (player ids, bot strengths, seeds) from
(room_id, index, seed) alone, so a match a room played can be simulated again to the same events.

No Django, no NATS, no wall clock: callers pass the times.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from contract.events import check_room_id, event_msg_id
from game.bots import STRENGTHS, Bot, bot_inputs, human_pieces_per_second, pace_of
from game.engine import EventDict, Match, MatchConfig

TICK_RATE = 60.0
MODE = "multiplayer"
# Margin time from 5 s on makes evenly matched bots finish (a 4-bot match lasts ~11 s of game time,
# ~3,500 events); max_ticks (10 min) is the backstop that keeps any match from running forever.
SIMULATION_CONFIG = MatchConfig(margin_ticks=300, margin_rate=0.01, max_ticks=36_000)
# Simulated matches of one room start this far apart unless the caller gives started_at.
SIMULATED_MATCH_SPACING = timedelta(minutes=10)
SIMULATED_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

Published = tuple[EventDict, str]  # (event with tick, its Nats-Msg-Id)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"match times must be aware datetimes (UTC), got naive {moment!r}")
    return moment


def timestamp(moment: datetime) -> str:
    """ISO-8601 UTC with milliseconds and 'Z': the exact text used in events and Msg-Ids."""
    return _aware(moment).astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_milliseconds(moment: datetime) -> datetime:
    """``moment`` in UTC, cut to whole milliseconds, so that the datetime and its `timestamp` agree."""
    moment = _aware(moment).astimezone(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def ticks_to_ms(ticks: int, tick_rate: float) -> int:
    return round(ticks * 1000 / tick_rate)


class MatchEventLog:
    """Turns one engine `Match` into the events a room publishes, each with its Msg-Id.

    Ticks restart at 0 with every match (the `game_start` is tick 0): a match's ticks then convert to
    time within it (tick / tick_rate) and a match's events do not depend on what the room played before.
    Engine events of the step that advances the match from tick t to t + 1 carry tick t; `game_end`
    carries the match's final tick count.
    """

    def __init__(
        self,
        room_id: str,
        match: Match,
        *,
        started_at: datetime,
        tick_rate: float = TICK_RATE,
        tournament_id: str | None = None,
    ) -> None:
        self.room_id = check_room_id(room_id)
        self.match = match
        self.started_at = to_milliseconds(started_at)
        self.started_at_text = timestamp(self.started_at)
        self.tick_rate = tick_rate
        self.tournament_id = tournament_id
        self.count = 0  # events emitted so far: the index of the next one
        self.ended_at: datetime | None = None

    def _emit(self, tick: int, event: EventDict) -> Published:
        # A fresh dict in the envelope's key order; the engine's data is never touched again by it.
        envelope = {"tick": tick, "type": event["type"], "player_id": event["player_id"], "data": event["data"]}
        published = (envelope, event_msg_id(self.room_id, self.started_at_text, self.count))
        self.count += 1
        return published

    def start(self) -> list[Published]:
        """`game_start` and every player's first piece, at tick 0."""
        if self.count:
            raise RuntimeError(f"match of room {self.room_id} at {self.started_at_text} has already started")
        data: dict[str, Any] = {
            "started_at": self.started_at_text,
            "mode": MODE,
            "players": [{"player_id": pid} for pid in self.match.players],
            "config": {**self.match.config.as_dict(), "tick_rate": self.tick_rate},
        }
        if self.tournament_id is not None:
            data["tournament_id"] = self.tournament_id
        start = {"type": "game_start", "player_id": None, "data": data}
        return [self._emit(0, start)] + [self._emit(0, event) for event in self.match.start()]

    def step(self, inputs: Mapping[str, Sequence[str]] | None = None) -> list[Published]:
        """Advance the match one tick with these inputs; the events it produced."""
        tick = self.match.tick
        return [self._emit(tick, event) for event in self.match.step(inputs)]

    def simulated_end(self) -> datetime:
        """The end time the ticks imply: started_at + ticks / tick_rate."""
        return self.started_at + timedelta(milliseconds=ticks_to_ms(self.match.tick, self.tick_rate))

    def finish(self, ended_at: datetime | None = None) -> Published:
        """`game_end`, the last event; ``ended_at`` defaults to the time the ticks imply."""
        if not self.match.over:
            raise RuntimeError(f"match of room {self.room_id} at {self.started_at_text} is not over")
        ended = to_milliseconds(ended_at or self.simulated_end())
        self.ended_at = max(ended, self.started_at)
        players = [
            {
                "player_id": s.player_id,
                "placement": s.placement,
                "score": s.score,
                "lines_cleared": s.lines_cleared,
                "garbage_sent": s.garbage_sent,
                "garbage_received": s.garbage_received,
                "pieces_placed": s.pieces_placed,
                "duration_ms": ticks_to_ms(s.duration_ticks, self.tick_rate),
            }
            for s in self.match.stats()
        ]
        data: dict[str, Any] = {
            "started_at": self.started_at_text,
            "ended_at": timestamp(self.ended_at),
            "mode": MODE,
            "players": players,
        }
        if self.tournament_id is not None:
            data["tournament_id"] = self.tournament_id
        return self._emit(self.match.tick, {"type": "game_end", "player_id": None, "data": data})


@dataclass(frozen=True)
class MatchPlan:
    """Who plays a simulated match and how: everything needed to play it again identically."""

    player_ids: tuple[str, ...]
    strengths: tuple[str, ...]
    seed: int  # the engine's seed
    bot_seeds: tuple[int, ...]
    # Each bot's pieces a second at a person's pace (game/bots/pace.py); None: as fast as bots play.
    pieces_per_second: tuple[float, ...] | None = None

    def bots(self, tick_rate: float = TICK_RATE) -> dict[str, Bot]:
        speeds = self.pieces_per_second or (None,) * len(self.player_ids)
        return {
            pid: Bot(strength, seed=bot_seed, pace=None if pps is None else pace_of(pps, tick_rate=tick_rate))
            for pid, strength, bot_seed, pps in zip(
                self.player_ids, self.strengths, self.bot_seeds, speeds, strict=True
            )
        }


def plan_match(
    room_id: str,
    *,
    index: int,
    seed: int,
    players: int = 4,
    strengths: Sequence[str] | None = None,
    registered: Sequence[str] = (),
    human_pace: bool = False,
) -> MatchPlan:
    """The deterministic plan of match ``index`` of a simulated room.

    Each seat goes to one of the ``registered`` player ids (user ids, each at most once per match)
    about half the time, otherwise to a guest ``guest-xxxxxxxx``; strengths are drawn from easy,
    medium and hard unless given. With ``human_pace``, each bot also gets a person's speed (drawn
    last, so that the rest of the plan is the same with or without it).
    """
    if players < 1:
        raise ValueError(f"a match needs at least 1 player, got {players}")
    if strengths is not None and len(strengths) != players:
        raise ValueError(f"{len(strengths)} strengths given for {players} players")
    unknown = set(strengths or ()) - set(STRENGTHS)
    if unknown:
        raise ValueError(f"unknown bot strengths {sorted(unknown)}; use {sorted(STRENGTHS)}")
    # str seeds hash with SHA-512 in random.seed: the same on every run, whatever PYTHONHASHSEED is.
    rng = random.Random(f"{room_id}:{index}:{seed}")
    free = list(registered)
    ids: list[str] = []
    for _ in range(players):
        if free and rng.random() < 0.5:
            ids.append(free.pop(rng.randrange(len(free))))
        else:
            ids.append(f"guest-{rng.getrandbits(32):08x}")
    if len(set(ids)) != len(ids):  # two guests drew the same 32 bits: number them instead
        ids = [pid if not pid.startswith("guest-") else f"guest-{n}-{pid[6:]}" for n, pid in enumerate(ids)]
    chosen = (
        tuple(strengths)
        if strengths is not None
        else tuple(rng.choice(("easy", "medium", "medium", "hard")) for _ in range(players))
    )
    engine_seed = rng.getrandbits(64)
    bot_seeds = tuple(rng.getrandbits(64) for _ in range(players))
    return MatchPlan(
        player_ids=tuple(ids),
        strengths=chosen,
        seed=engine_seed,
        bot_seeds=bot_seeds,
        pieces_per_second=tuple(human_pieces_per_second(rng) for _ in range(players)) if human_pace else None,
    )


def simulated_started_at(index: int) -> datetime:
    """A deterministic start for match ``index`` of a room when the caller gives none."""
    return SIMULATED_EPOCH + index * SIMULATED_MATCH_SPACING


def simulate_match_events(
    room_id: str,
    *,
    index: int,
    seed: int,
    players: int = 4,
    strengths: Sequence[str] | None = None,
    registered: Sequence[str] = (),
    config: MatchConfig | None = None,
    started_at: datetime | None = None,
    tick_rate: float = TICK_RATE,
    tournament_id: str | None = None,
    human_pace: bool = False,
) -> list[Published]:
    """One whole bot match as published: (event with tick, Msg-Id) from `game_start` to `game_end`.

    Deterministic from its arguments; ``started_at`` defaults to `simulated_started_at(index)` and
    ``ended_at`` is started_at + ticks / tick_rate, exactly as a `GameRoom` playing the same plan
    with ``realtime=False`` publishes it.
    """
    plan = plan_match(
        room_id,
        index=index,
        seed=seed,
        players=players,
        strengths=strengths,
        registered=registered,
        human_pace=human_pace,
    )
    match = Match(plan.player_ids, seed=plan.seed, config=config or SIMULATION_CONFIG)
    bots = plan.bots(tick_rate)
    log = MatchEventLog(
        room_id,
        match,
        started_at=started_at or simulated_started_at(index),
        tick_rate=tick_rate,
        tournament_id=tournament_id,
    )
    events = log.start()
    while not match.over:
        events += log.step(bot_inputs(match, bots))
    events.append(log.finish())
    return events
