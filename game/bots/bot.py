"""Seeded bot players that choose placements by board evaluation and play them with real inputs."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from game.bots.evaluate import Weights, placement_value, simulate
from game.bots.pace import Pace
from game.bots.search import SONIC, Plan, follow, plans
from game.engine.board import drop_distance, fits
from game.engine.movement import TURNS, rotate
from game.engine.pieces import SPAWN_X, SPAWN_Y
from game.engine.player import Player


@dataclass(frozen=True)
class Strength:
    """How a bot plays. ``blunder`` is the chance a piece goes to a random reachable spot, which is
    what lets weaker bots lose; ``noise`` blurs their judgement of every placement."""

    name: str
    actions_per_tick: int
    think_ticks: int
    noise: float
    blunder: float
    use_hold: bool
    spins: bool
    tucks: bool
    weights: Weights
    tsd_chance: float = 0.0  # chance, re-drawn every 20 pieces, of building T-spin double slots


_BASE = Weights(
    height=0.5,
    holes=3.5,
    hole_rows=1.0,
    bumpiness=0.35,
    deep_wells=1.0,
    max_height=0.6,
    well_column=None,
    well_fill=0.0,
    burn=0.0,
    line=0.8,
    tetris=2.0,
    t_spin=1.5,
    attack=1.0,
    tsd_slot=0.0,
    danger_height=11,
)

STRENGTHS: dict[str, Strength] = {
    "easy": Strength(
        "easy",
        actions_per_tick=1,
        think_ticks=6,
        noise=1.5,
        blunder=0.06,
        use_hold=False,
        spins=False,
        tucks=False,
        weights=_BASE,
    ),
    "medium": Strength(
        "medium",
        actions_per_tick=2,
        think_ticks=3,
        noise=0.5,
        blunder=0.02,
        use_hold=True,
        spins=True,
        tucks=False,
        weights=replace(_BASE, well_column=9, well_fill=0.8, burn=1.0, tetris=8.0, t_spin=3.0),
    ),
    "hard": Strength(
        "hard",
        actions_per_tick=3,
        think_ticks=1,
        noise=0.15,
        blunder=0.005,
        use_hold=True,
        spins=True,
        tucks=True,
        weights=replace(_BASE, well_column=9, well_fill=1.0, burn=1.5, tetris=9.0, t_spin=7.0, danger_height=12),
        tsd_chance=0.5,
    ),
}
_TSD_SLOT_BONUS = 10.0
_TSD_PERIOD = 20


class Bot:
    """Call ``actions(player)`` once per tick; it returns the inputs to send this tick."""

    def __init__(self, strength: str | Strength = "medium", seed: int = 0, pace: Pace | None = None) -> None:
        self.strength = STRENGTHS[strength] if isinstance(strength, str) else strength
        self.pace = pace  # None: as fast as the strength allows; else a person's speed (game/bots/pace.py)
        self._age = 0  # ticks since the active piece appeared
        self._rng = random.Random(seed)
        self._seen_spawn = -1
        self._plan: Plan | None = None
        self._after_hold: Plan | None = None
        self._done = 0  # tokens of the plan already sent
        self._wait = 0
        self._weights = self.strength.weights
        self._pieces = 0

    def actions(self, player: Player) -> list[str]:
        """The inputs for this tick (at most ``actions_per_tick``); empty while thinking."""
        piece = player.active
        if piece is None:
            return []
        self._age += 1
        if player.spawns != self._seen_spawn:
            self._age = 0
            held = self._plan is not None and self._plan.tokens[:1] == ("hold",)
            self._seen_spawn = player.spawns
            self._plan, self._done = (self._after_hold, 0) if held else (None, 0)
            self._wait = 0 if held else self.strength.think_ticks
            if not held:
                self._new_piece()
        if self._wait:
            self._wait -= 1
            return []
        if self._plan is None or not self._still_good(player):
            self._plan = self._choose(player)
            self._done = 0
        if self.pace is not None and self._held_back():
            return []
        return self._emit(player)

    def _held_back(self) -> bool:
        """At a person's pace: one input every few ticks, and no drop before the piece's time is up."""
        assert self.pace is not None and self._plan is not None
        tokens = self._plan.tokens
        next_token = tokens[self._done] if self._done < len(tokens) else None
        if next_token == "hard_drop":
            return self._age < self.pace.piece_ticks
        # Soft drop is a key held down, not tapped: the engine moves the piece a row a tick.
        return next_token != SONIC and self._age % self.pace.input_ticks != 0

    # -- choosing -------------------------------------------------------------------------------------
    def _new_piece(self) -> None:
        if self._pieces % _TSD_PERIOD == 0 and self.strength.tsd_chance:
            building = self._rng.random() < self.strength.tsd_chance
            self._weights = replace(self.strength.weights, tsd_slot=_TSD_SLOT_BONUS if building else 0.0)
        self._pieces += 1

    def _choose(self, player: Player) -> Plan:
        piece = player.active
        assert piece is not None
        strength = self.strength
        masks = player.board.masks
        options = plans(
            masks,
            piece.piece,
            piece.state,
            piece.x,
            piece.y,
            spins=strength.spins and piece.piece == "T",
            tucks=strength.tucks,
        )
        if self._rng.random() < strength.blunder:
            return self._rng.choice(options)
        height = player.board.stack_height() + player.pending_garbage()
        scored = [(self._value(player, plan, height), plan) for plan in options]
        if strength.use_hold and not player.hold_used:
            other = player.hold or player.next_pieces()[0]
            if other != piece.piece and fits(masks, other, 0, SPAWN_X, SPAWN_Y):
                held = plans(
                    masks, other, 0, SPAWN_X, SPAWN_Y, spins=strength.spins and other == "T", tucks=strength.tucks
                )
                best_value, best = max(
                    ((self._value(player, plan, height), plan) for plan in held), key=lambda pair: pair[0]
                )
                # Played right after the hold, when the held-in piece is where this plan starts.
                self._after_hold = best
                scored.append((best_value, replace(options[0], tokens=("hold",))))
        return max(scored, key=lambda pair: pair[0])[1]

    def _value(self, player: Player, plan: Plan, height: int) -> float:
        outcome = simulate(player.board.masks, plan, b2b_chain=player.b2b_chain, combo=player.combo)
        value = placement_value(outcome, height, self._weights)
        if self.strength.noise:
            value += self._rng.gauss(0.0, self.strength.noise)
        return value

    # -- playing --------------------------------------------------------------------------------------
    def _still_good(self, player: Player) -> bool:
        """Whether the rest of the plan, played from where the piece now is, still ends as planned."""
        plan = self._plan
        piece = player.active
        assert plan is not None and piece is not None
        rest = plan.tokens[self._done :]
        if rest[:1] == ("hold",):
            return not player.hold_used
        if plan.piece != piece.piece:
            return False
        end = follow(player.board.masks, piece.piece, piece.state, piece.x, piece.y, rest)
        if end is None:
            return False
        state, x, y, last_rotation, _ = end
        return (state, x, y) == (plan.state, plan.x, plan.y) and (
            piece.piece != "T" or last_rotation == plan.last_rotation or not rest
        )

    def _emit(self, player: Player) -> list[str]:
        plan = self._plan
        piece = player.active
        assert plan is not None and piece is not None
        masks = player.board.masks
        state, x, y = piece.state, piece.x, piece.y
        rows = player.config.soft_drop_rows
        out: list[str] = []
        limit = 1 if self.pace is not None else self.strength.actions_per_tick
        while len(out) < limit and self._done < len(plan.tokens):
            token = plan.tokens[self._done]
            if token == SONIC:
                fall = drop_distance(masks, piece.piece, state, x, y)
                if not fall:
                    self._done += 1
                    continue
                out.append("soft_drop")
                y -= min(rows, fall)
                continue
            out.append(token)
            self._done += 1
            if token in ("hold", "hard_drop"):
                break
            if token in TURNS:
                turned = rotate(masks, piece.piece, state, x, y, token)
                assert turned is not None, "plan was checked before it was played"
                state, x, y, _ = turned
            else:
                x += -1 if token == "move_left" else 1
        return out
