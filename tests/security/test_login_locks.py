"""Issue 12, items 1, 3 and 4: one lock per account, held on every log-in form.

- The admin's log-in is the site's throttled form: a lock set on either form holds on both.
- A username cannot be an email address, so nobody takes over another member's email log-in.
- The lock counts the account however its identity is typed (username, email, any case), with
  identities folded the same way in Python on every database.
"""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_PAGES = ["login", "admin:login"]


def attempt(url_name: str, username: str, password: str = "wrong", ip: str = "10.40.0.1"):
    return Client().post(
        reverse(url_name), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.fixture
def superuser():
    return UserFactory(username="boss", is_staff=True, is_superuser=True)


def test_the_admin_log_in_refuses_the_eleventh_failure_with_429(superuser, settings):
    statuses = [
        attempt("admin:login", "boss", ip=f"10.41.0.{n}").status_code
        for n in range(settings.LOGIN_FAILURE_LIMIT + 1)
    ]
    assert statuses[:-1] == [200] * settings.LOGIN_FAILURE_LIMIT
    assert statuses[-1] == 429
    assert attempt("admin:login", "boss", PASSWORD, ip="10.41.1.1").status_code == 429


@pytest.mark.parametrize(
    ("locked_on", "tried_on"), [("login", "admin:login"), ("admin:login", "login")]
)
def test_a_lock_set_on_either_log_in_form_holds_on_the_other(
    superuser, settings, locked_on, tried_on
):
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(locked_on, "boss", ip=f"10.42.0.{n}")
    assert attempt(tried_on, "boss", PASSWORD, ip="10.42.1.1").status_code == 429


def test_the_admin_log_in_still_admits_staff_only(superuser, member):
    assert attempt("admin:login", "boss", PASSWORD).status_code == 302
    refused = attempt("admin:login", member.username, PASSWORD, ip="10.43.0.1")
    assert refused.status_code == 200
    assert "staff account" in refused.content.decode()


# --- item 3: a username is never an email address

STRONG = "stride-cadence-42-hills"


def test_sign_up_refuses_a_username_with_an_at_sign(member):
    data = {
        "username": member.email,
        "email": "attacker@example.com",
        "password1": STRONG,
        "password2": STRONG,
    }
    response = Client().post(reverse("signup"), data)
    assert response.status_code == 200
    assert "cannot contain “@”" in response.content.decode()
    assert not User.objects.filter(username__iexact=member.email).exists()


def test_the_admin_refuses_a_username_with_an_at_sign(member):
    admin = Client()
    admin.force_login(UserFactory(is_staff=True, is_superuser=True))
    change = {
        "username": "victim@example.com",
        "email": member.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "units": "km",
        "time_zone": "Europe/London",
    }
    changed = admin.post(reverse("admin:accounts_user_change", args=[member.pk]), change)
    add = {"username": "victim@example.com", "password1": STRONG, "password2": STRONG}
    added = admin.post(reverse("admin:accounts_user_add"), add | {"usable_password": "true"})
    for response in (changed, added):
        assert response.status_code == 200
        assert "cannot contain “@”" in response.content.decode()
    member.refresh_from_db()
    assert "@" not in member.username
    assert not User.objects.filter(username="victim@example.com").exists()


def test_an_email_equal_to_an_existing_username_is_refused(db):
    legacy = User.objects.create_user("bob@example.com", "legacy@example.com", PASSWORD)
    data = {"username": "carol", "email": legacy.username, "password1": STRONG, "password2": STRONG}
    response = Client().post(reverse("signup"), data)
    assert not User.objects.filter(username="carol").exists()
    assert response.status_code == 200


def test_an_identity_with_an_at_sign_logs_in_by_email_only(member, db):
    # An account made before the rule, named like the member's address, cannot catch the
    # member's email log-in.
    User.objects.create_user(member.email.upper(), "squatter@example.com", "squatter-pass-42")
    assert attempt("login", member.email, PASSWORD).status_code == 302
    assert attempt("login", member.email, "squatter-pass-42", ip="10.44.0.2").status_code == 200


# --- item 4: one account, one budget


def test_every_spelling_of_one_account_shares_one_lock(settings):
    alice = UserFactory(username="alice", email="alice@example.com")
    spellings = ["alice", "ALICE", "alice@example.com", "Alice@Example.COM", "ａｌｉｃｅ"]
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        attempt("login", spellings[n % len(spellings)], ip=f"10.45.0.{n}")
    assert attempt("login", alice.username, PASSWORD, ip="10.45.1.1").status_code == 429
    assert attempt("login", alice.email, PASSWORD, ip="10.45.1.2").status_code == 429


def test_a_dotless_i_neither_logs_in_as_alice_nor_spends_her_budget(settings):
    alice = UserFactory(username="alice", email="alice@example.com")
    # PostgreSQL's UPPER() makes "alıce" "ALICE": compared in Python, it is another name.
    assert attempt("login", "alıce", PASSWORD).status_code == 200
    assert attempt("login", "alıce@example.com", PASSWORD).status_code == 200
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        attempt("login", "alıce", ip=f"10.46.0.{n}")
    assert attempt("login", alice.username, PASSWORD, ip="10.46.1.1").status_code == 302


def test_a_login_typed_in_compatibility_form_reaches_its_account():
    UserFactory(username="alice")
    assert attempt("login", "ＡＬＩＣＥ", PASSWORD).status_code == 302


def test_identities_fold_alike_on_every_database():
    # SQLite's case-insensitive match knows ASCII only, PostgreSQL's all of Unicode: log-in
    # compares the keys folded in Python instead, so both find Émile.
    UserFactory(username="émile", email="émile@example.com")
    assert attempt("login", "ÉMILE", PASSWORD).status_code == 302
    assert attempt("login", "ÉMILE@EXAMPLE.COM", PASSWORD, ip="10.47.0.1").status_code == 302
