"""A verified solo match's replay (docs/api.md, replays): the events the server's run of its stored inputs
produces, in the multiplayer format of docs/contract.md for one player, and the key moments the
detector's pure rules find in them. Nothing is stored but the inputs: the engine gives the rest.

Here in the archive app, which serves every replay: it sits above solo (the run and its verifier) and
moments (the detector's rules), which as siblings may not import each other (docs/design.md).
"""

from __future__ import annotations

from typing import Any

from archive.document import replay_document
from contract.events import GameEvent
from history.selectors import MatchRow
from moments.detection import detect_moments
from solo.inputs import inputs_decode
from solo.models import SoloRun
from solo.verifier import replay_run

# The engine's ticks are ms of game time (web/src/game/runEvents.ts).
SOLO_TICK_RATE = 1000


def _iso(match: MatchRow, which: str) -> str:
    return getattr(match, which).isoformat().replace("+00:00", "Z")


def run_of(run: SoloRun) -> dict[str, Any]:
    """The stored run as the verifier takes it."""
    return {
        "engine": run.engine,
        "mode": run.mode,
        "seed": run.seed,
        "settings": run.settings,
        "inputs": inputs_decode(bytes(run.inputs)),
    }


def solo_replay(match: MatchRow, run: SoloRun) -> dict[str, Any]:
    """The match's replay document (game_start, the run's own events, game_end, and their moments), as the
    replay route answers. No stream holds it: its sequences are counts (of its events, of its moments)."""
    (player,) = match.players
    player_id = player["player_id"]
    answer = replay_run(run_of(run), events=True)
    started_at = _iso(match, "started_at")
    config = {
        "mode": run.mode,
        "seed": run.seed,
        "settings": run.settings,
        "engine": run.engine,
        "tick_rate": SOLO_TICK_RATE,
    }
    events: list[dict[str, Any]] = [
        {
            "tick": 0,
            "type": "game_start",
            "player_id": None,
            "data": {"started_at": started_at, "mode": "solo", "players": [{"player_id": player_id}], "config": config},
        }
    ]
    events.extend({**event, "player_id": player_id} for event in answer["events"])
    result = answer["result"]
    events.append(
        {
            "tick": result["duration_ms"],
            "type": "game_end",
            "player_id": None,
            "data": {
                "started_at": started_at,
                "ended_at": _iso(match, "ended_at"),
                "mode": "solo",
                "players": [
                    {
                        "player_id": player_id,
                        "placement": 1,
                        "score": result["score"],
                        "lines_cleared": result["lines_cleared"],
                        "garbage_sent": 0,
                        "garbage_received": 0,
                        "pieces_placed": result["pieces_placed"],
                        "duration_ms": result["duration_ms"],
                    }
                ],
            },
        }
    )
    moments = moments_of(events, started_at)
    return replay_document(
        match_id=str(match.id),
        room_id=None,
        started_at=match.started_at,
        events=events,
        moments=moments,
        last_event_seq=len(events),
        last_moment_seq=len(moments),
    )


def moments_of(events: list[dict[str, Any]], started_at: str) -> list[dict[str, Any]]:
    """The key moments of ``events`` (docs/contract.md); ``event_seq`` is the event's position, from 1."""
    state = None
    found: list[dict[str, Any]] = []
    for seq, event in enumerate(events, start=1):
        state, moments = detect_moments(
            state, GameEvent(event["tick"], event["type"], event["player_id"], event["data"])
        )
        for moment in moments:
            entry = moment.to_dict()
            entry["data"] = {**entry["data"], "event_seq": seq, "started_at": started_at}
            found.append(entry)
    return found
