"""The fan-out's pure parts (live/follow.py, live/viewer.py's Viewer): a batch shared whole by the viewers
following its match, the exceptions taken message by message, a viewer's queue bound and heartbeats."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from live.follow import Batch, MatchFollow
from live.sse import LiveMessage, frame
from live.viewer import Viewer

STARTED = datetime(2026, 12, 6, 22, 0, tzinfo=UTC)
OTHER = datetime(2026, 12, 6, 21, 0, tzinfo=UTC)


def message(seq: int, kind: str = "piece_locked", *, moment: bool = False, started_at=None) -> LiveMessage:
    data = b'{"type":"%s"}' % kind.encode()
    return LiveMessage(seq, moment, kind, started_at, 0.0, frame("moment" if moment else kind, data, seq))


def test_a_plain_batch_is_taken_whole_and_the_same_bytes_go_to_every_follower():
    batch = Batch((message(5), message(6), message(7, "tetris", moment=True, started_at=STARTED)), STARTED)
    assert batch.plain
    first, second = MatchFollow(STARTED, after_seq=4, in_match=True), MatchFollow(STARTED, after_seq=1, in_match=True)
    assert first.frames(batch) is batch.frames and second.frames(batch) is batch.frames
    assert first.last_seq == 7 and first.frames(batch) == b"", "nothing twice"


def test_a_batch_with_a_match_boundary_or_a_resumed_follower_is_filtered_message_by_message():
    ending = Batch((message(8), message(9, "game_end"), message(10, "tetris", moment=True, started_at=OTHER)), STARTED)
    assert not ending.plain
    follow = MatchFollow(STARTED, after_seq=7, in_match=True)
    assert follow.frames(ending) == message(8).frame + message(9, "game_end").frame and follow.ended
    plain = Batch((message(11), message(12)), STARTED)
    resumed = MatchFollow(STARTED, after_seq=11, in_match=True)  # already has 11
    assert resumed.frames(plain) == message(12).frame


def test_a_viewer_is_dropped_past_its_queue_and_told_a_heartbeat_once(settings):
    settings.LIVE_QUEUE_MESSAGES = 5

    async def scenario() -> None:
        viewer = Viewer()
        assert viewer.offer("batch", 3) and not viewer.heartbeat()
        viewer.beat = True
        assert not viewer.heartbeat(), "what is queued goes instead of a heartbeat"
        assert viewer.take() == ["batch"] and not viewer.wake.is_set()
        viewer.written()
        viewer.beat = True
        assert viewer.heartbeat() and not viewer.heartbeat(), "once"
        assert viewer.offer("burst", 50), "nothing waiting: a batch over the bound is taken"
        viewer.take()
        viewer.written()
        assert viewer.offer("batch", 5) and not viewer.offer("more", 1)
        assert viewer.dropped and viewer.take() == [] and viewer.queued == 0

    asyncio.run(scenario())


def test_a_viewer_whose_socket_has_not_taken_its_last_batch_is_dropped_by_what_it_has_not_sent(settings):
    settings.LIVE_QUEUE_MESSAGES = 5

    async def scenario() -> None:
        viewer = Viewer()
        assert viewer.offer("burst", 50) and viewer.take() == ["burst"]  # its write waits: the client stopped reading
        assert not viewer.offer("next", 1), "50 unsent and one more: past the bound, with nothing queued"
        assert viewer.dropped

        keeping_up = Viewer()
        assert keeping_up.offer("burst", 50) and keeping_up.take() == ["burst"]
        keeping_up.written()
        assert keeping_up.offer("next", 4) and keeping_up.offer("more", 1) and not keeping_up.dropped

    asyncio.run(scenario())
