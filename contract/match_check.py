"""Check one match's events against docs/contract.md as a whole: `manage.py validate_events`.

Each event must pass the validator; across the match, `tick` never decreases, `game_start` comes
first and `game_end` last, every acting player is one of game_start's players, and each player's
events keep the order piece_spawn → inputs → piece_lock → (line_clear) → (garbage_sent…) → next
piece_spawn. Pure: no Django, no NATS.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from contract.events import InvalidEvent, validate_event

# What a player may do next, by the last thing they did (docs/contract.md, order within one player).
# garbage_received and elimination may come at any point: they happen to a player, between pieces.
_ANY_TIME = frozenset({"garbage_received", "elimination"})
_NEXT = {
    "start": frozenset({"piece_spawn"}),  # before their first piece
    "piece_spawn": frozenset({"input", "piece_lock", "piece_spawn"}),  # a hold spawns the next piece
    "input": frozenset({"input", "piece_lock", "piece_spawn"}),
    "piece_lock": frozenset({"line_clear", "garbage_sent", "piece_spawn"}),
    "line_clear": frozenset({"garbage_sent", "piece_spawn"}),
    "garbage_sent": frozenset({"garbage_sent", "piece_spawn"}),
}


@dataclass(frozen=True, slots=True)
class Violation:
    """One problem: where (the stream sequence, or a line number for a file), the first bad field, what."""

    position: int
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.position}: {self.field}: {self.problem}"


def match_violations(events: Iterable[tuple[int, object]]) -> list[Violation]:
    """Every violation in a match's events, given as (position, decoded JSON) pairs in stream order.

    A message that could not be decoded is given as the InvalidEvent `decode_payload` raised.
    """
    violations: list[Violation] = []
    last_tick: int | None = None
    started = ended = False
    players: set[str] = set()
    last_by_player: dict[str, str] = {}
    eliminated: set[str] = set()
    position = 0
    for position, obj in events:

        def report(field: str, problem: str, position: int = position) -> None:
            violations.append(Violation(position, field, problem))

        if isinstance(obj, InvalidEvent):  # the reader could not decode it
            report(obj.field, obj.problem)
            continue
        try:
            event = validate_event(obj)
        except InvalidEvent as error:
            report(error.field, error.problem)
            continue
        if last_tick is not None and event.tick < last_tick:
            report("tick", f"must not decrease within a match: {event.tick} after {last_tick}")
        last_tick = event.tick if last_tick is None else max(last_tick, event.tick)
        if ended:
            report("type", f"{event.type} after game_end: game_end must be the last event of a match")
        if event.type == "game_start":
            if started:
                report("type", "a second game_start in one match")
            started = True
            players = {player["player_id"] for player in event.data["players"]}
            continue
        if not started:
            report("type", f"{event.type} before game_start: game_start must be the first event")
            started = True
        if event.type == "game_end":
            ended = True
            continue
        player = event.player_id
        if player is None or (event.type not in _NEXT and event.type not in _ANY_TIME):
            continue  # a type this version does not know: forward compatibility (docs/contract.md, game events)
        if players and player not in players:
            report("player_id", f"{player!r} is not one of game_start's players")
        if player in eliminated:
            report("type", f"{event.type} of {player!r} after their elimination")
        if event.type in _ANY_TIME:
            if event.type == "elimination":
                eliminated.add(player)
            continue
        last = last_by_player.get(player, "start")
        if event.type not in _NEXT[last]:
            after = "before their first piece_spawn" if last == "start" else f"after {last}"
            report("type", f"{event.type} of {player!r} {after}; expected one of {sorted(_NEXT[last])}")
        last_by_player[player] = event.type
    if started and not ended:
        violations.append(Violation(position, "type", "the match has no game_end"))
    return violations
