"""history.figures: the Python reference rounds half away from zero from the exact value, and the SQL
form gives the same figures on real PostgreSQL."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from history import figures
from history.figures import APM, AVERAGE_PLACEMENT, PPS, WIN_RATE, Figure, apm, pps, ratio

INT32 = 2**31 - 1

# (numerator, denominator, figure, expected): each exact value ends in 5 at the first dropped decimal,
# where binary floats and round-half-even both go the other way.
EXACT_HALVES = [
    (1, 1600, PPS, 0.63),  # 0.625: round(0.625, 2) is 0.62 in Python
    (201, 8000, PPS, 25.13),  # 25.125
    (1005, 1_000_000, PPS, 1.01),  # 1.005, which as a float is 1.00499999…
    (1, 16000, PPS, 0.06),  # 0.0625 is below the half: 0.06
    (1, 240_000, APM, 0.3),  # 0.25: round(0.25, 1) is 0.2 in Python
    (1, 1_200_000, APM, 0.1),  # 0.05
    (7, 1_200_000, APM, 0.4),  # 0.35, which as a float is 0.34999…
    (1, 8, WIN_RATE, 0.125),
    (1, 16, WIN_RATE, 0.0625),
    (1, 32, WIN_RATE, 0.0313),  # 0.03125
    (5, 8, AVERAGE_PLACEMENT, 0.63),  # 0.625
]


@pytest.mark.parametrize(("numerator", "denominator", "figure", "expected"), EXACT_HALVES)
def test_reference_rounds_exact_halves_away_from_zero(numerator, denominator, figure, expected):
    assert ratio(numerator, denominator, figure) == expected


def test_reference_is_null_for_a_zero_divisor_and_a_float_otherwise():
    assert pps(10, 0) is None and apm(0, 0) is None
    assert pps(0, 1000) == 0.0 and type(pps(0, 1000)) is float
    assert pps(50, 180_000) == 0.28 and apm(2, 180_000) == 0.7  # 0.2777… and 0.666…
    assert ratio(-1, 1600, PPS) == -0.63  # away from zero on both sides


def _sql_figure(numerator: int, denominator: int, figure: Figure) -> object:
    query = figures.ratio_sql(sql.SQL("%s::bigint"), sql.SQL("%s::bigint"), figure)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("SELECT {}::float8").format(query).as_string(cursor.connection), [numerator, denominator]
        )
        return cursor.fetchone()[0]


@pytest.mark.parametrize(("numerator", "denominator", "figure", "expected"), EXACT_HALVES)
def test_sql_form_rounds_exact_halves_as_the_reference(db, numerator, denominator, figure, expected):
    assert _sql_figure(numerator, denominator, figure) == expected


def test_sql_form_is_null_for_a_zero_divisor(db):
    assert _sql_figure(10, 0, PPS) is None
    assert _sql_figure(0, 0, APM) is None


@pytest.mark.django_db
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    numerator=st.integers(min_value=0, max_value=INT32),
    denominator=st.integers(min_value=1, max_value=INT32),
    figure=st.sampled_from([PPS, APM, WIN_RATE, AVERAGE_PLACEMENT]),
)
def test_sql_form_equals_the_reference_over_32_bit_values(numerator, denominator, figure):
    assert _sql_figure(numerator, denominator, figure) == ratio(numerator, denominator, figure)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    # Sums over many matches, as player stats divide them.
    numerator=st.integers(min_value=0, max_value=10**13),
    denominator=st.integers(min_value=1, max_value=10**15),
    figure=st.sampled_from([PPS, APM]),
)
def test_sql_form_equals_the_reference_over_large_sums(db, numerator, denominator, figure):
    assert _sql_figure(numerator, denominator, figure) == ratio(numerator, denominator, figure)
