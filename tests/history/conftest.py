import pytest

from tests.history.factories import user_create


@pytest.fixture
def alice(db):
    return user_create(username="alice")


@pytest.fixture
def bob(db):
    return user_create(username="bob")
