"""Members' diaries in the admin: superusers may look (read-only); moderators may not."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import CheckInFactory, RunFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", ["run", "checkin"])
def test_superuser_sees_the_diary_lists_read_only(superuser_client, model):
    entry = RunFactory() if model == "run" else CheckInFactory()
    changelist = superuser_client.get(reverse(f"admin:legs_{model}_changelist"))
    assert changelist.status_code == 200
    assert str(entry.user) in changelist.content.decode()
    assert superuser_client.get(reverse(f"admin:legs_{model}_add")).status_code == 403
    change = superuser_client.get(reverse(f"admin:legs_{model}_change", args=[entry.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()


@pytest.mark.parametrize("model", ["run", "checkin"])
def test_moderators_cannot_see_members_diaries_even_with_the_permission(
    moderator, moderator_client, model
):
    entry = RunFactory() if model == "run" else CheckInFactory()
    moderator.user_permissions.add(*Permission.objects.filter(content_type__model=model))
    assert moderator_client.get(reverse(f"admin:legs_{model}_changelist")).status_code == 403
    change = moderator_client.get(reverse(f"admin:legs_{model}_change", args=[entry.pk]))
    assert change.status_code in (302, 403)
    assert f"legs/{model}/" not in moderator_client.get(reverse("admin:index")).content.decode()


def test_a_superuser_can_still_delete_a_member_with_a_diary(superuser_client):
    member = RunFactory().user
    CheckInFactory(user=member)
    response = superuser_client.post(
        reverse("admin:accounts_user_delete", args=[member.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not type(member).objects.filter(pk=member.pk).exists()
