"""The consumer runner's settings as the server stores them, and slow batches kept from redelivery."""

import asyncio
import threading
import time

import pytest

from streaming import runner
from streaming.consumer import Consumer, RetryLater, Verdict
from streaming.delivery import Delivery
from tests.streaming.stall_proxy import StallProxy
from tests.support import BackgroundConsumer, consumer_info, publish_raw, wait_until


class Recording(Consumer):
    """Acks everything, noting each delivery's stream sequence and delivery count; batches take their time."""

    durable = "test-runner"

    def __init__(self, first_batch_seconds: float = 0.0, batch_seconds: float = 0.0) -> None:
        super().__init__()
        self.first_batch_seconds = first_batch_seconds
        self.batch_seconds = batch_seconds
        self.seen: list[tuple[int, int]] = []
        self.lock = threading.Lock()

    def process_with_database(self, batch: list[Delivery]) -> list[Verdict]:
        with self.lock:
            first = not self.seen
            self.seen.extend((delivery.stream_seq, delivery.num_delivered) for delivery in batch)
        time.sleep(self.first_batch_seconds if first else self.batch_seconds)
        return [Verdict.ACK] * len(batch)


class WithCompanion(Recording):
    """A consumer whose process also ticks beside the loop (as the archiver's sweep does)."""

    def __init__(self) -> None:
        super().__init__()
        self.ticks = 0
        self.ended = False

    def companions(self):
        async def tick(stopping: asyncio.Event) -> None:
            try:
                while not stopping.is_set():
                    self.ticks += 1
                    await asyncio.sleep(0.01)
            finally:
                self.ended = True

        return [tick]


def test_a_consumers_companions_run_beside_the_loop_and_end_with_it(stream):
    consumer = WithCompanion()
    with BackgroundConsumer(consumer):
        publish_raw([("game.room-1.events", b"{}", None)])
        wait_until(lambda: len(consumer.seen) == 1 and consumer.ticks >= 3)
        assert not consumer.ended
    assert consumer.ended  # the runner has returned: its companions are over too


@pytest.mark.parametrize(
    ("ack_wait", "backoff", "stored_backoff"), [(7, [11.0, 13.0], [7.0, 11.0, 13.0]), (7, [], None)]
)
def test_consumer_keeps_the_ack_wait_as_set_beside_its_redelivery_backoff(
    stream, settings, ack_wait, backoff, stored_backoff
):
    # NATS replaces a consumer's ack_wait with the first backoff entry: the runner sends the ack wait there.
    settings.CONSUMER_ACK_WAIT_SECONDS = ack_wait
    settings.CONSUMER_REDELIVERY_BACKOFF_SECONDS = backoff
    consumer = Recording()
    with BackgroundConsumer(consumer):
        publish_raw([("game.room-1.events", b"{}", None)])
        wait_until(lambda: len(consumer.seen) == 1)
    config = consumer_info("test-runner").config
    assert config.ack_wait == ack_wait
    assert config.backoff == stored_backoff


@pytest.mark.parametrize("backoff", [[], [5.0]], ids=["no-backoff", "backoff"])
@pytest.mark.slow
def test_a_batch_slower_than_the_ack_wait_is_not_redelivered_while_in_hand(stream, settings, caplog, backoff):
    settings.CONSUMER_ACK_WAIT_SECONDS = 1
    settings.CONSUMER_REDELIVERY_BACKOFF_SECONDS = backoff
    consumer = Recording(first_batch_seconds=3.0)
    sequences = publish_raw([("game.room-1.events", b'{"n": %d}' % n, None) for n in range(20)])
    with BackgroundConsumer(consumer) as background:
        wait_until(lambda: background.runner.processed >= len(sequences), timeout=20)
        time.sleep(1.5)  # longer than the ack wait: a redelivery would have come by now
        info = consumer_info("test-runner")
    assert sorted(consumer.seen) == [(seq, 1) for seq in sequences]
    assert info.num_redelivered == 0
    assert info.num_ack_pending == 0
    assert "batch still in progress" in caplog.text


