"""The derived figures of docs/api.md (pps, apm, rates, averages): one definition, two forms.

Every derived figure is a quotient rounded half away from zero, from the exact value, to a fixed number
of decimals, and null where the divisor is 0. The definition is written here in the two forms its
users need, and the tests hold them to each other on real PostgreSQL:

- ``ratio_sql``: a psycopg ``sql`` fragment, for queries that compute figures in the database
  (history.selectors, the stats' rankings);
- ``ratio``: plain Python over exact fractions, for figures computed from sums already read.

The SQL form rounds with PostgreSQL's ``round(numeric, places)``, which rounds half away from zero.
The quotient it rounds is computed to ``EXACT_SCALE`` decimals first: a quotient n/d (integers, d
below 10^17) that is not exactly a half of the last kept decimal is at least 1/(2·10^places·d) away
from one, far more than the 10^-20 a 20-decimal division can be off, so rounding it gives what
rounding the exact value gives. (Left to its default scale, numeric division keeps only about 16
significant digits, which is enough for one match's figures but not obviously for large sums.)

A figure must reach JSON as a number, never a string: ``ratio`` gives a float; ``ratio_sql`` gives a
numeric, a number inside ``json_build_object``, but read as a column it arrives as a Decimal, which DRF
renders as a string, so cast it to float8 there.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor

from psycopg import sql

EXACT_SCALE = 20


@dataclass(frozen=True, slots=True)
class Figure:
    """A derived figure: ``numerator * factor / denominator``, rounded to ``places`` decimals."""

    factor: int
    places: int


# docs/api.md: pieces per second and attack (garbage rows sent) per minute, from milliseconds.
PPS = Figure(factor=1000, places=2)  # pieces_placed / (duration_ms / 1000)
APM = Figure(factor=60000, places=1)  # garbage_sent * 60000 / duration_ms
# docs/api.md, stats.
WIN_RATE = Figure(factor=1, places=4)  # wins / matches
AVERAGE_PLACEMENT = Figure(factor=1, places=2)  # sum of placements / matches


def ratio(numerator: int, denominator: int, figure: Figure) -> float | None:
    """The figure of ``numerator`` over ``denominator``, rounded half away from zero; None when ``denominator`` is 0."""
    if denominator == 0:
        return None
    scaled = Fraction(numerator * figure.factor * 10**figure.places, denominator)
    units = floor(abs(scaled) + Fraction(1, 2))
    # Decimal to float is correctly rounded: 1.01 comes out as the float nearest 1.01, as PostgreSQL's
    # numeric 1.01 read back as a float does.
    return float(Decimal(units if scaled >= 0 else -units).scaleb(-figure.places))


def pps(pieces_placed: int, duration_ms: int) -> float | None:
    return ratio(pieces_placed, duration_ms, PPS)


def apm(garbage_sent: int, duration_ms: int) -> float | None:
    return ratio(garbage_sent, duration_ms, APM)


def ratio_sql(numerator: sql.Composable, denominator: sql.Composable, figure: Figure) -> sql.Composed:
    """``figure`` as SQL over two SQL expressions (columns, sums): a numeric, or NULL for a zero denominator."""
    return sql.SQL(
        "round(CAST({numerator} AS numeric(1000, {scale})) * {factor} / NULLIF({denominator}, 0), {places})"
    ).format(
        numerator=numerator,
        denominator=denominator,
        scale=sql.Literal(EXACT_SCALE),
        factor=sql.Literal(figure.factor),
        places=sql.Literal(figure.places),
    )
