import pytest
from django.core.cache import cache, caches


@pytest.fixture(autouse=True)
def fresh_throttle_counts(request):
    # The auth throttle counts in CACHES["shared"], a table: a test's transaction rolls back its own
    # counts, but rows committed by a server of another test on this worker's database (a live server,
    # gunicorn) within the same minute would count against this one's address too, so a test with the
    # database empties the table first, inside its transaction. The in-memory default cache outlives a
    # test, so it is emptied too: every test starts at zero.
    cache.clear()
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
        caches["shared"].clear()
    yield
    cache.clear()
