"""The API's one JSON parser (docs/api.md): a body the limits refuse never reaches `json`.

Python's decoder is recursive: 3,000 `[` raises RecursionError, which DRF's parser does not catch (a
500 and a traceback for a 6 KB request anyone can send). The nesting is measured here first, without
recursion and without decoding, and a body deeper than MAX_JSON_DEPTH is a 400; a body longer than
DATA_UPLOAD_MAX_MEMORY_SIZE (a chunked one, say, which names no Content-Length for the error
middleware to refuse up front) is a 413. A view may raise that limit for itself with a `body_limit`
attribute, in bytes (POST /api/solo_results takes a run's inputs, up to 8 MB: docs/api.md).
"""

from __future__ import annotations

import io
import re
from itertools import accumulate
from typing import IO, Any

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 64

# A JSON string, its escapes included; one left open runs to the end (the decoder refuses it later).
# Possessive, and always matching at a quote: linear on any input, however hostile.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_DEPTH_STEP = [0] * 256
_DEPTH_STEP[ord("[")] = _DEPTH_STEP[ord("{")] = 1
_DEPTH_STEP[ord("]")] = _DEPTH_STEP[ord("}")] = -1


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


def body_too_large_detail(limit: int) -> str:
    return f"The request body is larger than {limit:,} bytes."


def body_limit(view: object | None) -> int | None:
    """The body limit of ``view`` (a view class or instance): its own ``body_limit``, else the general one."""
    return getattr(view, "body_limit", None) or settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def nested_deeper_than(body: bytes, limit: int) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than `limit`, brackets inside strings
    left out. Malformed text gets an answer too; the decoder refuses it afterwards."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False  # the common case, with no scan at all
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    # C-level loops only (map, accumulate, max): a 2.5 MB body of brackets takes milliseconds.
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > limit


class BoundedJSONParser(JSONParser):
    """DRF's JSONParser behind a size and a nesting limit."""

    def parse(self, stream: IO[bytes] | None, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = body_limit((parser_context or {}).get("view"))
        body = stream.read(-1 if limit is None else limit + 1) if stream is not None else b""
        if limit is not None and len(body) > limit:
            raise BodyTooLarge(body_too_large_detail(limit))
        if nested_deeper_than(body, MAX_JSON_DEPTH):
            raise ParseError(f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels.")
        return super().parse(io.BytesIO(body), media_type, parser_context)
