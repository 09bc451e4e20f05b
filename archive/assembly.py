"""Each room's match collected from the events the archiver consumes, so that a finished match need not be
read back from the stream event by event (bench/archive.py: that read was nearly all of the archiver's time).

Pure: bytes and numbers in, events out. An assembled match is used only when it is certainly what the
stream holds, the very list `history.replay.read_replay` would read: every event of it delivered
once, in stream order, to this process (none redelivered, none that may have overtaken another), and
as many events as the game_end's Msg-Id numbers (`{room}:{started_at}:{n}`: n + 1 events from the
game_start). Otherwise, a second archiver sharing the durable, a restart mid-match, a publisher
without Msg-Ids, the archiver reads the match from the stream as before.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from contract.json_bytes import payload_objects

# Bounds on memory: rooms being played, and finished matches waiting for their settle time. Past them
# the oldest are dropped, and read from the stream when their turn comes.
MAX_ROOMS = 10_000
MAX_FINISHED = 5_000


@dataclass
class _Building:
    started_at: datetime
    payloads: list[bytes] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)
    clean: bool = True


@dataclass(frozen=True)
class AssembledEvents:
    events: list[dict[str, Any]]
    last_event_seq: int


class MatchAssembler:
    def __init__(self, *, max_rooms: int = MAX_ROOMS, max_finished: int = MAX_FINISHED) -> None:
        self._rooms: OrderedDict[str, _Building] = OrderedDict()
        self._finished: OrderedDict[tuple[str, datetime], AssembledEvents] = OrderedDict()
        self.max_rooms, self.max_finished = max_rooms, max_finished

    def start(self, room_id: str, started_at: datetime, seq: int, payload: bytes, *, in_order: bool) -> None:
        """A game_start: the room's match begins (one it was building without a game_end is dropped)."""
        self._rooms.pop(room_id, None)
        self._rooms[room_id] = _Building(started_at, [payload], [seq], clean=in_order)
        while len(self._rooms) > self.max_rooms:
            self._rooms.popitem(last=False)

    def add(self, room_id: str, seq: int, payload: bytes, *, in_order: bool) -> None:
        """Any other event of the room, in the order delivered; ``in_order``: delivered once, overtaking nothing."""
        building = self._rooms.get(room_id)
        if building is None:
            return
        if not in_order or seq <= building.seqs[-1]:
            building.clean = False
        if seq > building.seqs[-1]:
            building.payloads.append(payload)
            building.seqs.append(seq)

    def end(
        self, room_id: str, started_at: datetime, seq: int, payload: bytes, *, in_order: bool, index: int | None
    ) -> None:
        """The game_end of (room_id, started_at), ``index`` its Msg-Id's event number (None without one)."""
        building = self._rooms.get(room_id)
        if building is None or building.started_at != started_at:  # not being built (or a redelivered game_end)
            return
        self.add(room_id, seq, payload, in_order=in_order)
        del self._rooms[room_id]
        if not building.clean or index is None or len(building.payloads) != index + 1 or building.seqs[-1] != seq:
            return
        events, last = [], 0
        for stored_seq, event in zip(building.seqs, payload_objects(building.payloads), strict=True):
            if event is not None:
                events.append(event)
                last = stored_seq
        self._finished[(room_id, started_at)] = AssembledEvents(events, last)
        while len(self._finished) > self.max_finished:
            self._finished.popitem(last=False)

    def take(self, room_id: str, started_at: datetime) -> AssembledEvents | None:
        """The assembled events of a finished match, once (None: read it from the stream)."""
        return self._finished.pop((room_id, started_at), None)
