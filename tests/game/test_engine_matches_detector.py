"""The engine's own record of key placements equals what detect_moments reads from the published events.

Two independent implementations of docs/contract.md's key moments (the engine judges placements on its board, the
detector reads only the events), so any difference is a bug in one of them.

300 matches, as the issue asks; to keep this well under a minute they are 2-player matches of hard
bots (the ones that build T-spins) against hard or medium bots, with margin time from the first
tick (~1,000 events a match instead of ~3,500 for 4 players), played through real GameRooms in fast
mode with a publisher that records.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict

import pytest

from contract.events import validate_envelope
from game.engine import MatchConfig
from game.room import BotRooms, GameRoom
from moments.detection import detect_moments

COMPARED = ("tetris", "t_spin_single", "t_spin_double", "t_spin_triple", "back_to_back", "perfect_clear")
QUICK = MatchConfig(margin_ticks=0, margin_rate=0.04, max_ticks=6_000)
ROOMS = 10
MATCHES_PER_ROOM = 30


class Recorder:
    def __init__(self) -> None:
        self.events: dict[tuple[str, str], list[dict]] = defaultdict(list)

    def publish(self, room_id: str, event: dict, *, msg_id: str | None = None) -> bool:
        started_at = msg_id.rsplit(":", 1)[0].split(":", 1)[1]
        self.events[(room_id, started_at)].append(event)
        return True


def detected(events: list[dict]) -> dict[str, Counter[str]]:
    state = None
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for event in events:
        state, moments = detect_moments(state, validate_envelope(event))
        for moment in moments:
            if moment.type in COMPARED:
                found[moment.player_id][moment.type] += 1
    assert state.skipped == 0, state.last_skip
    return found


@pytest.mark.slow
def test_engine_records_equal_detected_moments_on_300_matches():
    publisher = Recorder()
    results = []
    for strengths in (("hard", "hard"), ("hard", "medium")):
        rooms = [GameRoom(f"room-{strengths[1]}-{n}", publisher, config=QUICK) for n in range(ROOMS // 2)]
        runner = BotRooms(rooms, matches=MATCHES_PER_ROOM, players=2, seed=2026, strengths=strengths)
        results += asyncio.run(runner.run())
    assert len(results) == 300

    totals: Counter[str] = Counter()
    differences = []
    for result in results:
        events = publisher.events[(result.room_id, result.started_at)]
        assert events[-1]["type"] == "game_end"
        found = detected(events)
        for player_id, record in result.records.items():
            engine = Counter({kind: record[kind] for kind in COMPARED if record[kind]})
            if engine != found.get(player_id, Counter()):
                differences.append((result.room_id, result.started_at, player_id, dict(engine), dict(found[player_id])))
            totals.update(engine)
    assert differences == []
    # The comparison means something only if the matches hold plenty of each kind.
    assert totals["tetris"] > 100 and totals["t_spin_double"] > 30 and totals["t_spin_single"] > 20, totals
    assert totals["back_to_back"] > 10 and totals["perfect_clear"] >= 1, totals
