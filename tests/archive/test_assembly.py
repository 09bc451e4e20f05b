"""archive.assembly: a match collected from consumed events, used only when it is certainly the stream's."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from archive.assembly import MatchAssembler

STARTED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def payload(n: int) -> bytes:
    return json.dumps({"tick": n, "type": "input", "player_id": "p", "data": {}}).encode()


def assembled(deliveries, *, index: int | None = 3):
    """Feed a game_start (seq 10), the given (seq, in_order) events, and a game_end numbered ``index``."""
    assembler = MatchAssembler()
    assembler.start("r", STARTED, 10, payload(0), in_order=True)
    for seq, in_order in deliveries:
        assembler.add("r", seq, payload(seq), in_order=in_order)
    assembler.end("r", STARTED, 40, payload(40), in_order=True, index=index)
    return assembler.take("r", STARTED)


def test_a_match_delivered_once_in_order_is_assembled_with_its_last_sequence():
    match = assembled([(20, True), (30, True)])
    assert match is not None
    assert [event["tick"] for event in match.events] == [0, 20, 30, 40]
    assert match.last_event_seq == 40


def test_a_redelivered_or_overtaking_event_makes_the_match_read_back():
    assert assembled([(20, True), (30, False)]) is None
    assert assembled([(30, True), (20, True)]) is None  # out of stream order


def test_a_count_other_than_the_game_ends_msg_id_makes_the_match_read_back():
    assert assembled([(20, True)]) is None  # one event went elsewhere (a second archiver)
    assert assembled([(20, True), (30, True)], index=None) is None  # no Msg-Id to count by


def test_a_match_is_taken_once_and_a_new_game_start_drops_an_unfinished_one():
    assembler = MatchAssembler()
    assembler.start("r", STARTED, 1, payload(0), in_order=True)
    later = datetime(2026, 11, 1, 12, 5, tzinfo=UTC)
    assembler.start("r", later, 5, payload(0), in_order=True)
    assembler.end("r", STARTED, 6, payload(6), in_order=True, index=1)  # the first match's game_end, late
    assert assembler.take("r", STARTED) is None
    assembler.end("r", later, 7, payload(7), in_order=True, index=1)
    assert assembler.take("r", later) is not None
    assert assembler.take("r", later) is None
