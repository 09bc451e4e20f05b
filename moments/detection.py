"""Key-moment rules (docs/contract.md, key moments) as one pure function over a match's events.

``detect_moments(state, event) -> (state, moments)``: no Django, no NATS, no clock, no randomness.
The consumer keeps one state per room, feeds it each event in stream order and publishes the moments,
adding ``event_seq`` and ``started_at`` to their data (this module knows no stream sequence).

``event`` is a `GameEvent` whose envelope was checked (`contract.events.validate_envelope`: ``tick`` an
int, ``player_id`` a string or None, ``type`` a string); its ``data`` is checked here, per type.

Contract of the state, chosen for speed (most events are `input` and `piece_spawn`):

- ``state`` is a `MatchState` (or ``None`` for a new match). detect_moments MAY MUTATE IT IN PLACE and
  returns the state to use next, which may be the same object or a new one: always continue with the
  returned state. A caller that needs a snapshot takes ``copy.deepcopy(state)``; the state holds only
  plain values (dataclasses, dicts, ints, strings), compares with ``==`` and never shares objects with
  the events it was built from.
- The state is fully determined by the events fed since ``None``: the same events give equal states.
- A `game_start` always starts a fresh state. Events before any `game_start` (or after `game_end`)
  cannot be placed in a match: they are skipped, and with ``state=None`` the result is a waiting state
  whose ``started_at`` is None.
- Skipped events: an event whose data is malformed for its type (`contract.events.validate_data`), an
  event about a player who is not in the `game_start`, a `line_clear` with no placement before it, a
  `game_end` of another match. Nothing is raised and no moment comes out; the match is unchanged except
  that ``state.skipped`` grows by one and ``state.last_skip`` holds the reason (``"<type>: <why>"``).
  A caller logs a skip by comparing ``state.skipped`` before and after the call.
- Unknown event types pass through untouched: not skipped, not counted.

Moments of one event come in this order: the clear (``tetris`` or ``t_spin_*``), ``back_to_back``,
``perfect_clear``, ``near_death_survival``. Other events yield at most one moment each.

Decisions in the detail of the rules (docs/contract.md states them too):

- ``hold`` (when ok) ends the spin: the piece that locks next is not the one that was rotated.
- A blocked input (``ok`` false) never cancels a spin, even a drop that claims a ``distance``: blocked
  means it changed nothing.
- "Clears 3 rows" (mini becomes full) and the moment's ``lines`` use the `line_clear`'s ``count``;
  height and "board empty" come from the `piece_lock` board with its full rows removed.
- A placement's `line_clear` is the first one after its `piece_lock` and before the next `piece_spawn`
  or `piece_lock`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contract.events import INPUT_ACTIONS, PIECES, ROTATIONS, GameEvent, InvalidEvent, parse_timestamp, validate_data
from contract.vocabulary import ROTATE_ACTIONS
from moments.placement import SPIN_FULL, SPIN_MINI, SPIN_NONE, classify_t_spin, height_after_clear

NEAR_DEATH_HEIGHT = 17  # a placement leaving the board this high (above row 16) arms near-death
SURVIVAL_HEIGHT = 9  # a line clear leaving it this low (below row 10) is the survival
SURGE_ROWS = 3
COMEBACK_GAP = 1000

_ROTATE = frozenset(ROTATE_ACTIONS)
_T_SPIN_MOMENTS = {1: "t_spin_single", 2: "t_spin_double", 3: "t_spin_triple"}


@dataclass(frozen=True, slots=True)
class Moment:
    """One key moment: the envelope of docs/contract.md without ``event_seq`` and ``started_at``."""

    type: str
    tick: int
    player_id: str | None
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"tick": self.tick, "type": self.type, "player_id": self.player_id, "data": dict(self.data)}


@dataclass(slots=True)
class PlayerState:
    """What the rules remember about one player of the match."""

    alive: bool = True
    locked_any: bool = False  # has locked at least one piece (comeback needs everyone to have)
    score: int = 0  # from the last piece_lock
    # Spin of the falling piece: its last effective action was a rotation, with this kick index.
    rotated: bool = False
    kick: int | None = None
    # The last placement, until its line_clear (or the next piece) consumes it.
    placement_pending: bool = False
    spin: int = SPIN_NONE
    height: int = 0  # board height after the last placement, full rows removed
    b2b_chain: int = 0  # difficult clears in a row so far; 0 after a non-difficult clear
    # Garbage surge: the current run of sending placements.
    sent_this_placement: bool = False
    surge_rows: int = 0
    surge_fired: bool = False
    # Near death: armed by a placement at height >= 17, with the highest height seen since.
    near_death_peak: int = 0  # 0 when not armed
    comeback_deficit: int | None = None  # largest gap to the leader while strictly last


@dataclass(slots=True)
class MatchState:
    """The detector's memory of one match; see the module docstring for the mutation contract."""

    started_at: str | None = None  # game_start's started_at, as published; None until a game_start
    ended: bool = False
    players: dict[str, PlayerState] = field(default_factory=dict)
    skipped: int = 0
    last_skip: str | None = None


