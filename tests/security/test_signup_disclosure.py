"""Issue 12, item 8: sign-up does not say whether an email address has an account.

It used to answer "An account already uses this email address". Now every valid sign-up gets the
same "check your email" page: a free address is mailed a link that makes the account (once,
within two days), an address with an account is mailed a note to its owner instead.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import PendingSignUp, User
from tests.support import confirm_sign_up, signup_link

pytestmark = pytest.mark.django_db

STRONG = "stride-cadence-42-hills"


def sign_up(email: str, username: str = "newrunner", client: Client | None = None):
    data = {"username": username, "email": email, "password1": STRONG, "password2": STRONG}
    return (client or Client()).post(reverse("signup"), data, follow=True)


def page(response) -> str:
    html = response.content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")\w+', "", html)


def test_a_taken_address_and_a_free_one_get_the_same_answer(member):
    taken = sign_up(member.email.upper(), username="intruder")
    free = sign_up("free@example.com", username="freerunner")
    assert taken.redirect_chain == free.redirect_chain == [(reverse("signup_sent"), 302)]
    assert page(taken) == page(free)
    assert "Check your email" in page(free)


def test_the_owner_of_a_taken_address_is_told_and_nothing_is_made(member):
    sign_up(member.email, username="intruder")
    [note] = mail.outbox
    assert note.to == [member.email]
    assert "tried to sign up" in note.subject
    assert reverse("password_reset") in note.body
    assert reverse("login") in note.body
    assert not PendingSignUp.objects.exists()
    assert not User.objects.filter(username="intruder").exists()


def test_a_free_address_gets_a_link_that_makes_the_account_once():
    sign_up("free@example.com")
    link = signup_link("free@example.com")
    client = Client()
    assert client.get(link).status_code == 200
    assert not User.objects.filter(username="newrunner").exists()  # a GET makes nothing
    assert client.post(link).status_code == 302
    user = User.objects.get(username="newrunner")
    assert user.email == "free@example.com"
    assert user.check_password(STRONG)
    client.post(reverse("logout"))
    again = client.post(link)
    assert "This link has expired" in again.content.decode()
    assert User.objects.filter(email__iexact="free@example.com").count() == 1


def test_only_the_token_s_hash_is_kept():
    sign_up("free@example.com")
    token = signup_link().rstrip("/").rsplit("/", 1)[-1]
    pending = PendingSignUp.objects.get()
    assert token not in (pending.token_hash, pending.password)
    assert pending.password.startswith(("md5$", "pbkdf2", "argon2", "scrypt"))


def test_a_link_out_of_date_makes_no_account():
    sign_up("free@example.com")
    PendingSignUp.objects.update(expires=timezone.now() - timedelta(seconds=1))
    response = Client().post(signup_link())
    assert "This link has expired" in response.content.decode()
    assert not User.objects.filter(username="newrunner").exists()


def test_a_username_taken_before_the_link_is_followed_makes_no_account():
    sign_up("first@example.com", username="samename")
    sign_up("second@example.com", username="samename")
    assert confirm_sign_up(Client(), to="second@example.com").status_code == 302
    late = Client().post(signup_link("first@example.com"))
    assert "This link has expired" in late.content.decode()
    assert User.objects.filter(username="samename").count() == 1
