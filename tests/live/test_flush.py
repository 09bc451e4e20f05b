"""When a room's feed writes its batches (live/feed.py): a message after a pause at once, the next ones at
most every FLUSH_SECONDS counted from the last flush's start, further apart when the last sweep of the
viewers' writes took over FLUSH_SWEEP_SHARE of that. The feed's own clock and viewers, no server: the
messages are handed to its subscription callback as nats-py would."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import UTC, datetime
from types import SimpleNamespace

from live.feed import FLUSH_SECONDS, FLUSH_SWEEP_SHARE, RoomFeed
from live.viewer import Viewer


def stored(seq: int, age: float = 0.0, pending: int = 0) -> SimpleNamespace:
    """A message of the room as the ordered consumer delivers it, stored ``age`` seconds ago, with ``pending``
    more of the room's stored behind it."""
    at = datetime.fromtimestamp(time.time() - age, UTC)
    metadata = SimpleNamespace(sequence=SimpleNamespace(stream=seq), timestamp=at, num_pending=pending)
    return SimpleNamespace(subject="game.room-1.events", data=b'{"type":"piece_locked"}', metadata=metadata)


class Writer:
    """A viewer's stream: takes what it is due when woken, each write costing ``cost`` seconds of the loop
    (the kernel's send, as a crowded room's sweep pays it)."""

    def __init__(self, feed: RoomFeed, cost: float) -> None:
        self.viewer = Viewer()
        self.cost = cost
        self.writes: list[tuple[float, list[int]]] = []
        self.wrote = asyncio.Event()
        feed.join(self.viewer)
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self.viewer.wake.wait()
            seqs = [message.seq for batch in self.viewer.take() for message in batch.messages]
            _busy(self.cost)
            self.writes.append((loop.time(), seqs))
            self.wrote.set()

    async def next_write(self) -> tuple[float, list[int]]:
        self.wrote.clear()
        await asyncio.wait_for(self.wrote.wait(), timeout=5)
        return self.writes[-1]


def _busy(seconds: float) -> None:
    """Hold the loop as a write's CPU would."""
    until = time.perf_counter() + seconds
    while time.perf_counter() < until:
        pass


def test_a_message_after_a_pause_goes_at_once_and_the_next_at_most_every_flush_seconds():
    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        feed = RoomFeed(SimpleNamespace(dropped=0), "room-1")
        writer = Writer(feed, cost=0.0)
        sent = loop.time()
        await feed._on_message(stored(1))
        first_at, seqs = await writer.next_write()
        assert seqs == [1] and first_at - sent < FLUSH_SECONDS * 0.8, "no wait for a flush after a pause"
        await feed._on_message(stored(2))
        await feed._on_message(stored(3))
        second_at, seqs = await writer.next_write()
        assert seqs == [2, 3], "the messages between two flushes go together"
        assert FLUSH_SECONDS * 0.9 <= second_at - first_at < FLUSH_SECONDS * 3
        writer.task.cancel()

    asyncio.run(scenario())


async def _flushes(feed: RoomFeed, writers: list[Writer], count: int, first_seq: int = 1) -> list[float]:
    """The start of each of ``count`` sweeps, one message a flush, each sent as soon as the last was written."""
    starts = []
    for seq in range(first_seq, first_seq + count):
        await feed._on_message(stored(seq))
        await asyncio.gather(*(writer.next_write() for writer in writers))
        starts.append(min(writer.writes[-1][0] - writer.cost for writer in writers))
    return starts


def test_slow_sweeps_space_the_next_flushes_by_what_they_take():
    async def scenario() -> None:
        feed = RoomFeed(SimpleNamespace(dropped=0), "room-1")
        writers = [Writer(feed, cost=0.05) for _ in range(2)]  # 100 ms sweeps: flushes 200 ms apart
        gaps = [later - earlier for earlier, later in itertools.pairwise(await _flushes(feed, writers, 11))]
        assert gaps[0] >= (0.1 + FLUSH_SECONDS) * 0.9, "the loop has FLUSH_SECONDS after a slow sweep"
        assert gaps[-1] >= 0.1 / FLUSH_SWEEP_SHARE * 0.85, "slow sweeps space the flushes by what they take"
        for writer in writers:
            writer.task.cancel()

    asyncio.run(scenario())


def test_one_slow_sweep_does_not_double_the_next_wait():
    async def scenario() -> None:
        feed = RoomFeed(SimpleNamespace(dropped=0), "room-1")
        writers = [Writer(feed, cost=0.0) for _ in range(2)]
        await _flushes(feed, writers, 3)
        for writer in writers:
            writer.cost = 0.05  # one 100 ms sweep (the worker descheduled, a collection)
        slow = await _flushes(feed, writers, 1, first_seq=4)
        for writer in writers:
            writer.cost = 0.0
        after = await _flushes(feed, writers, 2, first_seq=5)
        assert (0.1 + FLUSH_SECONDS) * 0.9 <= after[0] - slow[0] < 0.1 / FLUSH_SWEEP_SHARE * 0.9
        assert after[1] - after[0] < FLUSH_SECONDS * 2, "back to FLUSH_SECONDS once the sweeps are quick"
        for writer in writers:
            writer.task.cancel()

    asyncio.run(scenario())


def test_a_catch_up_goes_to_the_viewers_as_one_batch():
    """The feed's consumer replaced after a NATS node stopped: the messages stored meanwhile come at once,
    old, with more behind each (num_pending). Released in 50 ms flushes they were several batches, and a
    viewer still writing the first had the others queued past its bound, dropped as too slow; held until
    caught up, they are one batch, which a viewer with nothing queued takes whatever its size."""

    async def scenario() -> None:
        feed = RoomFeed(SimpleNamespace(dropped=0), "room-1")
        writer = Writer(feed, cost=0.0)
        await feed._on_message(stored(1))
        assert (await writer.next_write())[1] == [1]
        behind = 300
        for seq in range(2, 2 + behind):
            message = stored(seq, age=20.0, pending=behind + 1 - seq)
            await feed._on_message(message)
            if seq % 50 == 0:
                await asyncio.sleep(FLUSH_SECONDS * 1.5)  # read over several flushes' time, as a burst is
        assert writer.writes[-1][1] == [1], "nothing released while it catches up"
        _, seqs = await writer.next_write()
        assert seqs == list(range(2, 2 + behind)), "the catch-up whole, once caught up"
        await feed._on_message(stored(2 + behind))
        assert (await writer.next_write())[1] == [2 + behind], "then live again, a message at once"
        writer.task.cancel()

    asyncio.run(scenario())
