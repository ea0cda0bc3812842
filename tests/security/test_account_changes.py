"""Issue 12, item 9: account changes a stolen session cannot make, nor use as a password oracle.

- A new email address needs the current password, and the old address is told.
- Password change, email change and account deletion check the password at most
  LOGIN_FAILURE_LIMIT times per window for the account; then 429, even with the right one.
"""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def profile_data(member, **changes) -> dict:
    data = {
        "display_name": member.display_name,
        "email": member.email,
        "units": member.units,
        "time_zone": member.time_zone,
        "stretch_hold": member.stretch_hold,
    }
    return data | changes


def test_a_new_email_address_needs_the_current_password(member_client, member):
    old = member.email
    for password in ("", "wrong-password"):
        data = profile_data(member, email="thief@example.com", current_password=password)
        response = member_client.post(reverse("profile"), data)
        assert response.status_code == 200
        assert response.context["form"].has_error("current_password")
    member.refresh_from_db()
    assert member.email == old
    assert mail.outbox == []


def test_with_the_password_the_email_changes_and_the_old_address_is_told(member_client, member):
    old = member.email
    data = profile_data(member, email="new@example.com", current_password=PASSWORD)
    assert member_client.post(reverse("profile"), data).status_code == 302
    member.refresh_from_db()
    assert member.email == "new@example.com"
    [notice] = mail.outbox
    assert notice.to == [old]
    assert "new@example.com" in notice.body
    assert reverse("password_reset") in notice.body


def test_other_profile_changes_need_no_password(member_client, member):
    data = profile_data(member, display_name="Quick Feet", email=member.email.upper())
    assert member_client.post(reverse("profile"), data).status_code == 302
    member.refresh_from_db()
    assert member.display_name == "Quick Feet"
    assert mail.outbox == []


def wrong(url_name: str, member) -> dict:
    return {
        "password_change": {
            "old_password": "wrong",
            "new_password1": "another-long-phrase-42",
            "new_password2": "another-long-phrase-42",
        },
        "account_delete": {"password": "wrong"},
        "profile": profile_data(member, email="thief@example.com", current_password="wrong"),
    }[url_name]


def right(url_name: str, member) -> dict:
    data = wrong(url_name, member)
    key = {"password_change": "old_password", "account_delete": "password"}.get(
        url_name, "current_password"
    )
    return data | {key: PASSWORD}


@pytest.mark.parametrize("url_name", ["password_change", "account_delete", "profile"])
def test_password_checks_of_a_logged_in_member_are_limited(
    member_client, member, settings, url_name
):
    url = reverse(url_name)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert member_client.post(url, wrong(url_name, member)).status_code == 200
    refused = member_client.post(url, right(url_name, member))
    assert refused.status_code == 429
    assert "password checks on this account are paused" in refused.content.decode()
    member.refresh_from_db()
    assert User.objects.filter(pk=member.pk).exists()
    assert member.check_password(PASSWORD)
    assert member.email != "thief@example.com"


def test_the_limit_counts_the_account_across_its_forms(member_client, member, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        url_name = ["password_change", "account_delete", "profile"][n % 3]
        member_client.post(reverse(url_name), wrong(url_name, member))
    assert member_client.post(reverse("account_delete"), {"password": PASSWORD}).status_code == 429
