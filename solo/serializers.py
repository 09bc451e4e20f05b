from datetime import UTC, datetime, timedelta

from django.utils import timezone
from rest_framework import serializers

from history.dates import DATE_RANGE_RULE, date_range_error
from solo.replay import ReplayInputSerializer, replay_errors

INT32_MAX = 2**31 - 1
# Clients' clocks drift; an ended_at a little ahead of ours is a drift, further ahead is a mistake.
MAX_CLOCK_SKEW = timedelta(minutes=1)


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


# A piece fills 4 cells and a line takes 10; no player places more than 30 pieces a second; a piece
# scores at most 100 (drops) and a line at most 2000 per level (a back-to-back T-spin triple's share).
MAX_PIECES_PER_SECOND = 30
MAX_SCORE_PER_PIECE = 100
MAX_SCORE_PER_LINE_AND_LEVEL = 2000


def impossible_result_errors(
    *, score: int, lines_cleared: int, level: int, pieces_placed: int, duration_ms: int
) -> dict[str, list[str]]:
    """Field errors for each rule of docs/api.md the result breaks; empty when a game could produce it."""
    errors: dict[str, list[str]] = {}
    if 10 * lines_cleared > 4 * pieces_placed:
        errors["lines_cleared"] = [
            f"More lines than the pieces can fill: {lines_cleared} lines need at least "
            f"{-(-10 * lines_cleared // 4)} pieces (10 x lines_cleared <= 4 x pieces_placed), got {pieces_placed}."
        ]
    if pieces_placed * 1000 > MAX_PIECES_PER_SECOND * duration_ms:
        errors["pieces_placed"] = [
            f"More than {MAX_PIECES_PER_SECOND} pieces a second: {pieces_placed} pieces in {duration_ms} ms "
            f"(pieces_placed <= 30 x duration_ms / 1000)."
        ]
    limit = MAX_SCORE_PER_PIECE * pieces_placed + MAX_SCORE_PER_LINE_AND_LEVEL * level * lines_cleared
    if score > limit:
        errors["score"] = [
            f"A score over what these pieces and lines can earn: at most {limit} "
            f"(100 x pieces_placed + 2000 x level x lines_cleared), got {score}."
        ]
    return errors


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
        help_text=f"When the game ended, ISO-8601 with a UTC offset, {DATE_RANGE_RULE} (a minute at most); "
        "defaults to the time of the request.",
    )
    replay = ReplayInputSerializer(
        required=False,
        help_text=(
            "The run itself (docs/api.md): the server plays it again and records what it yields; a figure "
            "that differs is refused. Without it the result is recorded unverified and never ranked."
        ),
    )

    def validate(self, attrs: dict) -> dict:
        # docs/api.md, solo results: results no game could produce would top a leaderboard; each error names its rule.
        errors = impossible_result_errors(
            score=attrs["score"],
            lines_cleared=attrs["lines_cleared"],
            level=attrs["level"],
            pieces_placed=attrs["pieces_placed"],
            duration_ms=attrs["duration_ms"],
        )
        if errors:
            raise serializers.ValidationError(errors)
        if "replay" in attrs:
            attrs["replayed"], errors = replay_errors(attrs["replay"], attrs)
            if errors:
                raise serializers.ValidationError(errors)
        return attrs

    def validate_ended_at(self, value: datetime) -> datetime:
        now = timezone.now()
        error = date_range_error(value, now=now)
        if error is not None:
            raise serializers.ValidationError(error)
        # Stricter than the range every date keeps: a result from the future would top "today" early.
        if value > now + MAX_CLOCK_SKEW:
            raise serializers.ValidationError("ended_at is in the future; send the time the game ended.")
        return value
