"""Generated bad input to every account form: never a 500, never half an account.

Sign-up, log-in, profile, password change, account deletion and password reset, each given
values of every kind (see fuzzing.py). After each example the rows are either as before or
one complete, valid change that the answer announced with its redirect.
"""

from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import PendingSignUp, User
from legs.models import CheckIn, ChecklistRun, Comment, Run
from tests.factories import PASSWORD, CheckInFactory, CommentFactory, RunFactory, UserFactory
from tests.security.fuzzing import (
    assert_not_a_server_error,
    field,
    form,
    fuzz,
    isolated,
    post_form,
)
from tests.support import signup_link

STRONG = "stride-cadence-42-hills"
username = st.from_regex(r"[a-z][a-z0-9_.+-]{0,20}", fullmatch=True)
email = st.builds("{}@example.com".format, username)


def user_row(user: User) -> dict:
    return User.objects.filter(pk=user.pk).values().get()


@fuzz
@given(
    data=form(
        username=field(username),
        email=field(email),
        password1=field(STRONG),
        password2=field(STRONG),
        next=field("/tips/"),
    )
)
def test_sign_up_survives_any_input(world, data):
    with isolated():
        mail.outbox.clear()
        before = User.objects.count()
        response = post_form(Client(), reverse("signup"), data)
        assert_not_a_server_error(response)
        # Sign-up's first step makes a pending sign-up (or mails an address's owner); the
        # account comes from its link.
        pending = PendingSignUp.objects.count()
        assert pending in (0, 1)
        assert (response.status_code == 302) == (pending == 1 or len(mail.outbox) == 1)
        if pending:
            confirmed = Client().post(signup_link())
            assert_not_a_server_error(confirmed)
            assert User.objects.count() - before == 1
            user = User.objects.latest("pk")
            user.full_clean()
            assert user.has_usable_password()


@fuzz
@given(
    data=form(
        username=field(st.sampled_from(["owner", "owner-email"])),
        password=field(PASSWORD),
        next=field("/diary/"),
    )
)
def test_log_in_survives_any_input(world, data):
    names = {"owner": world.owner.username, "owner-email": world.owner.email}
    data["username"] = [names.get(value, value) for value in data["username"]]
    with isolated():
        users = list(User.objects.order_by("pk").values_list("pk", "password"))
        client = Client()
        response = post_form(client, reverse("login"), data)
        assert_not_a_server_error(response)
        logged_in = SESSION_KEY in client.session
        assert logged_in == (response.status_code == 302)
        assert list(User.objects.order_by("pk").values_list("pk", "password")) == users


@fuzz
@given(
    data=form(
        display_name=field(st.text(max_size=60)),
        email=field(email),
        units=field(st.sampled_from(["km", "mi"])),
        time_zone=field(st.sampled_from(["UTC", "Europe/London", "Pacific/Kiritimati"])),
        stretch_hold=field(st.sampled_from(["20", "30", "45"])),
    )
)
def test_profile_survives_any_input(world, data):
    client = Client()
    client.force_login(world.owner)
    with isolated():
        before = user_row(world.owner)
        response = post_form(client, reverse("profile"), data)
        assert_not_a_server_error(response)
        after = user_row(world.owner)
        if response.status_code == 302:
            User.objects.get(pk=world.owner.pk).full_clean()
        else:
            assert after == before


@fuzz
@given(
    data=form(
        old_password=field(PASSWORD),
        new_password1=field(STRONG),
        new_password2=field(STRONG),
    )
)
def test_password_change_survives_any_input(world, data):
    client = Client()
    client.force_login(world.owner)
    with isolated():
        response = post_form(client, reverse("password_change"), data)
        assert_not_a_server_error(response)
        user = User.objects.get(pk=world.owner.pk)
        if response.status_code == 302:
            assert user.check_password(data["new_password1"][-1])
        else:
            assert user.check_password(PASSWORD)


def owned(user_id: int) -> tuple[int, int, int, int]:
    return (
        User.objects.filter(pk=user_id).count(),
        Run.objects.filter(user_id=user_id).count(),
        CheckIn.objects.filter(user_id=user_id).count(),
        ChecklistRun.objects.filter(user_id=user_id).count(),
    )


@fuzz
@given(data=form(password=field(PASSWORD)))
def test_account_deletion_survives_any_input_and_is_all_or_nothing(world, data):
    with isolated():
        member = UserFactory()
        RunFactory(user=member)
        CheckInFactory(user=member)
        CommentFactory(tip=world.tip, user=member)
        client = Client()
        client.force_login(member)
        before = owned(member.pk)
        response = post_form(client, reverse("account_delete"), data)
        assert_not_a_server_error(response)
        if response.status_code == 302:
            assert owned(member.pk) == (0, 0, 0, 0)
            assert not Comment.objects.filter(user_id=member.pk).exists()
        else:
            assert owned(member.pk) == before


@fuzz
@given(data=form(email=field(st.sampled_from(["owner", "nobody@example.com"]), email)))
def test_password_reset_survives_any_input(world, data):
    data["email"] = [world.owner.email if value == "owner" else value for value in data["email"]]
    with isolated():
        users = list(User.objects.order_by("pk").values_list("pk", "password", "email"))
        sent = len(mail.outbox)
        response = post_form(Client(), reverse("password_reset"), data)
        assert_not_a_server_error(response)
        assert list(User.objects.order_by("pk").values_list("pk", "password", "email")) == users
        assert len(mail.outbox) - sent <= 1
