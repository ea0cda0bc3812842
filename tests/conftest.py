import pytest

from tests.factories import ModeratorFactory, TipFactory, UserFactory
from tests.support import clear_caches, load_content


def _commits(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
        or (marker and marker.kwargs.get("transaction"))
    )


@pytest.fixture(autouse=True)
def _clear_cache(request, django_db_blocker):
    # Rate-limit counters and cached pages: each test starts with none. Without Redis the
    # counters are rows of the database cache, undone with a test's transaction, or emptied
    # here after a test that commits (a database flush leaves the cache table alone).
    clear_caches(counters=False)
    yield
    clear_caches(counters=False)
    if _commits(request):
        with django_db_blocker.unblock():
            clear_caches()


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
