"""The analysis of one match (docs/api.md, match analysis): per player figures, timelines and knock-outs,
a pure function of the match's replay document (archive.document), so it can run again over the whole
archive after any change to the rules (`manage.py reanalyze`).

Pure: no Django, no NATS, no I/O; one pass over the events. Every figure is a quotient rounded half away
from zero as the project's other figures are (history.figures), and null where its divisor is 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from analysis.finesse import PressesUnmatched, run_placements
from history.figures import APM, PPS, Figure, ratio

# Bump whenever a definition below changes: `manage.py reanalyze` rewrites the rows of older rules.
# 2: KPP and finesse of verified solo runs (their key presses), finesse_judged and the faults' placements.
RULES_VERSION = 2

DEFAULT_TICK_RATE = 60.0
KNOCKOUT_WINDOW_S = 10  # garbage received this long before an elimination is its evidence
SPIKE_WINDOW_S = 3  # a spike is SPIKE_ROWS or more rows arriving within this long
SPIKE_ROWS = 8

# Over the player's milliseconds alive, or over pieces and lines (docs/api.md).
VS = Figure(factor=100_000, places=2)  # (attack + garbage cleared) * 100 / s
DS_S = Figure(factor=1000, places=4)  # garbage cleared / s
APP = Figure(factor=1, places=3)  # attack / pieces
DS_P = Figure(factor=1, places=4)  # garbage cleared / pieces
APL = Figure(factor=1, places=3)  # attack / lines
KPP = Figure(factor=1, places=2)  # key presses / pieces
T_SPIN_MOMENTS = frozenset({"t_spin_single", "t_spin_double", "t_spin_triple"})
DIFFICULT_MOMENTS = T_SPIN_MOMENTS | {"tetris"}
TIMELINE_SERIES = ("attack", "garbage_received", "pieces", "stack_height")


class _Player:
    __slots__ = (
        "attack",
        "chain",
        "difficult",
        "duration_ms",
        "eliminated_tick",
        "garbage_cleared",
        "height",
        "holds",
        "last_tick",
        "lines",
        "pieces",
        "placement",
        "points",
        "received",
        "t_spins",
        "tetrises",
    )

    def __init__(self) -> None:
        self.attack = self.garbage_cleared = self.lines = self.pieces = self.holds = 0
        self.t_spins = self.tetrises = self.chain = self.height = self.last_tick = 0
        self.difficult = False
        self.duration_ms: int | None = None
        self.eliminated_tick: int | None = None
        self.placement: int | None = None
        # (second, series, value): deltas for the cumulative series, the latest value for the height.
        self.points: list[tuple[int, int, int]] = []
        self.received: list[tuple[int, str, int]] = []  # (tick, sender, rows)


def analyse_match(document: dict[str, Any], key_presses: Mapping[str, list[list]] | None = None) -> dict[str, Any]:
    """The analysis of a replay document: ``{"rules_version", "tick_rate", "start_tick", "players", "knockouts"}``.

    ``players`` is in placement order, each with its figures and its ``timeline`` (one point a second
    from the match's start, cumulative attack, garbage received and pieces, and stack height, up to the
    second of its elimination or the match's end); ``knockouts`` is one entry per elimination.
    ``key_presses``: the players whose key presses are known (a verified solo run's inputs, by player
    id) get KPP and finesse; everyone else's are null.
    """
    tick_rate = DEFAULT_TICK_RATE
    start_tick = 0  # a reused room's ticks do not start at 0: seconds count from game_start's
    players: dict[str, _Player] = {}
    order: list[str] = []
    last_tick = 0

    def player(player_id: str) -> _Player:
        found = players.get(player_id)
        if found is None:
            found = players[player_id] = _Player()
            order.append(player_id)
        return found

    for event in document["events"]:
        kind = event["type"]
        data = event.get("data") or {}
        tick = event.get("tick", 0)
        last_tick = max(last_tick, tick)
        player_id = event.get("player_id")
        if kind == "game_start":
            start_tick = tick
            tick_rate = float((data.get("config") or {}).get("tick_rate") or DEFAULT_TICK_RATE)
            for entry in data.get("players", ()):
                player(entry["player_id"])
            continue
        if kind == "game_end":
            for entry in data.get("players", ()):
                p = player(entry["player_id"])
                p.duration_ms = entry.get("duration_ms")
                p.placement = entry.get("placement")
            continue
        if player_id is None:
            continue
        p = player(player_id)
        p.last_tick = tick
        second = int((tick - start_tick) // tick_rate)
        if kind == "piece_lock":
            p.pieces += 1
            p.height = len(data.get("board", ()))
            p.points.append((second, 2, 1))
            p.points.append((second, 3, p.height))
        elif kind == "line_clear":
            count = data.get("count", 0)
            p.lines += count
            p.garbage_cleared += data.get("garbage_rows") or 0
            p.height = max(0, p.height - count)
            p.points.append((second, 3, p.height))
        elif kind == "garbage_sent":
            rows = data.get("rows", 0)
            p.attack += rows
            p.points.append((second, 0, rows))
        elif kind == "garbage_received":
            rows = data.get("rows", 0)
            p.received.append((tick, data.get("from"), rows))
            p.points.append((second, 1, rows))
        elif kind == "input":
            if data.get("action") == "hold" and data.get("ok", True) is not False:
                p.holds += 1
        elif kind == "elimination":
            p.eliminated_tick = tick
            p.placement = data.get("placement", p.placement)

    for moment in document.get("moments", ()):
        p = players.get(moment.get("player_id"))  # type: ignore[arg-type]
        if p is None:
            continue
        kind = moment["type"]
        if kind in T_SPIN_MOMENTS:
            p.t_spins += 1
        if kind == "tetris":
            p.tetrises += 1
        if kind in DIFFICULT_MOMENTS:
            p.difficult = True
        elif kind == "back_to_back":
            p.chain = max(p.chain, (moment.get("data") or {}).get("chain", 0))

    knockouts = [
        knockout(player_id, p.eliminated_tick, p.placement, p.received, tick_rate)
        for player_id, p in players.items()
        if p.eliminated_tick is not None
    ]
    knockouts.sort(key=lambda ko: (ko["tick"], ko["player_id"]))
    killers = {ko["player_id"]: ko["by"][0]["player_id"] if ko["by"] else None for ko in knockouts}
    seconds = int((last_tick - start_tick) // tick_rate) + 1
    entries = [
        _figures(player_id, players[player_id], killers.get(player_id), tick_rate, start_tick, seconds)
        for player_id in order
    ]
    for entry in entries:
        entry.update(presses_figures(document["events"], entry, (key_presses or {}).get(entry["player_id"])))
    entries.sort(key=lambda entry: (entry["placement"] is None, entry["placement"] or 0, entry["player_id"]))
    return {
        "rules_version": RULES_VERSION,
        "tick_rate": tick_rate,
        "start_tick": start_tick,
        "players": entries,
        "knockouts": knockouts,
    }


def _figures(
    player_id: str, p: _Player, killer: str | None, tick_rate: float, start_tick: int, seconds: int
) -> dict[str, Any]:
    end_tick = p.eliminated_tick - start_tick if p.eliminated_tick is not None else None
    if p.duration_ms is not None:
        ms = p.duration_ms
    else:  # no game_end (an unfinished match): the ticks it lived
        ms = round((end_tick if end_tick is not None else p.last_tick - start_tick) * 1000 / tick_rate)
    cleared_and_sent = p.attack + p.garbage_cleared
    return {
        "player_id": player_id,
        "placement": p.placement,
        "seconds_alive": ratio(ms, 1000, Figure(factor=1, places=1)),
        "pieces": p.pieces,
        "lines": p.lines,
        "attack": p.attack,
        "garbage_cleared": p.garbage_cleared,
        "garbage_received": sum(rows for _, _, rows in p.received),
        "apm": ratio(p.attack, ms, APM),
        "pps": ratio(p.pieces, ms, PPS),
        "vs": ratio(cleared_and_sent, ms, VS),
        "app": ratio(p.attack, p.pieces, APP),
        "ds_s": ratio(p.garbage_cleared, ms, DS_S),
        "ds_p": ratio(p.garbage_cleared, p.pieces, DS_P),
        "apl": ratio(p.attack, p.lines, APL),
        "holds": p.holds,
        "t_spins": p.t_spins,
        "tetrises": p.tetrises,
        # The longest chain of difficult clears: a back_to_back moment's chain, 1 for a lone difficult one.
        "longest_back_to_back": p.chain or (1 if p.difficult else 0),
        "eliminated_at_tick": p.eliminated_tick,
        "eliminated_by": killer,
        "timeline": _timeline(p, int(end_tick // tick_rate) + 1 if end_tick is not None else seconds),
    }


def presses_figures(events: list[dict[str, Any]], entry: dict[str, Any], inputs: list[list] | None) -> dict[str, Any]:
    """KPP and finesse of one player from their key presses; null without them (multiplayer `input`
    events are actions, not presses: docs/api.md), and finesse null if the presses do not line up with
    the events (a run of other rules: never judged wrongly)."""
    figures: dict[str, Any] = {
        "key_presses": None,
        "kpp": None,
        "finesse_judged": None,
        "finesse_faults": None,
        "finesse_fault_placements": None,
    }
    if inputs is None:
        return figures
    presses = sum(1 for _, direction, _ in inputs if direction == "down")
    figures["key_presses"] = presses
    figures["kpp"] = ratio(presses, entry["pieces"], KPP)
    mine = [event for event in events if event.get("player_id") == entry["player_id"]]
    try:
        placements, _ = run_placements(inputs, mine)
    except PressesUnmatched:
        return figures
    judged = [placement for placement in placements if placement.fewest is not None]
    faults = [
        {"tick": p.tick, "piece": p.piece, "presses": p.judged_presses, "fewest": p.fewest} for p in judged if p.fault
    ]
    figures.update(finesse_judged=len(judged), finesse_faults=len(faults), finesse_fault_placements=faults)
    return figures


def _timeline(p: _Player, length: int) -> dict[str, list[int]]:
    """One point a second: point i holds the value at the end of second i (ticks before (i + 1) s)."""
    series = [[0] * length for _ in TIMELINE_SERIES]
    height = series[3]
    for second, index, value in p.points:
        at = min(second, length - 1)
        if index == 3:
            height[at] = value
            continue
        series[index][at] += value
    for index in range(3):
        values = series[index]
        total = 0
        for i, value in enumerate(values):
            total += value
            values[i] = total
    # The height is the last placement's of each second; a second without one keeps the one before.
    seen = [False] * length
    for second, index, _ in p.points:
        if index == 3:
            seen[min(second, length - 1)] = True
    for i in range(1, length):
        if not seen[i]:
            height[i] = height[i - 1]
    return dict(zip(TIMELINE_SERIES, series, strict=True))


def knockout(
    player_id: str, tick: int, placement: int | None, received: list[tuple[int, str, int]], tick_rate: float
) -> dict[str, Any]:
    """One elimination told by its evidence: the rows each sender landed in the last `KNOCKOUT_WINDOW_S`,
    and whether it was a spike (`SPIKE_ROWS` or more within `SPIKE_WINDOW_S`), pressure, or neither (no
    garbage at all: the player topped out alone, ``kind`` null)."""
    since = tick - KNOCKOUT_WINDOW_S * tick_rate
    window = [(at, sender, rows) for at, sender, rows in received if since < at <= tick]
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for at, sender, rows in window:
        by[sender][0] += rows
        by[sender][1] = max(by[sender][1], at)
    # Most rows first; a tie goes to whoever landed garbage last.
    senders = sorted(by.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    spike = 0
    start = 0
    running = 0
    for at, _, rows in window:  # in tick order, as the events came
        running += rows
        while window[start][0] <= at - SPIKE_WINDOW_S * tick_rate:
            running -= window[start][2]
            start += 1
        spike = max(spike, running)
    total = sum(rows for _, _, rows in window)
    return {
        "player_id": player_id,
        "tick": tick,
        "placement": placement,
        "rows": total,
        "spike_rows": spike,
        "kind": None if total == 0 else "spike" if spike >= SPIKE_ROWS else "pressure",
        "by": [{"player_id": sender, "rows": rows} for sender, (rows, _) in senders],
    }
