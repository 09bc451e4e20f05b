"""DATABASE_URL becomes Django's database settings, with the timeouts a long-lived consumer needs."""

from django.db import connection

from config.settings.base import database_config


def test_a_url_gets_a_connect_timeout_and_tcp_keepalives():
    config = database_config("postgresql://tetris:secret@db.internal:5432/tetris")
    assert (config["HOST"], config["NAME"], config["USER"]) == ("db.internal", "tetris", "tetris")
    assert config["OPTIONS"] == {
        "connect_timeout": 5,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
    }
    assert config["CONN_HEALTH_CHECKS"] is True


def test_the_test_database_connects_with_those_options(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert connection.settings_dict["OPTIONS"]["keepalives_idle"] == 30
