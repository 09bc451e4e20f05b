"""A multiplayer match: several fields, garbage between them, eliminations and placements."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from game.engine.config import MatchConfig
from game.engine.events import EventDict, event
from game.engine.player import Player


@dataclass(frozen=True)
class PlayerStats:
    """One player's line of ``game_end`` (the room turns ``duration_ticks`` into ``duration_ms``)."""

    player_id: str
    placement: int
    score: int
    lines_cleared: int
    garbage_sent: int
    garbage_received: int
    pieces_placed: int
    duration_ticks: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Match:
    """Deterministic from ``seed``: the same seed and inputs give the same events.

    Every player gets the same piece sequence (one 7-bag seed for all, as in most versus games);
    garbage holes and targets come from further seeded generators. Garbage goes to a random alive
    opponent of the sender, drawn from the match's generator.
    """

    def __init__(self, player_ids: Sequence[str], seed: int, config: MatchConfig | None = None) -> None:
        if not player_ids:
            raise ValueError("a match needs at least one player")
        if len(set(player_ids)) != len(player_ids):
            raise ValueError(f"player ids must be distinct, got {list(player_ids)}")
        self.config = config or MatchConfig()
        self._rng = random.Random(seed)
        piece_seed = self._rng.getrandbits(64)
        self.players: dict[str, Player] = {
            pid: Player(pid, self.config, piece_seed, self._rng.getrandbits(64)) for pid in player_ids
        }
        self.tick = 0
        self.started = False
        self.over = False
        self._alive = len(self.players)
        self._placements: dict[str, int] = {}
        self._durations: dict[str, int] = {}

    # -- driving --------------------------------------------------------------------------------------
    def start(self) -> list[EventDict]:
        """Spawn everyone's first piece. ``step`` calls it when the room has not."""
        if self.started:
            return []
        self.started = True
        events: list[EventDict] = []
        for player in self.players.values():
            events += player.spawn()
        return events

    def step(self, inputs: Mapping[str, Sequence[str]] | None = None) -> list[EventDict]:
        """Advance one tick: each alive player's inputs in order, then gravity and lock delay.

        Players act in the order they were given to the match. Inputs for eliminated players are
        ignored; an unknown player id or action is a ValueError.
        """
        inputs = inputs or {}
        unknown = set(inputs) - set(self.players)
        if unknown:
            raise ValueError(f"inputs for players not in this match: {sorted(unknown)}")
        events = self.start()
        if self.over:
            return events
        for player in self.players.values():
            if self.over:
                break
            if player.id in self._placements:
                continue
            for action in inputs.get(player.id, ()):
                events += self._after(player, player.apply(action))
                if player.id in self._placements:
                    break
            if player.id not in self._placements:
                events += self._after(player, player.gravity_tick())
        self.tick += 1
        if not self.over and self.config.max_ticks is not None and self.tick >= self.config.max_ticks:
            self._finish_by_time()
        return events

    def _after(self, player: Player, events: list[EventDict]) -> list[EventDict]:
        # A lock (hard drop or lock delay) is followed by garbage, then the next spawn or a top-out.
        result = player.last_lock
        if result is not None:
            player.last_lock = None
            if result.attack:
                events += self._send(player, player.cancel_garbage(self._with_margin(result.attack)))
            if not result.lines:
                events += player.insert_garbage()
            if result.lock_out:
                player.topped_out = True
            if not player.topped_out:
                events += player.spawn()
        if player.topped_out:
            events += self._eliminate(player)
        return events

    def _with_margin(self, attack: int) -> int:
        margin = self.config.margin_ticks
        if margin is None or self.tick <= margin:
            return attack
        return int(attack * (1 + self.config.margin_rate * (self.tick - margin)))

    def _send(self, sender: Player, rows: int) -> list[EventDict]:
        if not rows:
            return []
        targets = [p for p in self.players.values() if p is not sender and p.id not in self._placements]
        if not targets:
            return []
        target = self._rng.choice(targets)
        target.queue_garbage(sender.id, rows)
        sender.garbage_sent += rows
        return [event("garbage_sent", sender.id, {"to": target.id, "rows": rows})]

    def _eliminate(self, player: Player) -> list[EventDict]:
        placement = self._alive
        self._alive -= 1
        self._placements[player.id] = placement
        self._durations[player.id] = self.tick + 1
        player.active = None
        player.incoming.clear()
        events = [event("elimination", player.id, {"placement": placement})]
        if self._alive <= 1:
            for other in self.players.values():
                if other.id not in self._placements:
                    self._placements[other.id] = 1
                    self._durations[other.id] = self.tick + 1
            self.over = True
        return events

    def _finish_by_time(self) -> None:
        alive = [p for p in self.players.values() if p.id not in self._placements]
        # Stable sort: equal scores keep the order players were given in.
        for rank, player in enumerate(sorted(alive, key=lambda p: -p.score), start=1):
            self._placements[player.id] = rank
            self._durations[player.id] = self.tick
        self.over = True

    # -- results --------------------------------------------------------------------------------------
    @property
    def alive(self) -> list[str]:
        return [pid for pid in self.players if pid not in self._placements]

    @property
    def winner(self) -> str | None:
        """The player placed first once the match is over."""
        if not self.over:
            return None
        return next((pid for pid, place in self._placements.items() if place == 1), None)

    def stats(self) -> list[PlayerStats]:
        """Per-player results in player order; placement and duration are final once ``over``."""
        return [
            PlayerStats(
                player_id=p.id,
                placement=self._placements.get(p.id, 0),
                score=p.score,
                lines_cleared=p.lines_cleared,
                garbage_sent=p.garbage_sent,
                garbage_received=p.garbage_received,
                pieces_placed=p.pieces_placed,
                duration_ticks=self._durations.get(p.id, self.tick),
            )
            for p in self.players.values()
        ]

    def records(self) -> dict[str, Counter[str]]:
        """The engine's own count of key placements per player (see ``spin.moment_kind``)."""
        return {pid: Counter(p.record) for pid, p in self.players.items()}

    def record_totals(self) -> Counter[str]:
        totals: Counter[str] = Counter()
        for player in self.players.values():
            totals.update(player.record)
        return totals
