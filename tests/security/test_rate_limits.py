"""Floods of comments and sign-ups: refused per IP and per account, and over after the window.

tests/accounts/ prove log-in (per name and per IP, and the lock lifting), sign-up per IP and
password reset per address and per IP, each with its recovery; tests/legs/test_comments_posting.py
proves the comment limit's first refusal per IP and per account. Here: what those leave out,
and that every refusal answers 429 as the others do.
"""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import PendingSignUp
from config import throttle
from legs.forms.comments import REFUSED_RATE
from legs.models import Comment
from tests.legs.comments_support import post_comment


def later_than_the_window(monkeypatch, seconds: int) -> None:
    moment = throttle.time.time() + seconds + throttle.BUCKET_SECONDS
    monkeypatch.setattr(throttle.time, "time", lambda: moment)


def test_a_comment_flood_from_one_ip_is_refused_with_429_and_over_after_the_window(
    world, settings, monkeypatch
):
    tip = world.tip
    for n in range(settings.COMMENT_RATE_LIMIT):
        assert post_comment(Client(), tip, body=f"Comment {n}", ip="10.5.0.1").status_code == 302
    count = Comment.objects.count()
    refused = post_comment(Client(), tip, body="Keep this text, please.", ip="10.5.0.1")
    assert refused.status_code == 429
    assert REFUSED_RATE in refused.content.decode()
    assert "Keep this text, please." in refused.content.decode()
    assert Comment.objects.count() == count
    # Another address is not held back by this one.
    assert post_comment(Client(), tip, ip="10.5.0.2").status_code == 302
    later_than_the_window(monkeypatch, settings.COMMENT_RATE_WINDOW)
    assert post_comment(Client(), tip, body="Later.", ip="10.5.0.1").status_code == 302


def test_a_comment_flood_from_one_account_is_refused_from_any_ip_and_over_after_the_window(
    world, settings, monkeypatch, client_as
):
    client = client_as("owner")
    for n in range(settings.COMMENT_RATE_LIMIT):
        assert post_comment(client, world.tip, body=f"C{n}", ip=f"10.6.0.{n}").status_code == 302
    assert post_comment(client, world.tip, ip="10.6.1.1").status_code == 429
    # Another member is not held back by this account.
    other = Client()
    other.force_login(world.other)
    assert post_comment(other, world.tip, ip="10.6.2.1").status_code == 302
    later_than_the_window(monkeypatch, settings.COMMENT_RATE_WINDOW)
    assert post_comment(client, world.tip, ip="10.6.1.1").status_code == 302


def test_replies_count_toward_the_same_limit_and_a_refused_reply_keeps_its_page(world, settings):
    parent = world.comment
    for n in range(settings.COMMENT_RATE_LIMIT):
        post_comment(Client(), world.tip, body=f"Reply {n}", parent=str(parent.pk), ip="10.7.0.1")
    assert parent.replies.count() == settings.COMMENT_RATE_LIMIT
    refused = post_comment(Client(), world.tip, body="Top level", ip="10.7.0.1")
    assert refused.status_code == 429
    refused_reply = post_comment(
        Client(), world.tip, body="One more reply", parent=str(parent.pk), ip="10.7.0.1"
    )
    assert refused_reply.status_code == 429
    html = refused_reply.content.decode()
    assert REFUSED_RATE in html
    assert "One more reply" in html


def test_an_htmx_comment_refused_for_flooding_answers_200_so_htmx_shows_why(world, settings):
    for n in range(settings.COMMENT_RATE_LIMIT):
        post_comment(Client(), world.tip, body=f"Comment {n}", ip="10.8.0.1")
    refused = post_comment(Client(), world.tip, htmx=True, body="Kept text", ip="10.8.0.1")
    assert refused.status_code == 200
    assert REFUSED_RATE in refused.content.decode()
    assert "Kept text" in refused.content.decode()


def test_refused_comments_do_not_count_toward_the_limit(world, settings):
    for _ in range(20):
        post_comment(Client(), world.tip, body="", ip="10.9.0.1")  # refused: no text
    for n in range(settings.COMMENT_RATE_LIMIT):
        assert post_comment(Client(), world.tip, body=f"C{n}", ip="10.9.0.1").status_code == 302


def signup(email: str, n: int, ip: str):
    data = {
        "username": f"flood{n}",
        "email": email,
        "password1": "stride-cadence-42-hills",
        "password2": "stride-cadence-42-hills",
    }
    return Client().post(reverse("signup"), data, REMOTE_ADDR=ip)


def test_sign_ups_for_one_address_from_many_ips_are_refused_and_over_after_the_window(
    db, settings, monkeypatch
):
    for n in range(settings.SIGNUP_LIMIT):
        signup("target@example.com", n, ip=f"10.10.0.{n}")
    # Each sign-up replaced the one waiting for the address: one link works, the latest.
    assert PendingSignUp.objects.filter(email="target@example.com").count() == 1
    refused = signup("target@example.com", 99, ip="10.10.1.1")
    assert refused.status_code == 429
    assert signup("someone-else@example.com", 100, ip="10.10.1.2").status_code == 302
    later_than_the_window(monkeypatch, settings.SIGNUP_WINDOW)
    assert signup("target@example.com", 101, ip="10.10.1.1").status_code == 302


@pytest.mark.parametrize(
    ("url_name", "field", "limit"),
    [
        ("login", "username", "LOGIN_FAILURE_LIMIT"),
        ("signup", "email", "SIGNUP_LIMIT"),
        ("password_reset", "email", "PASSWORD_RESET_LIMIT"),
    ],
)
def test_every_account_flood_is_refused_with_429(url_name, field, limit, db, settings):
    client = Client()
    statuses = [
        client.post(reverse(url_name), {field: f"x{n}@example.com", "password": "x"}).status_code
        for n in range(getattr(settings, limit) + 1)
    ]
    assert 429 not in statuses[:-1]
    assert statuses[-1] == 429
