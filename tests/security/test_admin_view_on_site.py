"""The admin's "view on site" redirect tells nobody about objects they may not see.

Issue 12, item 12: `/admin/r/<content_type>/<id>/` needed only staff, so a moderator could probe
members' checklist runs by id (302 or 404) and read unpublished tips' slugs from the redirect.
It answers 404 unless the user may view that model in the admin and the object is public.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from legs.models import Status
from tests.factories import CommentFactory, TipFactory


def on_site(user, obj, object_id=None):
    client = Client()
    client.force_login(user)
    content_type = ContentType.objects.get_for_model(obj)
    url = reverse("admin:view_on_site", args=[content_type.pk, object_id or obj.pk])
    return client.get(url)


@pytest.mark.parametrize("role", ["moderator", "superuser"])
def test_members_checklist_runs_are_404_by_id_to_all_staff(role, world):
    user = getattr(world, role)
    assert on_site(user, world.checklist_run).status_code == 404
    assert on_site(user, world.checklist_run, object_id=10**9).status_code == 404


def test_an_unpublished_tip_does_not_give_its_slug_away(world):
    draft = TipFactory(is_published=False, slug="secret-draft")
    response = on_site(world.superuser, draft)
    assert response.status_code == 404
    assert "secret-draft" not in response.get("Location", "")


def test_a_moderator_cannot_follow_a_model_they_may_not_view_in_the_admin(world):
    assert on_site(world.moderator, world.tip).status_code == 404
    assert on_site(world.superuser, world.tip)["Location"] == world.tip.get_absolute_url()


def test_only_public_comments_are_shown_on_site(world):
    public = CommentFactory(tip=world.tip)
    assert on_site(world.moderator, public).status_code == 302
    for hidden in (
        CommentFactory(tip=world.tip, status=Status.PENDING),
        CommentFactory(tip=world.tip, hidden=True),
        CommentFactory(tip=TipFactory(is_published=False)),
    ):
        assert on_site(world.moderator, hidden).status_code == 404


def test_a_member_who_is_not_staff_is_sent_to_the_admin_log_in(world):
    client = Client()
    client.force_login(world.owner)
    content_type = ContentType.objects.get_for_model(world.tip)
    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, world.tip.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
