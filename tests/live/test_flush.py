"""When a room's feed writes its batches (live/feed.py): a message after a pause at once, the next ones at
most every FLUSH_SECONDS counted from the last flush's start, further apart when the last sweep of the
viewers' writes took over FLUSH_SWEEP_SHARE of that. The feed's own clock and viewers, no server: the
messages are handed to it as its subscription hears the stream's republished copies."""

from __future__ import annotations

import asyncio
import itertools
import time
from types import SimpleNamespace

from live.feed import FLUSH_SECONDS, FLUSH_SWEEP_SHARE, RoomFeed, Stored
from live.viewer import Viewer

SUBJECT = "game.room-1.events"


def stored(seq: int, age: float = 0.0) -> Stored:
    """A message of the room as its republished copy says it, stored ``age`` seconds ago, the one before it
    of its subject ``seq - 1``."""
    return Stored(seq, SUBJECT, b'{"type":"piece_locked"}', time.time() - age, seq - 1)


def live_feed() -> RoomFeed:
    """A feed caught up with its room (no server), from sequence 1."""
    feed = RoomFeed(SimpleNamespace(dropped=0), "room-1")
    feed.start_seq = 1
    feed._held_back = None
    return feed


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
        feed = live_feed()
        writer = Writer(feed, cost=0.0)
        sent = loop.time()
        feed.take(stored(1))
        first_at, seqs = await writer.next_write()
        assert seqs == [1] and first_at - sent < FLUSH_SECONDS * 0.8, "no wait for a flush after a pause"
        feed.take(stored(2))
        feed.take(stored(3))
        second_at, seqs = await writer.next_write()
        assert seqs == [2, 3], "the messages between two flushes go together"
        assert FLUSH_SECONDS * 0.9 <= second_at - first_at < FLUSH_SECONDS * 3
        writer.task.cancel()

    asyncio.run(scenario())


async def _flushes(feed: RoomFeed, writers: list[Writer], count: int, first_seq: int = 1) -> list[float]:
    """The start of each of ``count`` sweeps, one message a flush, each sent as soon as the last was written."""
    starts = []
    for seq in range(first_seq, first_seq + count):
        feed.take(stored(seq))
        await asyncio.gather(*(writer.next_write() for writer in writers))
        starts.append(min(writer.writes[-1][0] - writer.cost for writer in writers))
    return starts


def test_slow_sweeps_space_the_next_flushes_by_what_they_take():
    async def scenario() -> None:
        feed = live_feed()
        writers = [Writer(feed, cost=0.05) for _ in range(2)]  # 100 ms sweeps: flushes 200 ms apart
        gaps = [later - earlier for earlier, later in itertools.pairwise(await _flushes(feed, writers, 11))]
        assert gaps[0] >= (0.1 + FLUSH_SECONDS) * 0.9, "the loop has FLUSH_SECONDS after a slow sweep"
        assert gaps[-1] >= 0.1 / FLUSH_SWEEP_SHARE * 0.85, "slow sweeps space the flushes by what they take"
        for writer in writers:
            writer.task.cancel()

    asyncio.run(scenario())


def test_one_slow_sweep_does_not_double_the_next_wait():
    async def scenario() -> None:
        feed = live_feed()
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
    """A copy whose predecessor the feed never had (copies lost: NATS disconnected, a slow subscription):
    the feed reads the stream from its last message and releases nothing later meanwhile. What it read,
    and the copies heard during the read, go to the viewers as one batch (released over 50 ms flushes, a
    catch-up of thousands was several batches, and a viewer still writing the first had the others
    queued past its bound: dropped as too slow); a viewer with nothing queued takes it whatever its size."""

    async def scenario() -> None:
        feed = live_feed()
        behind = 300
        reading = asyncio.Event()

        async def read_after(after: int) -> list[Stored]:
            assert after == 1, "read from the feed's last message on"
            await reading.wait()
            return [stored(seq, age=20.0) for seq in range(2, 2 + behind)]

        feed._read_after = read_after
        writer = Writer(feed, cost=0.0)
        feed.take(stored(1))
        assert (await writer.next_write())[1] == [1]
        feed.take(stored(2 + behind))  # its predecessor, 1 + behind, never heard
        feed.take(stored(3 + behind))  # heard during the read
        await asyncio.sleep(FLUSH_SECONDS * 3)
        assert writer.writes[-1][1] == [1], "nothing released while it reads"
        reading.set()
        _, seqs = await writer.next_write()
        assert seqs == list(range(2, 4 + behind)), "the read and what was heard meanwhile, whole, in order"
        feed.take(stored(4 + behind))
        assert (await writer.next_write())[1] == [4 + behind], "then live again, a message at once"
        assert feed.resyncs == 1
        writer.task.cancel()

    asyncio.run(scenario())


def test_a_copy_whose_lost_predecessor_is_behind_the_last_message_goes_on_and_is_logged(caplog):
    """A moment lost while the room's events went on cannot go out in its place any more: the next moment
    waits for no read (none could put it back in order), and the loss is logged."""
    moment = b'{"type":"tetris"}'

    async def scenario() -> None:
        feed = live_feed()
        writer = Writer(feed, cost=0.0)
        feed.take(stored(1))
        assert (await writer.next_write())[1] == [1]
        feed.take(Stored(2, "game.room-1.moments", moment, time.time(), 0))
        assert (await writer.next_write())[1] == [2]
        # 3, a moment, never heard; 4, an event (its predecessor 1, had); 5, a moment after 3.
        feed.take(Stored(4, SUBJECT, b'{"type":"piece_locked"}', time.time(), 1))
        feed.take(Stored(5, "game.room-1.moments", moment, time.time(), 3))
        assert (await writer.next_write())[1] == [4, 5]
        assert feed.resyncs == 0
        writer.task.cancel()

    asyncio.run(scenario())
    assert "live feed missed room_id=room-1 seq=3" in caplog.text
