from types import SimpleNamespace

import pytest
from django.core.management import call_command

from legs.models import Cause, Checklist, Tip
from tests.factories import (
    CheckInFactory,
    ChecklistRunFactory,
    ModeratorFactory,
    RunFactory,
    UserFactory,
)


@pytest.fixture
def world(db):
    """One of everything, owned by `owner`, plus another member and a moderator."""
    call_command("loaddata", "fixtures/catalogue.json", "fixtures/checklists.json", verbosity=0)
    owner = UserFactory()
    checklist = Checklist.objects.get(slug="after-your-run")
    return SimpleNamespace(
        owner=owner,
        other=UserFactory(),
        moderator=ModeratorFactory(),
        tip=Tip.objects.first(),
        cause=Cause.objects.first(),
        checklist=checklist,
        step=checklist.steps.first(),
        troubleshooter=Checklist.objects.get(slug="heavy-legs"),
        checklist_run=ChecklistRunFactory(user=owner, checklist=checklist),
        run=RunFactory(user=owner),
        checkin=CheckInFactory(user=owner),
    )


@pytest.fixture
def client_as(client, world):
    def login_as(role: str):
        if role != "visitor":
            client.force_login(getattr(world, role))
        return client

    return login_as
