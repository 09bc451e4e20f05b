import pytest
from django.db import connection


@pytest.mark.django_db
def test_database_is_a_real_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert "PostgreSQL 16" in cursor.fetchone()[0]
