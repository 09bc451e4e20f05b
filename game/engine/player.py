"""One player's field: active piece, hold, gravity, drops, lock delay, clears, spins and scoring."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from contract.vocabulary import BOARD_VISIBLE_HEIGHT, BOARD_WIDTH
from game.engine.attack import attack_rows
from game.engine.board import GARBAGE, Board, drop_distance, fits
from game.engine.config import MatchConfig
from game.engine.events import ACTIONS, EventDict, event
from game.engine.movement import TURNS, rotate
from game.engine.pieces import ROTATIONS, SPAWN_X, SPAWN_Y, cells_at
from game.engine.randomizer import SevenBag
from game.engine.scoring import HARD_DROP_POINTS_PER_ROW, SOFT_DROP_POINTS_PER_ROW, clear_points
from game.engine.spin import Spin, is_difficult, moment_kind, t_spin


@dataclass(frozen=True)
class ActivePiece:
    piece: str
    state: int  # index into ROTATIONS
    x: int
    y: int

    def cells(self) -> list[tuple[int, int]]:
        return cells_at(self.piece, self.state, self.x, self.y)


@dataclass(frozen=True)
class LockResult:
    """What one placement did, for the match to route garbage and judge top-outs."""

    lines: int
    spin: Spin
    attack: int
    back_to_back: bool
    perfect_clear: bool
    lock_out: bool


@dataclass
class GarbageChunk:
    sender: str
    rows: int
    hole: int


class Player:
    """A single field. The match drives it and owns everything between players."""

    def __init__(self, player_id: str, config: MatchConfig, piece_seed: int, garbage_seed: int) -> None:
        self.id = player_id
        self.config = config
        self.board = Board(config.board_height)
        self._bag = SevenBag(piece_seed)
        self._garbage_rng = random.Random(garbage_seed)
        self.active: ActivePiece | None = None
        self.hold: str | None = None
        self.hold_used = False
        self.spawns = 0
        self.score = 0
        self.lines_cleared = 0
        self.pieces_placed = 0
        self.garbage_sent = 0
        self.garbage_received = 0
        self.combo = -1
        self.b2b_chain = 0  # consecutive difficult clears, 0 when the last clear was not difficult
        self.incoming: list[GarbageChunk] = []
        self.record: Counter[str] = Counter()
        self.topped_out = False
        self.last_lock: LockResult | None = None
        self._gravity = 0.0
        self._ticks = 0
        self._lock_timer = 0
        self._resets = 0
        self._lowest_y = 0
        self._last_rotation = False
        self._last_kick = 0
        # Drop points are earned while dropping but booked at the lock, so that every score a
        # reader sees (piece_lock, game_end) is the score as of a placement.
        self._drop_points = 0

    # -- read-only views used by bots and the room -------------------------------------------------
    def next_pieces(self) -> list[str]:
        return self._bag.peek(self.config.next_count)

    def pending_garbage(self) -> int:
        return sum(chunk.rows for chunk in self.incoming)

    # -- piece life cycle ---------------------------------------------------------------------------
    def spawn(self, piece: str | None = None) -> list[EventDict]:
        """Bring the next piece (or ``piece``, from hold) in; a blocked spawn tops the player out."""
        kind = piece if piece is not None else self._bag.next()
        self.active = None
        if not fits(self.board.masks, kind, 0, SPAWN_X, SPAWN_Y):
            self.topped_out = True
            return []
        self.active = ActivePiece(kind, 0, SPAWN_X, SPAWN_Y)
        self.spawns += 1
        self._gravity = 0.0
        self._lock_timer = 0
        self._resets = 0
        self._lowest_y = SPAWN_Y
        self._last_rotation = False
        self._last_kick = 0
        return [event("piece_spawn", self.id, {"piece": kind, "x": SPAWN_X, "y": SPAWN_Y, "rotation": "0"})]

    def apply(self, action: str) -> list[EventDict]:
        """Perform one input. After a hard drop ``last_lock`` is set and no piece is active."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}; expected one of {sorted(ACTIONS)}")
        if self.active is None:
            return []
        if action == "hold":
            return self._hold()
        if action in ("move_left", "move_right"):
            ok = self._try_move(-1 if action == "move_left" else 1, 0)
            if ok:
                self._last_rotation = False
            return [event("input", self.id, {"action": action, "ok": ok})]
        if action in TURNS:
            return self._rotate(action)
        if action == "soft_drop":
            return self._soft_drop()
        return self._hard_drop()

    def gravity_tick(self) -> list[EventDict]:
        """Apply one tick of gravity and lock delay; may lock the piece (no input event then)."""
        self._ticks += 1
        piece = self.active
        if piece is None:
            return []
        self._gravity += self.config.gravity + self.config.gravity_increase * self._ticks
        masks = self.board.masks
        while self._gravity >= 1.0:
            if not fits(masks, piece.piece, piece.state, piece.x, piece.y - 1):
                self._gravity = 0.0
                break
            piece = ActivePiece(piece.piece, piece.state, piece.x, piece.y - 1)
            self._gravity -= 1.0
        self._moved_to(piece)
        if fits(masks, piece.piece, piece.state, piece.x, piece.y - 1):
            # Once the resets are used up, being kicked upwards must not buy a fresh lock delay.
            if self._resets < self.config.max_lock_resets:
                self._lock_timer = 0
            return []
        self._lock_timer += 1
        if self._lock_timer >= self.config.lock_delay:
            return self._lock()
        return []

    # -- inputs -------------------------------------------------------------------------------------
    def _moved_to(self, piece: ActivePiece) -> None:
        self.active = piece
        if piece.y < self._lowest_y:
            # Reaching a new lowest row gives the piece a fresh set of lock resets (guideline).
            self._lowest_y = piece.y
            self._resets = 0
            self._lock_timer = 0

    def _after_ground_move(self) -> None:
        if self._lock_timer and self._resets < self.config.max_lock_resets:
            self._resets += 1
            self._lock_timer = 0

    def _try_move(self, dx: int, dy: int) -> bool:
        piece = self.active
        assert piece is not None
        if not fits(self.board.masks, piece.piece, piece.state, piece.x + dx, piece.y + dy):
            return False
        self._moved_to(ActivePiece(piece.piece, piece.state, piece.x + dx, piece.y + dy))
        self._after_ground_move()
        return True

    def _rotate(self, action: str) -> list[EventDict]:
        piece = self.active
        assert piece is not None
        turned = rotate(self.board.masks, piece.piece, piece.state, piece.x, piece.y, action)
        if turned is None:
            return [event("input", self.id, {"action": action, "ok": False})]
        state, x, y, kick = turned
        self._moved_to(ActivePiece(piece.piece, state, x, y))
        self._after_ground_move()
        self._last_rotation = True
        self._last_kick = kick
        return [event("input", self.id, {"action": action, "ok": True, "kick": kick})]

    def _soft_drop(self) -> list[EventDict]:
        piece = self.active
        assert piece is not None
        distance = min(
            self.config.soft_drop_rows, drop_distance(self.board.masks, piece.piece, piece.state, piece.x, piece.y)
        )
        if distance:
            self._moved_to(ActivePiece(piece.piece, piece.state, piece.x, piece.y - distance))
            self._drop_points += distance * SOFT_DROP_POINTS_PER_ROW
            self._last_rotation = False
        data = {"action": "soft_drop", "ok": distance > 0, "distance": distance}
        return [event("input", self.id, data)]

    def _hard_drop(self) -> list[EventDict]:
        piece = self.active
        assert piece is not None
        distance = drop_distance(self.board.masks, piece.piece, piece.state, piece.x, piece.y)
        if distance:
            self.active = ActivePiece(piece.piece, piece.state, piece.x, piece.y - distance)
            self._drop_points += distance * HARD_DROP_POINTS_PER_ROW
            self._last_rotation = False
        events = [event("input", self.id, {"action": "hard_drop", "ok": True, "distance": distance})]
        return events + self._lock()

    def _hold(self) -> list[EventDict]:
        piece = self.active
        assert piece is not None
        if self.hold_used:
            return [event("input", self.id, {"action": "hold", "ok": False})]
        swapped, self.hold = self.hold, piece.piece
        events = [event("input", self.id, {"action": "hold", "ok": True})]
        events += self.spawn(swapped)
        self.hold_used = True
        return events

    # -- locking --------------------------------------------------------------------------------------
    def _lock(self) -> list[EventDict]:
        piece = self.active
        assert piece is not None
        cells = piece.cells()
        board = self.board
        board.place(cells, piece.piece)
        full = board.full_rows()
        lines = len(full)
        spin = t_spin(
            board.masks, piece.piece, piece.state, piece.x, piece.y, self._last_rotation, self._last_kick, lines
        )
        placed_rows = board.rows()
        if lines:
            board.clear_rows(full)
        perfect = lines > 0 and board.is_empty()
        back_to_back = False
        if lines:
            self.combo += 1
            if is_difficult(lines, spin):
                back_to_back = self.b2b_chain > 0
                self.b2b_chain += 1
            else:
                self.b2b_chain = 0
        else:
            self.combo = -1
        level = self.config.level
        points = clear_points(
            lines=lines, spin=spin, back_to_back=back_to_back, combo=self.combo, perfect_clear=perfect, level=level
        )
        self.score += self._drop_points + points
        self._drop_points = 0
        self._record(lines, spin, back_to_back, perfect)
        self.lines_cleared += lines
        self.pieces_placed += 1
        self.active = None
        self.hold_used = False
        lock_out = lines == 0 and all(y >= BOARD_VISIBLE_HEIGHT for _, y in cells)
        attack = attack_rows(lines=lines, spin=spin, back_to_back=back_to_back, combo=self.combo, perfect_clear=perfect)
        self.last_lock = LockResult(lines, spin, attack, back_to_back, perfect, lock_out)
        events = [
            event(
                "piece_lock",
                self.id,
                {
                    "piece": piece.piece,
                    "rotation": ROTATIONS[piece.state],
                    "cells": [[x, y] for x, y in cells],
                    "board": placed_rows,
                    "score": self.score,
                },
            )
        ]
        if lines:
            garbage = sum(1 for y in full if GARBAGE in placed_rows[y])
            events.append(event("line_clear", self.id, {"rows": full, "count": lines, "garbage_rows": garbage}))
        return events

    def _record(self, lines: int, spin: Spin, back_to_back: bool, perfect: bool) -> None:
        kind = moment_kind(lines, spin)
        if kind is not None:
            self.record[kind] += 1
        if back_to_back:
            self.record["back_to_back"] += 1
        if perfect:
            self.record["perfect_clear"] += 1

    # -- garbage --------------------------------------------------------------------------------------
    def queue_garbage(self, sender: str, rows: int) -> None:
        """Queue incoming rows; the hole column is drawn now so a chunk keeps one hole."""
        self.incoming.append(GarbageChunk(sender, rows, self._garbage_rng.randrange(BOARD_WIDTH)))

    def cancel_garbage(self, attack: int) -> int:
        """Let outgoing rows cancel queued incoming ones, oldest first; returns what is left to send."""
        while attack and self.incoming:
            chunk = self.incoming[0]
            used = min(attack, chunk.rows)
            chunk.rows -= used
            attack -= used
            if not chunk.rows:
                self.incoming.pop(0)
        return attack

    def insert_garbage(self) -> list[EventDict]:
        """Insert queued garbage (up to the cap); pushing blocks out of the field tops the player out."""
        events = []
        room = self.config.garbage_cap
        while room and self.incoming and not self.topped_out:
            chunk = self.incoming[0]
            rows = min(room, chunk.rows)
            if not self.board.insert_garbage(rows, chunk.hole):
                self.topped_out = True
            chunk.rows -= rows
            room -= rows
            if not chunk.rows:
                self.incoming.pop(0)
            self.garbage_received += rows
            events.append(event("garbage_received", self.id, {"from": chunk.sender, "rows": rows}))
        return events
