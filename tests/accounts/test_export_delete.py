""" "My data": the JSON export of everything a member owns, and deleting the account."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from accounts import services
from accounts.models import User
from legs.models import CheckIn, Run, SavedTip, Tip
from tests.factories import PASSWORD, CheckInFactory, RunFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["account_export", "account_delete"])
def test_visitor_is_sent_to_log_in_first(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse(name)}"


def test_export_is_one_json_download_of_everything_the_member_owns(
    member_client, member, other_member, catalogue
):
    RunFactory(user=member, distance_km=Decimal("10.500"), notes="Parkrun PB")
    CheckInFactory(user=member, recovery_actions=["massage"])
    SavedTip.objects.create(user=member, tip=Tip.objects.get(slug="get-enough-sleep"))
    RunFactory(user=other_member, notes="someone else's")
    SavedTip.objects.create(user=other_member, tip=Tip.objects.get(slug="herbal-gels"))

    response = member_client.get(reverse("account_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="lighter-legs-{member.username}-data.json"'
    )
    data = json.loads(response.content)
    assert data["format"] == "lighter-legs-account-export"
    assert data["profile"]["username"] == member.username
    assert data["profile"]["email"] == member.email
    assert data["profile"]["units"] == "km"
    assert [run["notes"] for run in data["runs"]] == ["Parkrun PB"]
    assert data["runs"][0]["distance_km"] == "10.5"
    assert data["runs"][0]["duration"] == "0:30:00"
    assert data["checkins"][0]["recovery_actions"] == ["massage"]
    assert [saved["tip"] for saved in data["saved_tips"]] == ["get-enough-sleep"]
    assert "someone else's" not in response.content.decode()
    assert "herbal-gels" not in response.content.decode()


def test_a_new_section_is_one_line_in_the_registry(member_client, monkeypatch):
    sections = services.EXPORT_SECTIONS | {"comments": lambda user: [{"body": "Thanks!"}]}
    monkeypatch.setattr(services, "EXPORT_SECTIONS", sections)
    data = json.loads(member_client.get(reverse("account_export")).content)
    assert data["comments"] == [{"body": "Thanks!"}]


def test_the_delete_page_says_what_goes_and_what_stays(member_client):
    page = member_client.get(reverse("account_delete")).content.decode()
    assert "your whole diary" in page
    assert "former member" in page
    assert 'name="password"' in page


def test_a_wrong_password_deletes_nothing(member_client, member):
    RunFactory(user=member)
    response = member_client.post(reverse("account_delete"), {"password": "not-it"})
    assert response.status_code == 200
    assert "That is not your password. Nothing was deleted." in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()
    assert Run.objects.filter(user=member).exists()


def test_the_right_password_deletes_the_account_its_diary_and_saved_tips(
    member_client, member, other_member, catalogue
):
    RunFactory(user=member)
    CheckInFactory(user=member)
    SavedTip.objects.create(user=member, tip=Tip.objects.get(slug="get-enough-sleep"))
    theirs = RunFactory(user=other_member)

    response = member_client.post(reverse("account_delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert not User.objects.filter(pk=member.pk).exists()
    assert not Run.objects.filter(user_id=member.pk).exists()
    assert not CheckIn.objects.filter(user_id=member.pk).exists()
    assert not SavedTip.objects.filter(user_id=member.pk).exists()
    assert SESSION_KEY not in member_client.session
    assert Run.objects.filter(pk=theirs.pk).exists()
    home = member_client.get(reverse("home")).content.decode()
    assert "Your account and everything in it have been deleted." in home


def test_the_profile_links_to_my_data(member_client):
    page = member_client.get(reverse("profile")).content.decode()
    for name in ("account_export", "diary_export", "account_delete"):
        assert f'href="{reverse(name)}"' in page
