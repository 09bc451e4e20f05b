import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    # The auth throttle counts in CACHES["shared"], a table each test's transaction rolls back; the
    # in-memory default cache outlives a test, so it is emptied too: every test starts at zero.
    cache.clear()
    yield
    cache.clear()
