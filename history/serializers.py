"""Input and output shapes of the history API (docs/api.md)."""

import re
from datetime import UTC, datetime

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from history.dates import DATE_RANGE_RULE, date_range_error
from history.models import SOLO_MODES, Match
from history.selectors import MatchRow

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class QueryIntegerField(serializers.IntegerField):
    """An integer written in a query string: digits only, so "1.0", "1e2" and " 1" are refused."""

    def to_internal_value(self, data: object) -> int:
        if not isinstance(data, str) or not re.fullmatch(r"-?[0-9]{1,12}", data):
            self.fail("invalid")
        return super().to_internal_value(data)


# oneOf, so that a generated client (and a schema-driven fuzzer) knows both forms are taken.
@extend_schema_field(
    {
        "oneOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}],
        "description": f"ISO-8601 date (midnight UTC) or date-time, {DATE_RANGE_RULE}",
        "example": "2025-01-31",
    }
)
class DateOrDateTimeField(serializers.Field):
    """ISO-8601 date or date-time; a date means midnight UTC, and so does a time without an offset.
    Only dates in history/dates.py's range are taken."""

    default_error_messages = {
        "invalid": (
            "Give an ISO-8601 date (2025-01-31) or date-time (2025-01-31T18:00:00Z). "
            "In a URL, write a '+' of a UTC offset as %2B."
        ),
    }

    def to_internal_value(self, data: object) -> datetime:
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            # Python 3.11's parser takes every ISO-8601 form, dates included (as midnight).
            value = datetime.fromisoformat(data.strip())
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        except (ValueError, OverflowError):
            self.fail("invalid")
        error = date_range_error(value, now=timezone.now())
        if error is not None:
            raise serializers.ValidationError(error)
        return value

    def to_representation(self, value: datetime) -> str:
        return value.isoformat()


class MatchListInputSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=Match.Mode.choices, required=False)
    since = DateOrDateTimeField(required=False, help_text="Matches started at or after this instant.")
    until = DateOrDateTimeField(required=False, help_text="Matches started before this instant.")
    page_size = QueryIntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE)

    def validate(self, attrs: dict) -> dict:
        since, until = attrs.get("since"), attrs.get("until")
        if since is not None and until is not None and since > until:
            raise serializers.ValidationError({"until": ["'until' must not be earlier than 'since'."]})
        return attrs


class MatchPlayerOutputSerializer(serializers.Serializer):
    """One player of a match, as history.selectors reads it (docs/api.md)."""

    user_id = serializers.UUIDField(allow_null=True, help_text="Null for a guest, or a user deleted since.")
    username = serializers.CharField(allow_null=True, help_text="Null for a guest, or a user deleted since.")
    player_id = serializers.CharField()
    placement = serializers.IntegerField()
    score = serializers.IntegerField()
    lines_cleared = serializers.IntegerField()
    garbage_sent = serializers.IntegerField()
    garbage_received = serializers.IntegerField()
    pieces_placed = serializers.IntegerField()
    duration_ms = serializers.IntegerField()
    level = serializers.IntegerField(allow_null=True, help_text="Solo matches only.")
    pps = serializers.FloatField(
        allow_null=True, help_text="Pieces per second, 2 decimals; null when duration_ms is 0."
    )
    apm = serializers.FloatField(
        allow_null=True, help_text="Garbage rows sent per minute, 1 decimal; null when duration_ms is 0."
    )


class MatchOutputSerializer(serializers.Serializer):
    """A match with its players (docs/api.md), from a history.selectors MatchRow."""

    id = serializers.UUIDField()
    game_type = serializers.CharField()
    room_id = serializers.CharField(allow_null=True, help_text="Null for a solo match.")
    mode = serializers.ChoiceField(choices=Match.Mode.choices)
    player_count = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    tournament_id = serializers.CharField(allow_null=True)
    solo_mode = serializers.ChoiceField(choices=SOLO_MODES, allow_null=True, help_text="Solo matches: the mode played.")
    verified = serializers.BooleanField(
        allow_null=True,
        help_text="Solo matches: true when the server replayed the run's inputs; only verified runs are ranked.",
    )
    players = MatchPlayerOutputSerializer(many=True, help_text="Ordered by placement.")

    def to_representation(self, match: MatchRow) -> dict:
        # Built by hand: DRF's field-by-field path was a third of a history page's time. The fields
        # above document the same shape, and a test holds both to the same output.
        return {
            "id": str(match.id),
            "game_type": match.game_type,
            "room_id": match.room_id,
            "mode": match.mode,
            "player_count": match.player_count,
            "started_at": _iso(match.started_at),
            "ended_at": _iso(match.ended_at),
            "tournament_id": match.tournament_id,
            "solo_mode": match.solo_mode,
            "verified": match.verified,
            # The selectors read the players as the dicts a response shows.
            "players": match.players,
        }


def _iso(moment: datetime) -> str:
    """As DRF's DateTimeField writes it: UTC, with 'Z'."""
    text = moment.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class MatchPageOutputSerializer(serializers.Serializer):
    """The list's envelope; documents the response of GET /api/matches."""

    next = serializers.URLField(allow_null=True, help_text="The next (older) page, or null on the last one.")
    previous = serializers.URLField(allow_null=True, help_text="The previous (newer) page, or null.")
    results = MatchOutputSerializer(many=True)
