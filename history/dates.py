"""The dates a client may send (docs/api.md): 2000-01-01 … now + 1 day, wherever one is sent.

No match of this service predates 2000, and a date further ahead than a day is a mistake, not a
clock's drift; both are refused with a 400 naming the field rather than stored or searched for.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EARLIEST_DATE = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_AHEAD = timedelta(days=1)
DATE_RANGE_RULE = "between 2000-01-01 and one day from now (UTC)"


def date_range_error(value: datetime, *, now: datetime) -> str | None:
    """Why an aware datetime is outside the range, or None when it is inside."""
    if value < EARLIEST_DATE:
        return f"Before 2000-01-01: give a date {DATE_RANGE_RULE}."
    if value > now + LATEST_AHEAD:
        return f"More than a day from now: give a date {DATE_RANGE_RULE}."
    return None
