"""The engine's record of key placements, as moments.detect_moments reads it from the events.

The engine judges placements on its own board; the detector reads only the published events. To
compare the two, this feeds a match's events to detect_moments and names what it sees with the
engine's record names: the moments it publishes (tetris, T-spins, back-to-back, perfect clear,
near-death survival), plus what the detector classifies but never publishes, read from its state
(T-spin minis and T-spins that clear nothing). No rule is written here a second time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from contract.events import validate_envelope
from moments.detection import detect_moments
from moments.placement import SPIN_MINI, SPIN_NONE

LINE_NAMES = ("zero", "single", "double", "triple")
RECORDED_MOMENTS = frozenset(
    {"tetris", "t_spin_single", "t_spin_double", "t_spin_triple", "back_to_back", "perfect_clear"}
)


@dataclass
class Reading:
    """Per-player counts under the engine's record names, near-death survivals, and the inputs of
    each T-spin placement (mini or not) since its piece spawned."""

    counts: dict[str, Counter] = field(default_factory=dict)
    near_deaths: int = 0
    spin_endings: list[list[dict]] = field(default_factory=list)


def read_moments(events: Sequence[dict]) -> Reading:
    """What detect_moments finds in a match's events, under the engine's record names.

    ``events`` are an engine match's, which a room would publish after a game_start: one is made up
    here for the players who act in them.
    """
    reading = Reading()
    players = list(dict.fromkeys(event["player_id"] for event in events if event["player_id"] is not None))
    state, _ = detect_moments(None, validate_envelope(_game_start(players)))
    inputs: dict[str, list[dict]] = {}
    unclear: dict[str, int] = {}  # a spin's placement whose line_clear has not come (yet)
    for event in events:
        pid, type_ = event["player_id"], event["type"]
        counts = reading.counts.setdefault(pid, Counter()) if pid is not None else Counter()
        if type_ in ("piece_spawn", "piece_lock") and pid in unclear:
            counts["t_spin_zero" if unclear.pop(pid) != SPIN_MINI else "t_spin_mini_zero"] += 1
        if type_ == "line_clear" and pid in unclear:
            spin = unclear.pop(pid)
            if spin == SPIN_MINI and event["data"]["count"] != 3:  # a mini clearing 3 rows is a full T-spin
                counts[f"t_spin_mini_{LINE_NAMES[event['data']['count']]}"] += 1
        # The engine's events carry no tick (a room adds it), and no rule compared here reads one.
        state, moments = detect_moments(state, validate_envelope({"tick": 0, **event}))
        assert state.skipped == 0, state.last_skip
        if type_ == "piece_spawn":
            inputs[pid] = []
        elif type_ == "input":
            inputs[pid].append(event["data"])
        elif type_ == "piece_lock" and state.players[pid].spin != SPIN_NONE:
            unclear[pid] = state.players[pid].spin
            reading.spin_endings.append(list(inputs[pid]))
        for moment in moments:
            if moment.type in RECORDED_MOMENTS:
                counts[moment.type] += 1
            elif moment.type == "near_death_survival":
                reading.near_deaths += 1
    for pid, spin in unclear.items():
        reading.counts[pid]["t_spin_zero" if spin != SPIN_MINI else "t_spin_mini_zero"] += 1
    return reading


def _game_start(players: list[str]) -> dict:
    data = {"started_at": "2026-01-01T00:00:00Z", "mode": "multiplayer", "players": [{"player_id": p} for p in players]}
    return {"tick": 0, "type": "game_start", "player_id": None, "data": {**data, "config": {}}}
