"""The building blocks of the event definitions: value specs, fields and rules.

Each spec checks a value (raising InvalidEvent with the field's path) and describes itself as JSON
Schema. A few rules relate two fields (`count` and the length of `rows`, `ended_at` after
`started_at`, unique player ids, a placement within the player count); they are `Rule`s, checked by
the validator in their place and listed under the schema's `x-rules`, since JSON Schema cannot say
all of them (`contract.definitions` holds the definitions). Pure: no Django, no NATS.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from contract import vocabulary

INT32_MAX = 2**31 - 1
TICK_MAX = 2**63 - 1
PLAYER_ID_MAX_LENGTH = 128
BOARD_WIDTH = vocabulary.BOARD_WIDTH
BOARD_MAX_ROWS = 100

# RFC 3339's date-time with its time zone (docs/contract.md: "ISO-8601 UTC"); fromisoformat then checks the
# calendar. Stricter than fromisoformat alone, which takes week dates and basic formats no other
# language's JSON library writes.
TIMESTAMP_PATTERN = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$"
_TIMESTAMP = re.compile(TIMESTAMP_PATTERN)


class InvalidEvent(ValueError):
    """An event that can never be processed; ``field`` names the first bad field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def describe(value: object) -> str:
    """A value as an error message shows it: its type and the start of its text."""
    if value is None:
        return "null or nothing"
    text = repr(value)
    return f"{type(value).__name__} {text[:40]}"


# --- value specs ---------------------------------------------------------------------------------


class Spec:
    """One kind of value: `check` raises InvalidEvent at ``path``; `schema` is its JSON Schema."""

    def check(self, value: Any, path: str) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def fast(self, var: str, name: str, namespace: dict[str, Any]) -> str | None:
        """A Python expression over ``var``, true when the value passes (see `compile_fields`); None: call check."""
        return None


@dataclass(frozen=True, slots=True)
class Int(Spec):
    low: int = 0
    high: int = INT32_MAX
    # Replaces both messages, for list items that say what they are; `{value!r}` shows the value.
    problem: str | None = None

    def check(self, value: Any, path: str) -> int:
        if type(value) is not int:
            raise InvalidEvent(path, self._problem(value) or f"must be an integer, got {describe(value)}")
        if not self.low <= value <= self.high:
            raise InvalidEvent(path, self._problem(value) or f"must be between {self.low} and {self.high}, got {value}")
        return value

    def fast(self, var: str, name: str, namespace: dict[str, Any]) -> str:
        return f"(type({var}) is int and {self.low} <= {var} <= {self.high})"

    def _problem(self, value: Any) -> str | None:
        return None if self.problem is None else self.problem.format(value=value)

    def schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.low, "maximum": self.high}


