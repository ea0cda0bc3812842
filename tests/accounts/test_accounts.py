import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory
from tests.support import confirm_sign_up, signup_link

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "stride-cadence-42-hills"


def signup(client, **overrides):
    data = {
        "username": "newrunner",
        "email": "new@example.com",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    } | overrides
    return client.post(reverse("signup"), data)


def test_member_signs_up_logs_in_by_username_and_email_edits_profile_and_logs_out(client):
    response = signup(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("signup_sent")
    assert not User.objects.filter(username="newrunner").exists()  # not before the link
    response = confirm_sign_up(client, to="new@example.com")
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200  # logged in
    assert User.objects.filter(username="newrunner").exists()
    client.post(reverse("logout"))

    response = client.post(reverse("login"), {"username": "newrunner", "password": GOOD_PASSWORD})
    assert response.status_code == 302
    client.post(reverse("logout"))
    response = client.post(
        reverse("login"), {"username": "NEW@example.com", "password": GOOD_PASSWORD}
    )
    assert response.status_code == 302

    response = client.post(
        reverse("profile"),
        {
            "display_name": "Sam",
            "email": "new@example.com",
            "units": "mi",
            "time_zone": "Europe/Paris",
            "stretch_hold": "45",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newrunner")
    assert (user.display_name, user.units, user.time_zone) == ("Sam", "mi", "Europe/Paris")
    assert user.stretch_hold == 45

    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 302


def test_logout_by_get_is_refused(member_client):
    assert member_client.get(reverse("logout")).status_code == 405


def test_wrong_password_shows_form_error(client, member):
    response = client.post(reverse("login"), {"username": member.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "TAKEN"}, "That username is taken"),
        ({"password1": "password", "password2": "password"}, "too common"),
        ({"password2": "something-else-entirely"}, "didn’t match"),
        ({"username": "x" * 200}, "at most 150 characters"),
        ({"email": "not-an-email"}, "valid email"),
        ({"time_zone": "Mars/Olympus_Mons"}, "Select a valid choice"),
    ],
)
def test_bad_signup_input_gets_a_form_error_and_creates_nothing(client, overrides, message):
    UserFactory(username="taken", email="taken@example.com")
    response = signup(client, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("sent", "saved"), [({"time_zone": "Asia/Tokyo"}, "Asia/Tokyo"), ({}, "Europe/London")]
)
def test_signup_saves_the_time_zone_the_select_says_or_the_default(client, sent, saved):
    assert signup(client, **sent).status_code == 302
    confirm_sign_up(client)
    assert User.objects.get(username="newrunner").time_zone == saved


def test_signup_without_csrf_token_is_refused(db):
    client = Client(enforce_csrf_checks=True)
    response = signup(client)
    assert response.status_code == 403
    assert not User.objects.exists()


def test_password_reset_mails_a_link_to_a_known_address(client, member):
    response = client.post(reverse("password_reset"), {"email": member.email.upper()})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()


def test_password_reset_answers_the_same_for_an_unknown_address(client, member):
    known = client.post(reverse("password_reset"), {"email": member.email}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)

    # The pages differ only in their per-render CSRF token.
    def without_token(response):
        return re.sub(r'"X-CSRFToken": "\w+"', "", response.content.decode())

    assert known.redirect_chain == unknown.redirect_chain
    assert without_token(known) == without_token(unknown)
    assert len(mail.outbox) == 1


def test_password_change_works(member_client, member):
    response = member_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(GOOD_PASSWORD)


def test_profile_refuses_an_email_another_member_uses(member_client, other_member):
    response = member_client.post(
        reverse("profile"),
        {
            "display_name": "",
            "email": other_member.email.upper(),
            "units": "km",
            "time_zone": "UTC",
            "stretch_hold": "30",
        },
    )
    assert response.status_code == 200
    assert "already uses this email" in response.content.decode()


def test_login_redirect_to_next_never_leaves_the_site(client, member):
    response = client.post(
        reverse("login") + "?next=https://evil.example.com/",
        {"username": member.username, "password": PASSWORD, "next": "https://evil.example.com/"},
    )
    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]


def test_signup_next_never_leaves_the_site(client):
    response = client.post(
        reverse("signup") + "?next=//evil.example.com/",
        {
            "username": "newrunner",
            "email": "new@example.com",
            "password1": GOOD_PASSWORD,
            "password2": GOOD_PASSWORD,
            "next": "//evil.example.com/",
        },
    )
    assert response.status_code == 302
    assert "evil.example.com" not in response["Location"]
    confirmed = confirm_sign_up(client)
    assert confirmed.status_code == 302
    assert "evil.example.com" not in confirmed["Location"]


@pytest.mark.parametrize("members", [0, 30])
def test_the_sign_up_pages_make_the_same_few_queries_however_many_members(
    client, django_assert_max_num_queries, members
):
    UserFactory.create_batch(members)
    assert signup(client).status_code == 302
    with django_assert_max_num_queries(2):
        assert client.get(reverse("signup_sent")).status_code == 200
    link = signup_link()
    with django_assert_max_num_queries(4):
        assert client.get(link).status_code == 200
    # Making the account and logging in: the same whatever the number of members.
    with django_assert_max_num_queries(17):
        assert client.post(link).status_code == 302
