"""Issue 12, item 6: nobody can block a member's password reset by asking for it first.

Five reset requests an hour for Bob's address from five addresses made Bob's own request a 429.
Requests for one email now always get the usual "check your inbox" page; past the limit no mail
is sent. A flood from one address is still refused with 429.
"""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def reset(email: str, ip: str):
    return Client().post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_requests_for_one_address_never_refuse_its_owner(member, settings):
    for n in range(settings.PASSWORD_RESET_LIMIT):
        reset(member.email, ip=f"10.70.0.{n}")
    own = reset(member.email.upper(), ip="10.70.1.1")
    assert own.status_code == 302
    assert own["Location"] == reverse("password_reset_done")
    # The flood's mails were sent, and no more: the inbox is not flooded either.
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT


def test_the_answer_past_the_limit_is_the_same_for_known_and_unknown_addresses(member, settings):
    for n in range(settings.PASSWORD_RESET_LIMIT + 1):
        known = reset(member.email, ip=f"10.71.0.{n}")
        unknown = reset("nobody@example.com", ip=f"10.71.1.{n}")
        assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


def test_a_flood_from_one_address_is_still_refused_with_429(member, settings):
    for n in range(settings.PASSWORD_RESET_LIMIT):
        reset(f"someone{n}@example.com", ip="10.72.0.1")
    assert reset(member.email, ip="10.72.0.1").status_code == 429
    assert len(mail.outbox) == 0
