"""setup_stream and MOMENT_DETECTOR_PARTITIONS (docs/operations.md): the partitioned stream, its start, the refusal."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from nats.js.api import RetentionPolicy
from nats.js.errors import NotFoundError

from moments.consumer import MomentDetector
from streaming.durables import PARTITIONED_STREAM, partition_durable
from streaming.partitions import Start, layout_problem, partitioned_config, partitions_of
from streaming.source_header import SourcedFrom, source_in_header_block, sourced_from
from tests.streaming.factories import tetris_match_events
from tests.support import (
    BackgroundConsumer,
    consumer_info,
    publish_match,
    run_async,
    stored_game_events,
    wait_until,
    with_jetstream,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_source_header_gives_the_original_sequence_and_subject():
    header = "GAME_EVENTS 417 game.*.events part.{{partition(2,1)}}.{{wildcard(1)}} game.room-7.events A0w0dY2l"
    assert sourced_from(header) == SourcedFrom("GAME_EVENTS", 417, "game.room-7.events")
    assert sourced_from("GAME_EVENTS 12") == SourcedFrom("GAME_EVENTS", 12, None)
    assert sourced_from(None) is None
    assert sourced_from("$JS.ACK.GAME_EVENTS.x.1.2.3.4.5") is None
    block = f"NATS/1.0\r\nNats-Msg-Id: room-7:t:3\r\nNats-Stream-Source: {header}\r\n\r\n".encode()
    assert source_in_header_block(block) == SourcedFrom("GAME_EVENTS", 417, "game.room-7.events")
    assert source_in_header_block(b"NATS/1.0\r\nNats-Msg-Id: room-7:t:3\r\n\r\n") is None


def test_the_number_of_partitions_is_read_back_from_the_transform(settings):
    assert partitions_of(partitioned_config(5, Start(seq=3))) == 5
    assert partitioned_config(5, Start()).sources[0].subject_transforms[0].dest == (
        "part.{{partition(5,1)}}.{{wildcard(1)}}"
    )


@pytest.mark.parametrize(
    ("wanted", "partition", "on_server", "problem"),
    [
        (1, None, 1, None),
        (3, 2, 3, None),
        (1, 0, 1, "MOMENT_DETECTOR_PARTITIONS is 1: run run_moment_detector without --partition"),
        (3, None, 3, "run one run_moment_detector --partition i for each i from 0 to 2"),
        (3, 3, 3, "--partition 3 is not between 0 and 2"),
        (3, 1, 2, "the server is set up for 2 detector partition(s): run manage.py setup_stream first"),
        (1, None, 2, "the server is set up for 2 detector partition(s)"),
    ],
)
def test_a_detector_of_another_layout_is_refused_with_what_to_do(wanted, partition, on_server, problem):
    found = layout_problem(wanted, partition, on_server)
    assert found == problem if problem is None else problem in found


def partitioned_messages() -> list[tuple[str, dict, int, str]]:
    """(subject, body, GAME_EVENTS sequence, original subject) of every copy GAME_EVENTS_PARTITIONED holds."""

    async def read(js):
        state = (await js.stream_info(PARTITIONED_STREAM)).state
        found = []
        if not state.messages:
            return found
        for seq in range(state.first_seq, state.last_seq + 1):
            try:
                message = await js.get_msg(PARTITIONED_STREAM, seq)
            except NotFoundError:
                continue
            source = sourced_from(message.headers["Nats-Stream-Source"])
            found.append((message.subject, json.loads(message.data), source.seq, source.subject))
        return found

    return run_async(with_jetstream(read))


def game_events() -> list[tuple[int, str]]:
    """(sequence, subject) of every event GAME_EVENTS holds."""
    return [(seq, subject) for seq, subject, _, _ in stored_game_events()]


def wait_for_copies(count: int) -> list[tuple[str, dict, int, str]]:
    wait_until(lambda: len(partitioned_messages()) >= count, timeout=20)
    return partitioned_messages()


def test_with_one_partition_setup_stream_makes_no_second_stream(stream, settings):
    call_command("setup_stream")
    with pytest.raises(NotFoundError):
        run_async(with_jetstream(lambda js: js.stream_info(PARTITIONED_STREAM)))


def test_each_rooms_events_reach_one_partition_with_their_game_events_sequence(stream, settings):
    settings.MOMENT_DETECTOR_PARTITIONS = 3
    for room in range(12):
        publish_match(f"room-{room}", tetris_match_events(f"room-{room}", tetrises=1))
    publish_match("room-0", tetris_match_events("room-0", index=1, tetrises=1))
    call_command("setup_stream")
    info = run_async(with_jetstream(lambda js: js.stream_info(PARTITIONED_STREAM)))
    assert info.config.retention == RetentionPolicy.WORK_QUEUE
    assert info.config.sources[0].name == "GAME_EVENTS"
    events = game_events()
    copies = wait_for_copies(len(events))
    assert sorted((seq, original) for _, _, seq, original in copies) == events  # every event once, none else
    partitions_of_room: dict[str, set[str]] = {}
    for subject, _, _, original in copies:
        part, index, room = subject.split(".")
        assert part == "part" and original == f"game.{room}.events"
        partitions_of_room.setdefault(room, set()).add(index)
    assert all(len(indexes) == 1 for indexes in partitions_of_room.values()), partitions_of_room
    assert set().union(*partitions_of_room.values()) == {"0", "1", "2"}  # 12 rooms spread over all three
    names = run_async(with_jetstream(lambda js: js.consumers_info(PARTITIONED_STREAM)))
    assert sorted(c.name for c in names) == [partition_durable(i) for i in range(3)]
    assert sorted(c.config.filter_subject for c in names) == ["part.0.*", "part.1.*", "part.2.*"]


def test_setup_stream_again_with_the_same_n_changes_nothing(stream, settings):
    settings.MOMENT_DETECTOR_PARTITIONS = 2
    call_command("setup_stream", stdout=io.StringIO())
    seqs = publish_rooms(0, 2)
    wait_for_copies(len(seqs))
    assert "key moment detectors: 2 partition(s), unchanged" in call_command_output("setup_stream")
    assert sorted(seq for _, _, seq, _ in partitioned_messages()) == seqs  # the source was not started over


def test_partitions_start_where_the_single_detector_left_off_and_its_durable_goes(stream, settings):
    publish_match("room-a", tetris_match_events("room-a", tetrises=1))
    with BackgroundConsumer(MomentDetector()) as single:
        wait_until(lambda: single.runner.processed == len(tetris_match_events("room-a", tetrises=1)))
    later = publish_match("room-b", tetris_match_events("room-b", tetrises=1))
    settings.MOMENT_DETECTOR_PARTITIONS = 2
    out = call_command_output("setup_stream")
    assert "detector partitions: 1 -> 2" in out
    copies = wait_for_copies(len(later))
    assert sorted(seq for _, _, seq, _ in copies) == later  # room-b's events, none of room-a's
    with pytest.raises(NotFoundError):
        consumer_info("key-moment-detector")


def call_command_output(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def partition_consumer(durable: str):
    return run_async(with_jetstream(lambda js: js.consumer_info(PARTITIONED_STREAM, durable)))


def no_pull_waiting() -> bool:
    infos = run_async(with_jetstream(lambda js: js.consumers_info(PARTITIONED_STREAM)))
    return all(not info.num_waiting for info in infos)


def publish_rooms(first: int, count: int) -> list[int]:
    seqs = []
    for room in range(first, first + count):
        seqs += publish_match(f"room-{room}", tetris_match_events(f"room-{room}", tetrises=1))
    return seqs


def test_setup_stream_refuses_to_change_n_while_a_detector_works_then_carries_its_backlog_over(stream, settings):
    settings.CONSUMER_ACK_WAIT_SECONDS = 2
    settings.CONSUMER_REDELIVERY_BACKOFF_SECONDS = []
    settings.MOMENT_DETECTOR_PARTITIONS = 2
    call_command("setup_stream")
    done = publish_rooms(0, 4)
    wait_for_copies(len(done))
    detectors = [BackgroundConsumer(MomentDetector(partition=i), stream=PARTITIONED_STREAM) for i in range(2)]
    with detectors[0], detectors[1]:
        wait_until(lambda: sum(d.runner.processed for d in detectors) == len(done))
        wait_until(lambda: partition_consumer(partition_durable(0)).num_waiting > 0)
        settings.MOMENT_DETECTOR_PARTITIONS = 3
        with pytest.raises(CommandError) as refused:
            call_command("setup_stream")
        settings.MOMENT_DETECTOR_PARTITIONS = 2
    message = str(refused.value)
    assert "will not change MOMENT_DETECTOR_PARTITIONS from 2 to 3 while a detector may still be at work" in message
    assert "key-moment-detector-0" in message and "pull request(s) waiting" in message
    assert "Stop every detector first" in message and "Nothing was changed" in message
    assert partitions_of(run_async(with_jetstream(lambda js: js.stream_info(PARTITIONED_STREAM))).config) == 2

    # Stopped, with events published since: they wait in the partitions and go over to the new layout.
    backlog = publish_rooms(10, 3)
    wait_for_copies(len(backlog))
    wait_until(no_pull_waiting, timeout=30)
    settings.MOMENT_DETECTOR_PARTITIONS = 3
    out = call_command_output("setup_stream")
    assert f"detector partitions: 2 -> 3, from GAME_EVENTS sequence {backlog[0]}" in out
    copies = wait_for_copies(len(backlog))
    assert sorted(seq for _, _, seq, _ in copies) == backlog
    assert {subject.split(".")[1] for subject, _, _, _ in copies} <= {"0", "1", "2"}


def test_back_to_one_detector_it_starts_at_the_oldest_event_no_partition_finished(stream, settings):
    settings.MOMENT_DETECTOR_PARTITIONS = 2
    call_command("setup_stream")
    backlog = publish_rooms(0, 3)
    wait_for_copies(len(backlog))
    settings.MOMENT_DETECTOR_PARTITIONS = 1
    out = call_command_output("setup_stream")
    assert f"detector partitions: 2 -> 1, from GAME_EVENTS sequence {backlog[0]}" in out
    with pytest.raises(NotFoundError):
        run_async(with_jetstream(lambda js: js.stream_info(PARTITIONED_STREAM)))
    assert consumer_info("key-moment-detector").config.opt_start_seq == backlog[0]
    later = publish_rooms(5, 1)
    with BackgroundConsumer(MomentDetector()) as single:  # the runner keeps the start setup_stream gave
        wait_until(lambda: single.runner.processed == len(backlog) + len(later))
    assert consumer_info("key-moment-detector").config.opt_start_seq == backlog[0]


def test_an_emptied_partitioned_stream_hands_over_from_shortly_before_its_last_copy(stream, settings):
    settings.MOMENT_DETECTOR_PARTITIONS = 2
    call_command("setup_stream")
    done = publish_rooms(0, 2)
    detectors = [BackgroundConsumer(MomentDetector(partition=i), stream=PARTITIONED_STREAM) for i in range(2)]
    with detectors[0], detectors[1]:
        wait_until(lambda: sum(d.runner.processed for d in detectors) == len(done))
    wait_until(no_pull_waiting, timeout=30)
    assert run_async(with_jetstream(lambda js: js.stream_info(PARTITIONED_STREAM))).state.messages == 0
    settings.MOMENT_DETECTOR_PARTITIONS = 3
    out = call_command_output("setup_stream")
    assert "detector partitions: 2 -> 3, from GAME_EVENTS messages stored from" in out
    # Two minutes before the last copy: this test's events are all handed over again (the detectors
    # know their moments are stored), none is skipped.
    assert sorted(seq for _, _, seq, _ in wait_for_copies(len(done))) == done
