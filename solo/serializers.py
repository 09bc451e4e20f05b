from datetime import UTC, datetime, timedelta

from django.utils import timezone
from rest_framework import serializers

INT32_MAX = 2**31 - 1
# Clients' clocks drift; an ended_at a little ahead of ours is a drift, further ahead is a mistake.
MAX_CLOCK_SKEW = timedelta(minutes=1)
EARLIEST_ENDED_AT = datetime(1970, 1, 1, tzinfo=UTC)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer, nothing else: DRF's IntegerField would take "12", 12.0 and true."""

    default_error_messages = {"invalid": "A JSON integer is required (not a string, a fraction or a boolean)."}

    def to_internal_value(self, data: object) -> int:
        if type(data) is not int:  # bool is a subclass of int; type() keeps it out
            self.fail("invalid")
        return super().to_internal_value(data)


class AwareDateTimeField(serializers.DateTimeField):
    """ISO-8601 date-time with a UTC offset, returned in UTC; a local time without an offset is refused."""

    default_error_messages = {"naive": "Give a UTC offset, e.g. 2025-01-31T18:00:00Z or 2025-01-31T19:00:00+01:00."}

    def enforce_timezone(self, value: datetime) -> datetime:
        if timezone.is_naive(value):
            self.fail("naive")
        try:
            return value.astimezone(UTC)
        except OverflowError:
            self.fail("overflow")


def _counter(help_text: str) -> StrictIntegerField:
    return StrictIntegerField(min_value=0, max_value=INT32_MAX, help_text=help_text)


class SoloResultInputSerializer(serializers.Serializer):
    score = _counter("Final score.")
    lines_cleared = _counter("Lines cleared in the game.")
    level = _counter("Level reached.")
    pieces_placed = _counter("Pieces placed in the game.")
    duration_ms = _counter("Length of the game in milliseconds; the match starts this long before ended_at.")
    ended_at = AwareDateTimeField(
        required=False,
        help_text="When the game ended, ISO-8601 with a UTC offset; defaults to the time of the request.",
    )

    def validate_ended_at(self, value: datetime) -> datetime:
        if value > timezone.now() + MAX_CLOCK_SKEW:
            raise serializers.ValidationError("ended_at is in the future; send the time the game ended.")
        if value < EARLIEST_ENDED_AT:
            raise serializers.ValidationError("ended_at is before 1970; send the time the game ended.")
        return value