def detect_moments(state: MatchState | None, event: GameEvent) -> tuple[MatchState, list[Moment]]:
    """Feed one event; return the state to continue with and the key moments the event triggers."""
    handler = _HANDLERS.get(event.type)
    if handler is None:
        return (state if state is not None else MatchState()), []
    if handler is _game_start:
        return _game_start(state, event)
    if state is None:
        state = MatchState()
    if type(event.data) is not dict:
        return _skip(state, event, "data must be an object")
    if state.started_at is None:
        return _skip(state, event, "no game_start before it")
    if state.ended:
        return _skip(state, event, "after the match's game_end")
    if handler is _game_end:
        return _game_end(state, event)
    player = state.players.get(event.player_id)  # None for room-wide or unknown ids
    if player is None:
        return _skip(state, event, f"player_id {event.player_id!r} is not a player of this match")
    return handler(state, player, event)


def _skip(state: MatchState, event: GameEvent, reason: str | None = None) -> tuple[MatchState, list[Moment]]:
    """Count an event that cannot be used; without a reason, ask the full validator for one."""
    if reason is None:
        try:
            validate_data(event)
            reason = "data is malformed"
        except InvalidEvent as error:
            reason = str(error)
    state.skipped += 1
    state.last_skip = f"{event.type}: {reason}"
    return state, []


def _valid(state: MatchState, event: GameEvent) -> bool:
    try:
        validate_data(event)
    except InvalidEvent as error:
        state.skipped += 1
        state.last_skip = f"{event.type}: {error}"
        return False
    return True


# --- the hot path: inputs and spawns, checked by hand because validate_data costs several calls ---


def _input(state: MatchState, player: PlayerState, event: GameEvent) -> tuple[MatchState, list[Moment]]:
    data = event.data
    action = data.get("action")
    ok = data.get("ok", True)
    kick = data.get("kick")
    distance = data.get("distance")
    if (
        type(action) is not str
        or action not in INPUT_ACTIONS
        or type(ok) is not bool
        or (kick is not None and (type(kick) is not int or not 0 <= kick <= 4))
        or (distance is not None and (type(distance) is not int or not 0 <= distance <= 100))
    ):
        return _skip(state, event)
    if ok:
        if action in _ROTATE:
            player.rotated = True
            player.kick = kick
        elif action != "hard_drop" or distance:
            # Shifts, soft drops, holds and hard drops that moved end the spin; a hard drop of no
            # (or unknown) distance leaves the piece where the rotation put it.
            player.rotated = False
    return state, []


def _piece_spawn(state: MatchState, player: PlayerState, event: GameEvent) -> tuple[MatchState, list[Moment]]:
    data = event.data
    piece = data.get("piece")
    x = data.get("x")
    y = data.get("y")
    rotation = data.get("rotation", "0")
    if (
        type(piece) is not str
        or piece not in PIECES
        or type(x) is not int
        or not -10 <= x <= 20
        or type(y) is not int
        or not -10 <= y <= 100
        or type(rotation) is not str
        or rotation not in ROTATIONS
    ):
        return _skip(state, event)
    player.rotated = False
    player.kick = None
    player.placement_pending = False
    return state, []


# --- placements and their clears -----------------------------------------------------------------


def _piece_lock(state: MatchState, player: PlayerState, event: GameEvent) -> tuple[MatchState, list[Moment]]:
    if not _valid(state, event):
        return state, []
    data = event.data
    board = data["board"]
    if data["piece"] == "T" and player.rotated:
        player.spin = classify_t_spin(data["cells"], board, player.kick)
    else:
        player.spin = SPIN_NONE
    player.rotated = False
    player.kick = None
    player.placement_pending = True
    player.height = height = height_after_clear(board)
    player.score = data["score"]
    player.locked_any = True
    # A placement that sent no garbage ends the surge run; this lock starts the next placement.
    if not player.sent_this_placement:
        player.surge_rows = 0
        player.surge_fired = False
    player.sent_this_placement = False
    if height >= NEAR_DEATH_HEIGHT and height > player.near_death_peak:
        player.near_death_peak = height
    _note_standings(state)
    return state, []


