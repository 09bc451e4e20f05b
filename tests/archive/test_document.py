"""The archived document's key and bytes (archive/document.py): pure, no server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.document import decode_document, encode_document, object_key, replay_document, replay_etag

STARTED = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)


def document(events=None, moments=None, last_event_seq=7, last_moment_seq=0):
    return replay_document(
        match_id="1b2c3d4e-0000-4000-8000-000000000001",
        room_id="room-1",
        started_at=STARTED,
        events=events if events is not None else [{"tick": 0, "type": "game_start", "player_id": None, "data": {}}],
        moments=moments or [],
        last_event_seq=last_event_seq,
        last_moment_seq=last_moment_seq,
    )


def test_the_key_is_the_utc_date_of_the_start_and_the_match_id():
    local = STARTED.astimezone(timezone(timedelta(hours=2)))  # 5 March in that zone
    assert object_key(match_id="abc", started_at=local) == "matches/2026/03/04/abc.json.gz"


def test_writing_the_same_document_again_yields_the_same_bytes():
    assert encode_document(document()) == encode_document(document())
    # gzip with no name and mtime 0: nothing of the moment of writing is in the bytes.
    assert encode_document(document())[4:8] == b"\0\0\0\0"


def test_a_document_decodes_to_itself_and_keeps_its_etag():
    original = document(moments=[{"type": "tetris", "data": {"lines": 4, "event_seq": 5}}], last_moment_seq=9)
    decoded = decode_document(encode_document(original))
    assert decoded == original
    assert list(decoded) == list(original)  # the key order the API answers in
    assert replay_etag(decoded) == 'W/"replay-7-9"'


@given(st.lists(st.dictionaries(st.text(max_size=8), st.one_of(st.integers(), st.text(), st.none()), max_size=4)))
def test_any_events_round_trip_byte_for_byte(events):
    encoded = encode_document(document(events=events))
    assert decode_document(encoded)["events"] == events
    assert encode_document(decode_document(encoded)) == encoded


@pytest.mark.parametrize("body", [b"not gzip", encode_document({"no": "events"})[:10], b"\x1f\x8b"])
def test_what_is_not_a_document_is_refused_with_words(body):
    with pytest.raises(ValueError, match="not a"):
        decode_document(body)
