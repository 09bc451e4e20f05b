"""contract.json_bytes: payloads read exactly as json.loads reads them, and documents written the same way
every time, whichever side (the stream or the archive) they were read from."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contract.json_bytes import dumps, loads, payload_object, payload_objects


def loads_reference(payload: bytes):
    """What every reader decoded before orjson: json.loads, objects only."""
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


PAYLOADS = [
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
    b'{"past uint64":18446744073709551616,"past int64":-9223372036854775809}',  # orjson: floats
    b'{"uint64":18446744073709551615,"int64":-9223372036854775808}',
    b'{"digits in a string":"12345678901234567890"}',
    b'{"past a float":1e400,"and below":-1e400,"tiny":1e-400}',  # orjson refuses inf
    b'{"deep":' + b"[" * 2000 + b"]" * 2000 + b"}",  # past orjson's nesting limit, and json's recursion
    b'{"deep enough":' + b"[" * 500 + b"]" * 500 + b"}",
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
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_payload_is_read_as_json_loads_reads_it(payload):
    expected = loads_reference(payload)
    decoded = payload_object(payload)
    assert (decoded is None) == (expected is None)
    if expected is not None:  # NaN is not equal to itself: compare the JSON the document would hold
        assert json.dumps(decoded, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


def test_a_match_read_at_once_is_read_as_each_of_its_payloads_alone():
    """The archiver reads a match's events at once (the digits looked for once): the same values."""
    ordinary = [b'{"tick":1}', b'{"tick":2,"data":{"score":123456789012345678}}']  # 18 digits: orjson's
    # All read by orjson at once (non-objects among them: None), then with payloads only `json` reads.
    for payloads in (ordinary, [*ordinary, b"[1,2]", b'"text"', b"7"], [*ordinary, *PAYLOADS]):
        together = [json.dumps(value) for value in payload_objects(payloads)]
        assert together == [json.dumps(loads_reference(payload)) for payload in payloads]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=12,
)


events = st.dictionaries(st.text(max_size=6), json_values, max_size=4)


@given(events, st.booleans(), st.sampled_from([None, (",", ":")]))
def test_any_object_is_decoded_as_json_loads_decodes_it(event, ascii_only, separators):
    payload = json.dumps(event, ensure_ascii=ascii_only, separators=separators).encode("utf-8", "surrogatepass")
    decoded = payload_object(payload)
    assert decoded == loads_reference(payload)


@given(events)
def test_a_document_written_then_read_then_written_again_is_the_same_bytes(event):
    """The archive holds dumps(document) and the API answers dumps(loads(that)): the same bytes."""
    written = dumps({"events": [event]})
    assert dumps(loads(written)) == written
    assert loads(written) == json.loads(written)


finite_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=6), finite_values, max_size=4))
def test_what_is_written_is_what_json_writes_but_for_float_spelling(event):
    """The same JSON value as the standard library's compact UTF-8 (the API's answer before orjson)."""
    assert json.loads(dumps(event)) == json.loads(json.dumps(event, ensure_ascii=False, separators=(",", ":")))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"wide": 2**70}, b'{"wide":1180591620717411303424}'),  # orjson refuses: json writes it
        ({"nan": float("nan"), "inf": float("inf")}, b'{"nan":null,"inf":null}'),  # JSON has neither
        ({"wide": [2**70, float("-inf"), 1e-05]}, b'{"wide":[1180591620717411303424,null,1e-05]}'),  # json's way
        ({"lone": "\ud800", "name": "J\u00fcrgen"}, b'{"lone":"\\ud800","name":"J\\u00fcrgen"}'),  # no UTF-8
        ({"name": "J\u00fcrgen \U0001f600"}, '{"name":"J\u00fcrgen \U0001f600"}'.encode()),
    ],
)
def test_values_orjson_cannot_write_as_json_are_written_all_the_same(value, expected):
    assert dumps(value) == expected
