"""archive.assembly: a match collected from consumed events, used only when it is certainly the stream's."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.assembly import MatchAssembler, _decode

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


def loads_reference(payload: bytes):
    """What the archiver decoded before its fast path: json.loads, objects only."""
    try:
        value = json.loads(payload)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


@pytest.mark.parametrize(
    "payload",
    [
        rb'{"tick":1,"data":{"name":"J\u00fcrgen \ud83d\ude00","s":"\\\"\n"}}',
        '{"name":"Jürgen","x":[1,2.5,-3e2,true,null]}'.encode(),
        b'{ "spaced" : 1 , "inner" : { } }',
        b' {"leading":1}',
        b'{"trailing":1} ',
        b'{"a":1}{"b":2}',  # extra data
        b'{"a":1},{"b":2}',
        b'{"a":1}}',
        b'{"dup":1,"dup":2}',
        b'{"nan":NaN,"inf":-Infinity}',
        b'{"big":123456789012345678901234567890}',
        rb'{"lone":"\ud800"}',
        b'{"raw surrogate":"\xed\xa0\x80"}',  # UTF-8 of a lone surrogate: json.loads passes it
        b'{"bad utf-8":"\xff"}',
        b'{"control":"\x01"}',
        b"{\x00}",
        "\ufeff{}".encode(),  # a BOM
        '{"utf16":1}'.encode("utf-16-le"),
        b"[1,2]",
        b'"text"',
        b"{",
        b"{}",
        b"",
    ],
)
def test_the_fast_decode_reads_every_payload_as_json_loads_does(payload):
    expected = loads_reference(payload)
    decoded = _decode(payload)
    assert (decoded is None) == (expected is None)
    if expected is not None:  # NaN is not equal to itself: compare the JSON the document would hold
        assert json.dumps(decoded, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=12,
)


events = st.dictionaries(st.text(max_size=6), json_values, max_size=4)


@given(events, st.booleans(), st.sampled_from([None, (",", ":")]))
def test_any_object_is_decoded_as_json_loads_decodes_it(event, ascii_only, separators):
    payload = json.dumps(event, ensure_ascii=ascii_only, separators=separators).encode("utf-8", "surrogatepass")
    decoded = _decode(payload)
    assert decoded == loads_reference(payload)