@pytest.mark.slow
def test_a_batch_stuck_past_the_progress_limit_is_left_to_redelivery(stream, settings, caplog, monkeypatch):
    # A batch whose processing never ends (a database call that never returns) must not hold its
    # messages forever: past the limit they are redelivered, here to a second process on the durable.
    monkeypatch.setattr(runner, "MAX_IN_PROGRESS_SECONDS", 1.0)
    settings.CONSUMER_ACK_WAIT_SECONDS = 1
    settings.CONSUMER_REDELIVERY_BACKOFF_SECONDS = []
    stuck, other = Recording(first_batch_seconds=8.0), Recording()
    sequences = publish_raw([("game.room-1.events", b'{"n": %d}' % n, None) for n in range(5)])
    with BackgroundConsumer(stuck):
        wait_until(lambda: len(stuck.seen) == len(sequences))
        with BackgroundConsumer(other):
            wait_until(lambda: {seq for seq, _ in other.seen} == set(sequences), timeout=20)
    assert all(times > 1 for _, times in other.seen)
    assert "no longer reported in progress" in caplog.text


@pytest.mark.slow
def test_the_pull_connection_cut_mid_backlog_is_reopened_and_nothing_is_lost(stream, settings, caplog):
    # Only the runner's own connection breaks (nats-py's stays up): deliveries and acks in flight on it
    # are lost, and come back after the ack wait.
    settings.CONSUMER_ACK_WAIT_SECONDS = 2
    settings.CONSUMER_REDELIVERY_BACKOFF_SECONDS = []
    consumer = Recording(batch_seconds=0.02)  # 60 batches: the cut comes with most of the backlog ahead
    consumer.batch_size = 50
    sequences = publish_raw([("game.room-1.events", b'{"n": %d}' % n, None) for n in range(3000)])
    with BackgroundConsumer(consumer) as background:
        wait_until(lambda: len(consumer.seen) >= 500)
        background.loop.call_soon_threadsafe(lambda: background.runner.pull._connection._writer.transport.abort())
        wait_until(lambda: {seq for seq, _ in consumer.seen} == set(sequences), timeout=30)
        wait_until(lambda: consumer_info("test-runner").num_ack_pending == 0, timeout=30)
    assert "nats pull connection reconnected name=test-runner-pull" in caplog.text


def test_stopping_while_nats_is_away_ends_cleanly(stream, test_servers):
    consumer = Recording()
    background = BackgroundConsumer(consumer).__enter__()
    try:
        publish_raw([("game.room-1.events", b"{}", None)])
        wait_until(lambda: len(consumer.seen) == 1)
        test_servers.nats.stop()
        time.sleep(1.0)  # both connections are away: nats-py reconnecting, the pull connection retrying
    finally:
        try:
            background.stop(timeout=20)  # raises what the runner raised, if anything
        finally:
            test_servers.nats.start()
    assert background.runner.processed == 1


class FailingFirst(Recording):
    """Its first batch fails as the world does (RetryLater), and the pull requests after it are lost."""

    def __init__(self, proxy: StallProxy) -> None:
        super().__init__()
        self.proxy = proxy

    def process_with_database(self, batch: list[Delivery]) -> list[Verdict]:
        first = not self.seen
        verdicts = super().process_with_database(batch)
        if first:
            self.proxy.lose_pull_requests(2)  # the backlog's no_wait request, then the long poll
            raise RetryLater("publishing 1 of 1 moments failed: NoStreamResponseError")
        return verdicts


@pytest.mark.slow
def test_pull_requests_lost_after_a_failed_batch_are_noticed_and_asked_again(stream, test_servers, settings, caplog):
    # On a cluster, a request held by a consumer leader that died answers nothing, ever, while the
    # connection it came by stays healthy and answers every PING: the runner must notice the request's
    # silence itself and ask again, and the NAKed batch must come back.
    settings.NATS_STALE_SECONDS = 3.0  # the pull connection pings every second
    proxy = StallProxy(test_servers.nats.url)
    proxy.forward()
    settings.NATS_SERVERS = [proxy.url]
    consumer = FailingFirst(proxy)
    try:
        with BackgroundConsumer(consumer) as background:
            (sequence,) = publish_raw([("game.room-1.events", b"{}", None)])
            wait_until(lambda: proxy.lost_pull_requests == 2, timeout=10)
            wait_until(lambda: background.runner.processed == 1, timeout=20)
    finally:
        proxy.close()
    assert consumer.seen == [(sequence, 1), (sequence, 2)]
    assert "pull request silent" in caplog.text