def _line_clear(state: MatchState, player: PlayerState, event: GameEvent) -> tuple[MatchState, list[Moment]]:
    if not _valid(state, event):
        return state, []
    if not player.placement_pending:
        return _skip(state, event, "no piece_lock before it (each placement clears once)")
    player.placement_pending = False
    lines = event.data["count"]
    spin = player.spin
    if spin == SPIN_MINI and lines == 3:
        spin = SPIN_FULL
    tick = event.tick
    player_id = event.player_id
    moments = []
    if lines == 4:
        clear: str | None = "tetris"
    elif spin == SPIN_FULL:
        clear = _T_SPIN_MOMENTS[lines]
    elif spin == SPIN_MINI:
        clear = "t_spin_mini"
    else:
        clear = None
    if clear is None:
        player.b2b_chain = 0
    else:
        if clear != "t_spin_mini":
            moments.append(Moment(clear, tick, player_id, {"lines": lines}))
        player.b2b_chain += 1
        if player.b2b_chain >= 2:
            moments.append(Moment("back_to_back", tick, player_id, {"chain": player.b2b_chain, "clear": clear}))
    if player.height == 0:
        moments.append(Moment("perfect_clear", tick, player_id, {"lines": lines}))
    if player.near_death_peak and player.height <= SURVIVAL_HEIGHT:
        data = {"peak_height": player.near_death_peak, "height": player.height}
        moments.append(Moment("near_death_survival", tick, player_id, data))
        player.near_death_peak = 0
    return state, moments


def _garbage_sent(state: MatchState, player: PlayerState, event: GameEvent) -> tuple[MatchState, list[Moment]]:
    if not _valid(state, event):
        return state, []
    player.sent_this_placement = True
    player.surge_rows += event.data["rows"]
    if player.surge_fired or player.surge_rows < SURGE_ROWS:
        return state, []
    player.surge_fired = True
    return state, [Moment("garbage_surge", event.tick, event.player_id, {"rows": player.surge_rows})]


def _garbage_received(state: MatchState, player: PlayerState, event: GameEvent) -> tuple[MatchState, list[Moment]]:
    # No rule reads it (the next piece_lock board shows the garbage), but a malformed one is reported.
    _valid(state, event)
    return state, []


# --- eliminations, standings and the match's ends ------------------------------------------------


def _elimination(state: MatchState, player: PlayerState, event: GameEvent) -> tuple[MatchState, list[Moment]]:
    if not _valid(state, event):
        return state, []
    player.alive = False
    player.near_death_peak = 0  # survival counts only before elimination
    _note_standings(state)
    placement = event.data["placement"]
    return state, [Moment("elimination", event.tick, event.player_id, {"placement": placement})]


def _note_standings(state: MatchState) -> None:
    """After a placement or elimination: remember the gap of a player strictly last by >= 1000."""
    last: PlayerState | None = None
    low = high = 0
    alive = 0
    tied = False
    for player in state.players.values():
        if not player.alive:
            continue
        if not player.locked_any:
            return
        score = player.score
        if alive == 0:
            last, low, high = player, score, score
        elif score < low:
            last, low, tied = player, score, False
        elif score == low:
            tied = True
        if score > high:
            high = score
        alive += 1
    gap = high - low
    if alive < 2 or tied or gap < COMEBACK_GAP or last is None:
        return
    if last.comeback_deficit is None or gap > last.comeback_deficit:
        last.comeback_deficit = gap


def _game_start(state: MatchState | None, event: GameEvent) -> tuple[MatchState, list[Moment]]:
    if state is None:
        state = MatchState()
    if type(event.data) is not dict:
        return _skip(state, event, "data must be an object")
    if not _valid(state, event):
        return state, []
    players = {ref["player_id"]: PlayerState() for ref in event.data["players"]}
    return MatchState(started_at=event.data["started_at"], players=players), []


def _game_end(state: MatchState, event: GameEvent) -> tuple[MatchState, list[Moment]]:
    if not _valid(state, event):
        return state, []
    data = event.data
    if parse_timestamp(data["started_at"], "data.started_at") != parse_timestamp(state.started_at, "started_at"):
        return _skip(state, event, f"started_at {data['started_at']!r} is not this match's {state.started_at!r}")
    state.ended = True
    winner = next((entry for entry in data["players"] if entry["placement"] == 1), None)
    if winner is None:
        return state, []
    player = state.players.get(winner["player_id"])
    if player is None or player.comeback_deficit is None:
        return state, []
    moment_data = {"deficit": player.comeback_deficit, "final_score": winner["score"]}
    return state, [Moment("comeback", event.tick, winner["player_id"], moment_data)]


_HANDLERS: dict[str, Any] = {
    "game_start": _game_start,
    "game_end": _game_end,
    "input": _input,
    "piece_spawn": _piece_spawn,
    "piece_lock": _piece_lock,
    "line_clear": _line_clear,
    "garbage_sent": _garbage_sent,
    "garbage_received": _garbage_received,
    "elimination": _elimination,
}
