import pytest
from django.core.cache import cache

from tests.factories import ModeratorFactory, TipFactory, UserFactory
from tests.support import load_content


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate-limit counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def other_member(db):
    return UserFactory()


@pytest.fixture
def moderator(db):
    return ModeratorFactory()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def tip(db):
    """One published tip of its own, without the catalogue."""
    return TipFactory(title="Warm up for ten minutes")


@pytest.fixture
def catalogue(db):
    """The real content: the tips catalogue and the checklists from `fixtures/`.

    Loaded for each test: the browser tests' transactional database is flushed after each one.
    """
    load_content()
