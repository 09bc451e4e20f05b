"""A run's inputs stored compactly (docs/api.md): each input as the ms since the one before (a
varint) and one byte for its key and direction, the whole deflated. About 2 KB a minute of play, where
the inputs as JSON are ten times that. Pure."""

from __future__ import annotations

import zlib

KEYS = ("left", "right", "soft_drop", "hard_drop", "rotate_cw", "rotate_ccw", "rotate_180", "hold")
_KEY_INDEX = {key: index for index, key in enumerate(KEYS)}
DIRECTIONS = ("up", "down")

Input = tuple[int, str, str]


def inputs_encode(inputs: list[list]) -> bytes:
    """``inputs`` ([t_ms, "down" | "up", key], t non-decreasing) as compressed bytes."""
    out = bytearray()
    last = 0
    for t, direction, key in inputs:
        delta = t - last
        last = t
        while delta >= 0x80:
            out.append((delta & 0x7F) | 0x80)
            delta >>= 7
        out.append(delta)
        out.append(_KEY_INDEX[key] * 2 + (direction == "down"))
    return zlib.compress(bytes(out), 9)


def inputs_decode(data: bytes) -> list[list]:
    raw = zlib.decompress(data)
    inputs: list[list] = []
    t = i = 0
    while i < len(raw):
        delta = shift = 0
        while True:
            byte = raw[i]
            i += 1
            delta |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        t += delta
        code = raw[i]
        i += 1
        inputs.append([t, DIRECTIONS[code & 1], KEYS[code >> 1]])
    return inputs
