from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client

from legs.models import (
    Block,
    BlockKind,
    CannedReply,
    Cause,
    Checklist,
    Comment,
    DisallowedWord,
    Import,
    ImportStatus,
    Status,
    Tip,
)
from tests.factories import (
    CheckInFactory,
    ChecklistRunFactory,
    ModeratorFactory,
    RunFactory,
    TrialFactory,
    UserFactory,
)
from tests.support import load_content

ROLES_WITH_ADMIN = ("visitor", "owner", "other", "moderator", "superuser")


def build_world() -> SimpleNamespace:
    """One of everything, owned by `owner`, plus another member, a moderator and a superuser."""
    load_content()
    owner = UserFactory()
    checklist = Checklist.objects.get(slug="after-your-run")
    tip = Tip.objects.published().first()
    return SimpleNamespace(
        owner=owner,
        other=UserFactory(),
        moderator=ModeratorFactory(),
        superuser=UserFactory(is_staff=True, is_superuser=True),
        tip=tip,
        cause=Cause.objects.first(),
        checklist=checklist,
        step=checklist.steps.first(),
        troubleshooter=Checklist.objects.get(slug="heavy-legs"),
        checklist_run=ChecklistRunFactory(user=owner, checklist=checklist),
        run=RunFactory(user=owner),
        checkin=CheckInFactory(user=owner),
        trial=TrialFactory(user=owner, tip=tip),
        upload=Import.objects.create(user=owner, status=ImportStatus.DONE),
        comment=Comment.objects.create(
            tip=tip, name="Reader", email="reader@example.com", body="Why?", status=Status.APPROVED
        ),
        canned=CannedReply.objects.create(title="See a physio", body="Please see a physio."),
        word=DisallowedWord.objects.create(word="casino"),
        block=Block.objects.create(kind=BlockKind.EMAIL, value_hash="0" * 32, label="Spammer"),
    )


@pytest.fixture(scope="package")
def _world_data(django_db_setup, django_db_blocker) -> Iterator[SimpleNamespace]:
    """The world is built once for the whole security suite, inside a transaction that is
    rolled back at the end; each test runs in a savepoint inside it (pytest-django's `db`), so
    a test's own writes are undone after it and the next test finds the world as it was.
    Loading the content fixtures for each of several hundred tests would take minutes."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        world = build_world()
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(_world_data, db) -> SimpleNamespace:
    return _world_data


@pytest.fixture
def client_as(client, world):
    def login_as(role: str) -> Client:
        if role != "visitor":
            client.force_login(getattr(world, role))
        return client

    return login_as
