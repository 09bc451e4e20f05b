"""A solo run's replay as the API takes it (docs/api.md), and what the server's replay of it says."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from history.models import SOLO_MODES
from solo.inputs import KEYS
from solo.verifier import replay_run

ENGINES = ("guideline-1",)
MAX_INPUTS = 200_000
MAX_RUN_MS = 2 * 60 * 60 * 1000
_KEYS = frozenset(KEYS)
_DIRECTIONS = frozenset(("down", "up"))
# The posted figures, each as the replay's result names it.
FIGURES = {
    "score": "score",
    "lines_cleared": "lines_cleared",
    "level": "level",
    "pieces_placed": "pieces_placed",
    "duration_ms": "duration_ms",
}


@extend_schema_field(
    {
        "type": "array",
        "maxItems": MAX_INPUTS,
        "items": {
            "type": "array",
            "minItems": 3,
            "maxItems": 3,
            "items": {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string"}]},
        },
    }
)
class InputsField(serializers.Field):
    """[[t_ms, "down" | "up", key], ...], t whole ms of game time, never decreasing. Checked in one pass:
    DRF's nested fields would build 200,000 field instances' worth of work."""

    default_error_messages = {
        "type": 'A list of [t_ms, "down" | "up", key] inputs is required.',
        "too_many": f"At most {MAX_INPUTS:,} inputs.",
        "item": "Input {index}: {problem}",
    }

    def to_internal_value(self, data: object) -> list[list]:
        if not isinstance(data, list):
            self.fail("type")
        if len(data) > MAX_INPUTS:
            self.fail("too_many")
        last = 0
        for index, item in enumerate(data):
            problem = _input_problem(item, last)
            if problem:
                self.fail("item", index=index, problem=problem)
            last = item[0]
        return data

    def to_representation(self, value: list[list]) -> list[list]:
        return value


def _input_problem(item: object, last: int) -> str | None:
    if not isinstance(item, list) or len(item) != 3:
        return 'give [t_ms, "down" | "up", key].'
    t, direction, key = item
    if type(t) is not int or t < last:
        return f"t_ms must be a whole number of ms, not before the input before ({last})."
    if t > MAX_RUN_MS:
        return f"t_ms {t:,} is past the limit of 2 hours of play ({MAX_RUN_MS:,} ms)."
    if not isinstance(direction, str) or direction not in _DIRECTIONS:
        return 'the direction is "down" or "up".'
    if not isinstance(key, str) or key not in _KEYS:
        return f"unknown key {key!r}; one of {', '.join(KEYS)}."
    return None


class RunSettingsSerializer(serializers.Serializer):
    das_ms = serializers.IntegerField(min_value=0, max_value=1000)
    arr_ms = serializers.IntegerField(min_value=0, max_value=1000)
    soft_drop_factor = serializers.IntegerField(min_value=1, max_value=100)


def _flat(detail: object, prefix: str = "") -> list[str]:
    """Nested field errors as "field: message" strings: every 400 of the API is {field: [strings]}."""
    if isinstance(detail, dict):
        return [line for key, value in detail.items() for line in _flat(value, f"{prefix}{key}.")]
    if isinstance(detail, list):
        return [line for value in detail for line in _flat(value, prefix)]
    return [f"{prefix[:-1]}: {detail}" if prefix else str(detail)]


class ReplayInputSerializer(serializers.Serializer):
    engine = serializers.CharField(help_text=f"The rules' version; known: {', '.join(ENGINES)}.")
    mode = serializers.ChoiceField(choices=SOLO_MODES)
    seed = serializers.IntegerField(min_value=0, max_value=2**32 - 1)
    settings = RunSettingsSerializer()
    inputs = InputsField(help_text=f'[[t_ms, "down" | "up", key], ...], at most {MAX_INPUTS:,}.')

    def run_validation(self, data: object = serializers.empty) -> dict:
        try:
            return super().run_validation(data)
        except serializers.ValidationError as error:
            if self.parent is None:  # the root keeps DRF's {field: [...]}
                raise
            raise serializers.ValidationError(_flat(error.detail)) from error

    def validate_engine(self, value: str) -> str:
        if value not in ENGINES:
            raise serializers.ValidationError(f"Unknown engine {value!r}; this server replays {', '.join(ENGINES)}.")
        return value


def replay_errors(replay: dict[str, Any], posted: dict[str, Any]) -> tuple[dict[str, Any] | None, dict[str, list[str]]]:
    """The server's replay of ``replay`` and the errors of the posted figures that differ from it."""
    result = replay_run(replay)["result"]
    if result["ended"] == "unfinished":
        return None, {"replay": ["The run does not end within 2 hours of play."]}
    if result["inputs_after_end"]:
        after = f"{result['inputs_after_end']:,} inputs after the game ended at {result['duration_ms']:,} ms."
        return None, {"replay": [after]}
    errors = {
        field: [f"the replay ends at {result[name]:,}, not {posted[field]:,}"]
        for field, name in FIGURES.items()
        if result[name] != posted[field]
    }
    return result, errors
