"""The runner's loop step without a server: an in-memory pull source, verdicts as they would be written.

The real-server failure tests (tests/streaming/test_runner.py, test_projector_failures.py, ...) stay:
these pin down what one step decides, poison isolation above all.
"""

from __future__ import annotations

import asyncio
import threading

from django.db.utils import OperationalError
from nats.js.errors import NoStreamResponseError

from streaming.consumer import Consumer, InWorkerThread, Verdict
from streaming.delivery import Delivery
from streaming.runner import ConsumerRunner
from tests.streaming.memory_pull import InMemoryPull, delivery


class Scripted(Consumer):
    """Acks what it is given; a message whose payload is ``b"bug"`` makes its whole batch fail (a bug)."""

    durable = "test-step"

    def __init__(self, *, batch_size: int = 100, world_error: BaseException | None = None) -> None:
        super().__init__()
        self.batch_size = batch_size
        self.world_error = world_error
        self.batches: list[list[int]] = []
        self.poisoned: list[tuple[int, str]] = []
        self.threads: set[str] = set()

    def process_with_database(self, batch: list[Delivery]) -> list[Verdict]:
        self.threads.add(threading.current_thread().name)
        self.batches.append([d.stream_seq for d in batch])
        if self.world_error is not None:
            raise self.world_error
        if any(d.data == b"bug" for d in batch):
            raise ValueError("a bug met by one message")
        return [Verdict.TERM if d.data == b"never" else Verdict.ACK for d in batch]

    def handle_poison(self, delivery: Delivery, reason: str) -> None:
        self.poisoned.append((delivery.stream_seq, reason))


def run_steps(runner: ConsumerRunner, steps: int) -> list[bool]:
    async def main() -> list[bool]:
        return [await runner.run_once() for _ in range(steps)]

    return asyncio.run(main())


def test_a_step_processes_one_batch_then_acks_it_and_an_idle_step_long_polls():
    pull = InMemoryPull([delivery(seq) for seq in range(1, 6)])
    consumer = Scripted()
    runner = ConsumerRunner(consumer, pull=pull)
    assert run_steps(runner, 3) == [True, False, False]
    assert consumer.batches == [[1, 2, 3, 4, 5]]
    assert pull.verdicts == {seq: ["ack"] for seq in range(1, 6)}
    assert runner.processed == 5
    # A backlog is asked for without waiting; once a fetch came back empty, the consumer long-polls.
    assert pull.fetches == [(100, True), (100, True), (100, False)]
    assert consumer.threads and all(name.startswith("test-step-sync") for name in consumer.threads)


def test_a_full_batch_asks_for_the_next_before_it_is_processed():
    pull = InMemoryPull([delivery(seq) for seq in range(1, 8)])
    consumer = Scripted(batch_size=3)
    runner = ConsumerRunner(consumer, pull=pull)
    assert run_steps(runner, 3) == [True, True, True]
    assert consumer.batches == [[1, 2, 3], [4, 5, 6], [7]]
    assert pull.asked_ahead == 2  # after each full batch, not after the last one


def test_a_message_that_breaks_its_batch_is_found_terminated_and_recorded_and_the_rest_acked():
    data = {3: b"bug", 6: b"bug", 7: b"never"}
    pull = InMemoryPull([delivery(seq, data.get(seq, b"{}")) for seq in range(1, 9)])
    consumer = Scripted()
    runner = ConsumerRunner(consumer, pull=pull)
    assert run_steps(runner, 1) == [True]
    # The batch failed, so each message was processed alone: the two that fail are poison.
    assert consumer.batches == [list(range(1, 9)), *([seq] for seq in range(1, 9))]
    assert consumer.poisoned == [(3, "unexpected error"), (6, "unexpected error")]
    assert pull.verdicts == {seq: ["term" if seq in data else "ack"] for seq in range(1, 9)}
    assert runner.processed == 8


def test_a_failure_of_the_world_naks_the_whole_batch_with_a_delay_and_terminates_nothing():
    for error in (OperationalError("the database went away"), NoStreamResponseError()):
        pull = InMemoryPull([delivery(seq, b"bug" if seq == 2 else b"{}") for seq in range(1, 4)])
        consumer = Scripted(world_error=error)
        runner = ConsumerRunner(consumer, pull=pull)
        runner.stop()  # the step's wait after a failure returns at once
        assert run_steps(runner, 1) == [True]
        assert consumer.batches == [[1, 2, 3]]  # never split: nothing of it is poison
        assert consumer.poisoned == []
        assert pull.verdicts == {1: ["nak"], 2: ["nak"], 3: ["nak"]}
        assert runner.processed == 0


class OnTheLoop(Scripted):
    """Works on the event loop, handing one part to the worker thread, as a consumer of NATS would."""

    async def process_with_nats(self, batch: list[Delivery], in_worker_thread: InWorkerThread) -> list[Verdict]:
        self.threads.add(threading.current_thread().name)
        return await in_worker_thread(super().process_with_database, batch)


def test_a_consumer_on_the_event_loop_may_hand_work_to_the_worker_thread():
    pull = InMemoryPull([delivery(1), delivery(2)])
    consumer = OnTheLoop()
    runner = ConsumerRunner(consumer, pull=pull)
    assert run_steps(runner, 1) == [True]
    assert pull.verdicts == {1: ["ack"], 2: ["ack"]}
    assert threading.main_thread().name in consumer.threads
    assert any(name.startswith("test-step-sync") for name in consumer.threads)
