"""`python -m bench.pprof PROFILE [FUNCTION]`: the hottest functions of a Go CPU profile (nats-server's
/debug/pprof/profile, BENCH_NATS_MONITOR), flat and cumulative, optionally only the samples whose stack
passes through FUNCTION (a substring). A reader of pprof's gzipped protobuf (profile.proto) without the
Go toolchain: the fields it needs, decoded by hand."""

from __future__ import annotations

import gzip
import sys
from collections import Counter
from collections.abc import Iterator


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def _fields(data: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """(field number, wire type, value) of one protobuf message."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if wire == 0:
            value, at = _varint(data, at)
        elif wire == 2:
            size, at = _varint(data, at)
            value, at = data[at : at + size], at + size
        elif wire == 1:
            value, at = data[at : at + 8], at + 8
        elif wire == 5:
            value, at = data[at : at + 4], at + 4
        else:
            raise ValueError(f"wire type {wire} at {at}")
        yield number, wire, value


def _integers(wire: int, value: int | bytes) -> list[int]:
    """A repeated integer field's values: one, or a packed run."""
    if isinstance(value, int):
        return [value]
    found, at = [], 0
    while at < len(value):
        item, at = _varint(value, at)
        found.append(item)
    return found


def stacks(path: str) -> Iterator[tuple[list[str], int]]:
    """Each sample's function names, leaf first, and its CPU nanoseconds (the last value)."""
    data = gzip.decompress(open(path, "rb").read())  # noqa: SIM115 (read whole, once)
    strings: list[str] = []
    samples: list[tuple[list[int], list[int]]] = []
    locations: dict[int, list[int]] = {}  # location id -> function ids, innermost first
    functions: dict[int, int] = {}  # function id -> name's string index
    for number, _wire, value in _fields(data):
        if number == 6 and isinstance(value, bytes):
            strings.append(value.decode())
        elif number == 2 and isinstance(value, bytes):
            ids: list[int] = []
            values: list[int] = []
            for inner, inner_wire, item in _fields(value):
                if inner == 1:
                    ids += _integers(inner_wire, item)
                elif inner == 2:
                    values += _integers(inner_wire, item)
            samples.append((ids, values))
        elif number == 4 and isinstance(value, bytes):
            location, lines = 0, []
            for inner, _, item in _fields(value):
                if inner == 1 and isinstance(item, int):
                    location = item
                elif inner == 4 and isinstance(item, bytes):
                    lines += [line for field, _, line in _fields(item) if field == 1 and isinstance(line, int)]
            locations[location] = lines
        elif number == 5 and isinstance(value, bytes):
            entry = {field: item for field, _, item in _fields(value) if isinstance(item, int)}
            functions[entry.get(1, 0)] = entry.get(2, 0)
    for ids, values in samples:
        yield [strings[functions[function]] for location in ids for function in locations[location]], values[-1]


def report(path: str, through: str | None = None, top: int = 25) -> None:
    flat: Counter[str] = Counter()
    cumulative: Counter[str] = Counter()
    total = 0
    for names, nanoseconds in stacks(path):
        if through and not any(through in name for name in names):
            continue
        total += nanoseconds
        flat[names[0]] += nanoseconds
        for name in set(names):
            cumulative[name] += nanoseconds
    print(f"{path}: {total / 1e9:.2f} s of CPU" + (f" through {through}" if through else ""))
    for title, counts in (("flat", flat), ("cumulative", cumulative)):
        print(f"-- {title}")
        for name, nanoseconds in counts.most_common(top):
            print(f"{nanoseconds / 1e9:8.3f} s {nanoseconds / max(total, 1):6.1%}  {name}")


if __name__ == "__main__":
    report(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
