"""JSON for the replay path (docs/operations.md, the archive): event payloads decoded and replay documents
encoded, through orjson, with the standard library's exact answer wherever orjson's would differ.

Pure: bytes in, values out. Every reader of a stored event (the archiver, the stream's replay reads) and
every writer of a replay document (the archived object, the replay API's answer) goes through here, so a
document read from the stream and one read from the archive are the same value and the same bytes.

Why orjson: the archiver decodes every event of every match and encodes every document, a fifth of its
CPU with `json` (py-spy on bench/archive.py's traffic); orjson decoded a 300-event match of that traffic
in 0.15 ms instead of 0.45 (`json`'s C scanner called directly) and encoded its document in 0.03 ms
instead of 0.42. What it reads differently from `json.loads` is routed to `json.loads`: integers past 64 bits
(orjson reads them as floats, losing digits), numbers past a float's range (inf for `json`), lone surrogate
escapes, NaN and Infinity, a BOM, UTF-16/32, and nesting deeper than orjson's limit.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

# 19 digits in a row may be an integer orjson reads as a float (past int64's 9,223,372,036,854,775,807):
# such payloads are decoded by `json` (they are rare: no event field holds such a number). Found by
# turning every digit into 0 and looking for 19 zeros: four times cheaper than the regular expression
# \d{19}, which cost as much as orjson's decoding.
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NINETEEN_DIGITS = b"0" * 19


def _may_hold_wide_integer(data: bytes) -> bool:
    return _NINETEEN_DIGITS in data.translate(_DIGITS_TO_ZERO)


def loads(data: bytes, *, checked: bool = False) -> Any:
    """The value of ``data`` exactly as ``json.loads`` reads it; ValueError when it is not JSON.
    ``checked``: the caller found no 19 digits in a row in it."""
    if checked or not _may_hold_wide_integer(data):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # invalid JSON, or JSON that only the standard library reads: it decides
    return json.loads(data)


def payload_object(data: bytes, *, checked: bool = False) -> dict[str, Any] | None:
    """The JSON object a stored payload holds; None when it holds anything else (readers skip those)."""
    try:
        value = loads(data, checked=checked)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def payload_objects(payloads: list[bytes]) -> list[dict[str, Any] | None]:
    """``payload_object`` of each, the digits looked for once in them all (a match's events at once)."""
    checked = not _may_hold_wide_integer(b"\n".join(payloads))
    if checked:  # orjson's reading is json's for them all: each decoded by orjson at once, unless one fails
        try:
            values = list(map(orjson.loads, payloads))
        except orjson.JSONDecodeError:
            pass  # one that only `json` reads (or nothing does): each decides on its own, below
        else:
            return [value if type(value) is dict else None for value in values]
    return [payload_object(data, checked=checked) for data in payloads]


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, the same bytes for the same value every time (the replay API's answer and the
    archived document alike). A non-finite float is written as null (JSON has no NaN). What orjson cannot
    write (integers past 64 bits, lone surrogates) is written by `json`, non-finite floats as null there too,
    and a lone surrogate as its escape (it has no UTF-8)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        finite = _non_finite_as_null(value)
    try:
        return json.dumps(finite, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    except UnicodeEncodeError:
        return json.dumps(finite, separators=(",", ":"), allow_nan=False).encode()


def _non_finite_as_null(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _non_finite_as_null(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_non_finite_as_null(item) for item in value]
    return value