@dataclass(frozen=True, slots=True)
class Str(Spec):
    """A non-empty string, optionally one of ``choices`` or at most ``max_length`` characters."""

    choices: frozenset[str] | None = None
    max_length: int | None = None

    def check(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value:
            raise InvalidEvent(path, f"must be a non-empty string, got {describe(value)}")
        if self.choices is not None and value not in self.choices:
            raise InvalidEvent(path, f"must be one of {sorted(self.choices)}, got {value!r}")
        if self.max_length is not None and len(value) > self.max_length:
            raise InvalidEvent(path, f"must be at most {self.max_length} characters")
        return value

    def schema(self) -> dict[str, Any]:
        if self.choices is not None:
            return {"type": "string", "enum": sorted(self.choices)}
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        return schema

    def fast(self, var: str, name: str, namespace: dict[str, Any]) -> str:
        if self.choices is not None:
            namespace[f"{name}_choices"] = self.choices
            return f"({var}.__class__ is str and {var} in {name}_choices)"
        return f"({var}.__class__ is str and 0 < len({var}) <= {self.max_length or 2**63})"


@dataclass(frozen=True, slots=True)
class NullableText(Spec):
    """A string of 1..max_length characters, or null."""

    max_length: int = 128

    def check(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not value or len(value) > self.max_length:
            raise InvalidEvent(
                path, f"must be a string of 1-{self.max_length} characters or null, got {describe(value)}"
            )
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": ["string", "null"], "minLength": 1, "maxLength": self.max_length}

    def fast(self, var: str, name: str, namespace: dict[str, Any]) -> str:
        return f"({var} is None or ({var}.__class__ is str and 0 < len({var}) <= {self.max_length}))"


@dataclass(frozen=True, slots=True)
class Bool(Spec):
    def check(self, value: Any, path: str) -> bool:
        if type(value) is not bool:
            raise InvalidEvent(path, f"must be true or false, got {describe(value)}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}

    def fast(self, var: str, name: str, namespace: dict[str, Any]) -> str:
        return f"(type({var}) is bool)"


@dataclass(frozen=True, slots=True)
class AnyObject(Spec):
    def check(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise InvalidEvent(path, f"must be an object, got {describe(value)}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "object"}

    def fast(self, var: str, name: str, namespace: dict[str, Any]) -> str:
        return f"isinstance({var}, dict)"


@dataclass(frozen=True, slots=True)
class Timestamp(Spec):
    def check(self, value: Any, path: str) -> datetime:
        return parse_timestamp(value, path)

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN}


@dataclass(frozen=True, slots=True)
class BoardRow(Spec):
    def check(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or len(value) != BOARD_WIDTH:
            raise InvalidEvent(path, f"must be a string of 10 characters, got {value!r:.40}")
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": BOARD_WIDTH, "maxLength": BOARD_WIDTH}

    def fast(self, var: str, name: str, namespace: dict[str, Any]) -> str:
        return f"({var}.__class__ is str and len({var}) == {BOARD_WIDTH})"


@dataclass(frozen=True, slots=True)
class Cell(Spec):
    """One `[x, y]` board cell: 0 <= x < 10, 0 <= y < 100."""

    def check(self, value: Any, path: str) -> list[int]:
        if (
            not isinstance(value, list)
            or len(value) != 2
            or type(value[0]) is not int
            or type(value[1]) is not int
            or not 0 <= value[0] < BOARD_WIDTH
            or not 0 <= value[1] < BOARD_MAX_ROWS
        ):
            raise InvalidEvent(path, f"must be [x, y] with 0 <= x < 10, 0 <= y, got {value!r}")
        return value

    def schema(self) -> dict[str, Any]:
        return {
            "type": "array",
            "prefixItems": [
                {"type": "integer", "minimum": 0, "maximum": BOARD_WIDTH - 1},
                {"type": "integer", "minimum": 0, "maximum": BOARD_MAX_ROWS - 1},
            ],
            "minItems": 2,
            "maxItems": 2,
        }

    def fast(self, var: str, name: str, namespace: dict[str, Any]) -> str:
        return (
            f"({var}.__class__ is list and len({var}) == 2 and type({var}[0]) is int and type({var}[1]) is int"
            f" and 0 <= {var}[0] < {BOARD_WIDTH} and 0 <= {var}[1] < {BOARD_MAX_ROWS})"
        )


@dataclass(frozen=True, slots=True)
class Object(Spec):
    """An object with the given fields (other keys are allowed and ignored)."""

    fields: tuple[Field | Rule, ...]

    def check(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise InvalidEvent(path, f"must be an object, got {describe(value)}")
        check_fields(self.fields, value, f"{path}.")
        return value

    def schema(self) -> dict[str, Any]:
        return fields_schema(self.fields)


@dataclass(frozen=True, slots=True)
class List(Spec):
    """A list of ``item``s, ``min_items`` to ``max_items`` long; ``unique`` names a key items must not repeat."""

    item: Spec
    min_items: int = 0
    max_items: int | None = None
    too_many: str = "item(s)"  # the noun of the message for a list too long
    unique: str | None = None

    def check(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise InvalidEvent(path, f"must be a list, got {describe(value)}")
        if len(value) < self.min_items:
            raise InvalidEvent(path, f"must hold at least {self.min_items} item(s)")
        if self.max_items is not None and len(value) > self.max_items:
            if self.min_items == self.max_items:
                raise InvalidEvent(path, f"must hold exactly {self.max_items} {self.too_many}, got {len(value)}")
            raise InvalidEvent(path, f"must hold at most {self.max_items} {self.too_many}")
        item = self.item
        seen: set[str] = set()
        for index, element in enumerate(value):
            item.check(element, f"{path}[{index}]")
            if self.unique is not None:
                key = element[self.unique]
                if key in seen:
                    raise InvalidEvent(f"{path}[{index}].{self.unique}", f"{key!r} appears twice")
                seen.add(key)
        return value

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.schema(), "minItems": self.min_items}
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        return schema

    def fast(self, var: str, name: str, namespace: dict[str, Any]) -> str | None:
        item = self.item.fast(f"{name}_x", f"{name}_item", namespace)
        if item is None or self.unique is not None:
            return None
        high = self.max_items if self.max_items is not None else 2**63
        return (
            f"({var}.__class__ is list and {self.min_items} <= len({var}) <= {high}"
            f" and all({item} for {name}_x in {var}))"
        )


# --- fields and rules ----------------------------------------------------------------------------

REQUIRED = "required"  # must be present (absent reads as null, which the spec refuses)
OPTIONAL = "optional"  # may be absent; when present, must pass the spec (null included)
NULLABLE = "nullable"  # may be absent or null


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    spec: Spec
    presence: str = REQUIRED
    description: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """A check over the whole object, run where it stands among the fields.

    ``schema`` is what JSON Schema can say of it (merged into the object's `allOf`), when it can.
    """

    text: str
    check: Callable[[dict[str, Any], str], None] = field(compare=False)
    schema: dict[str, Any] | None = None


def check_fields(fields: tuple[Field | Rule, ...], data: dict[str, Any], path: str) -> None:
    """Check ``data`` against ``fields`` in order; InvalidEvent names the first bad one."""
    compiled = _COMPILED.get(id(fields))
    if compiled is None or compiled[0] is not fields:
        compiled = _COMPILED[id(fields)] = (fields, compile_fields(fields))
    compiled[1](data, path)


_COMPILED: dict[int, tuple[tuple[Field | Rule, ...], Callable[[dict[str, Any], str], None]]] = {}


def compile_fields(fields: tuple[Field | Rule, ...]) -> Callable[[dict[str, Any], str], None]:
    """A function ``check(data, path)`` doing what `check_fields` promises, as fast as hand-written code.

    Every event passes through it, so the fields are turned into one Python function: each spec's
    `fast` expression tests the value inline, and only a value that fails it goes to the spec's own
    `check`, which raises with the message. (Walking the definitions at run time halved throughput.)
    """
    namespace: dict[str, Any] = {}
    lines = ["def check(data, path):"]
    for index, entry in enumerate(fields):
        name = f"f{index}"
        if isinstance(entry, Rule):
            namespace[name] = entry.check
            lines.append(f"    {name}(data, path)")
            continue
        namespace[name] = entry.spec
        key = repr(entry.key)
        slow = f"{name}.check(value, path + {key})"
        body = _check_lines(entry.spec, name, namespace, slow)
        if entry.presence == REQUIRED:
            lines += [f"    value = data.get({key})", *(f"    {line}" for line in body)]
        elif entry.presence == OPTIONAL:
            lines += [f"    if {key} in data:", f"        value = data[{key}]", *(f"        {line}" for line in body)]
        else:
            lines += [
                f"    value = data.get({key})",
                "    if value is not None:",
                *(f"        {line}" for line in body),
            ]
    lines.append("    return None")
    exec(compile("\n".join(lines), "<event definitions>", "exec"), namespace)
    return namespace["check"]


def _check_lines(spec: Spec, name: str, namespace: dict[str, Any], slow: str) -> list[str]:
    """Statements checking ``value``: the fast test, ``slow`` (the spec's own check) when it fails."""
    if isinstance(spec, List) and spec.unique is None:
        # A loop, not all(...) over a generator: lists (the board above all) are on every piece_lock.
        item = spec.item.fast("item", f"{name}_item", namespace)
        if item is not None:
            high = spec.max_items if spec.max_items is not None else 2**63
            return [
                f"if not (value.__class__ is list and {spec.min_items} <= len(value) <= {high}): {slow}",
                "for item in value:",
                f"    if not {item}:",
                f"        {slow}",
                "        break",
            ]
    test = spec.fast("value", name, namespace)
    return [f"if not {test}: {slow}"] if test is not None else [slow]


def fields_schema(fields: tuple[Field | Rule, ...]) -> dict[str, Any]:
    """The JSON Schema of an object with these fields."""
    properties: dict[str, Any] = {}
    required: list[str] = []
    rules: list[str] = []
    all_of: list[dict[str, Any]] = []
    for entry in fields:
        if isinstance(entry, Rule):
            rules.append(entry.text)
            if entry.schema is not None:
                all_of.append(entry.schema)
            continue
        schema = entry.spec.schema()
        if entry.presence == NULLABLE and "null" not in schema.get("type", ()):
            schema = {"anyOf": [schema, {"type": "null"}]}
        if entry.description:
            schema = {"description": entry.description, **schema}
        properties[entry.key] = schema
        if entry.presence == REQUIRED:
            required.append(entry.key)
    schema = {"type": "object", "properties": properties, "required": required}
    if all_of:
        schema["allOf"] = all_of
    if rules:
        schema["x-rules"] = rules
    return schema


def parse_timestamp(value: object, field: str) -> datetime:
    """An ISO-8601 timestamp with a time zone (UTC in events), as an aware datetime."""
    if not isinstance(value, str):
        raise InvalidEvent(field, f"must be an ISO-8601 UTC timestamp, got {describe(value)}")
    if _TIMESTAMP.match(value) is None:
        if _TIMESTAMP_WITHOUT_ZONE.match(value) is not None:
            raise InvalidEvent(field, f"must carry a time zone (UTC), got {value!r}")
        raise InvalidEvent(field, f"must be an ISO-8601 UTC timestamp, got {value!r}")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidEvent(field, f"must be an ISO-8601 UTC timestamp, got {value!r}") from None


_TIMESTAMP_WITHOUT_ZONE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
