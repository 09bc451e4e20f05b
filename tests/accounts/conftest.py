import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    # The auth throttle counts in the cache, which outlives a test; every test starts at zero.
    cache.clear()
    yield
    cache.clear()
