"""A room's feed (live/feed.py) follows the stream's republished copies through a core subscription: copies
it never heard (NATS away, a subscription gone for a while) are read from the stream before anything after
them is released, so its viewers get every message once, in stream order. Real NATS, the feed in-process."""

from __future__ import annotations

import asyncio

import pytest

from live.feed import FEED_PROBE_SECONDS, live_subject
from live.hub import Hub
from live.viewer import Viewer
from tests.live.test_live_routes import match_events
from tests.support import publish_match

pytestmark = pytest.mark.django_db(transaction=True)


async def _received(viewer: Viewer, until_seq: int) -> list[int]:
    """The sequences the viewer is offered, in order, until ``until_seq``."""
    seqs: list[int] = []
    async with asyncio.timeout(15):
        while not seqs or seqs[-1] < until_seq:
            await viewer.wake.wait()
            seqs += [message.seq for batch in viewer.take() for message in batch.messages]
            viewer.written()
    return seqs


def test_copies_the_feed_never_heard_are_read_from_the_stream_in_order(stream):
    room = "live-copies-1"
    events = match_events(room, seed=31)
    first = publish_match(room, events[:10])

    async def scenario() -> tuple[list[int], list[int], list[int], int]:
        hub = Hub()
        feed = await hub.feed(room)
        viewer = Viewer()
        backlog = [message.seq for message in feed.join(viewer)]
        # The feed's subscription away while ten more are stored: their copies go to no one.
        await feed._subscription.unsubscribe()
        lost = await asyncio.to_thread(publish_match, room, events[10:20])
        client = await hub.client()
        feed._subscription = await client.subscribe(live_subject(room), cb=feed._on_live)
        await client.flush()
        later = await asyncio.to_thread(publish_match, room, events[20:30])
        seqs = await _received(viewer, later[-1])
        await feed.stop()
        await client.close()
        return backlog, seqs, lost + later, feed.resyncs

    backlog, seqs, expected, resyncs = asyncio.run(scenario())
    assert backlog == first, "the feed's read from the game_start"
    assert seqs == expected, "the copies never heard, read from the stream, then the rest: each once, in order"
    assert resyncs == 2, "one read at the start, one when a copy's predecessor was one it never had"


def test_a_quiet_feed_that_missed_its_rooms_last_copies_reads_them_when_it_probes(stream):
    """The last copies lost and nothing after them to show it (a match's end, a route between NATS nodes
    broken): a feed quiet for FEED_PROBE_SECONDS asks the stream for its room's last messages."""
    room = "live-copies-2"
    events = match_events(room, seed=32)
    publish_match(room, events[:10])

    async def scenario() -> tuple[list[int], list[int], bool]:
        hub = Hub()
        feed = await hub.feed(room)
        viewer = Viewer()
        feed.join(viewer)
        await feed._subscription.unsubscribe()
        lost = await asyncio.to_thread(publish_match, room, events[10:15])
        await feed.probe()
        too_soon = feed.resyncs > 1
        feed.heard_at -= FEED_PROBE_SECONDS
        await feed.probe()
        seqs = await _received(viewer, lost[-1])
        await feed.stop()
        await (await hub.client()).close()
        return seqs, lost, too_soon

    seqs, lost, too_soon = asyncio.run(scenario())
    assert not too_soon, "a feed that heard from its room lately does not ask"
    assert seqs == lost, "the lost last copies read from the stream, once, in order"
