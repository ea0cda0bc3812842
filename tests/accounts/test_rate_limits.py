import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from config import throttle

pytestmark = pytest.mark.django_db

STRONG = "stride-cadence-42-hills"


def signup(client, n, ip="10.1.1.1"):
    data = {
        "username": f"runner{n}",
        "email": f"runner{n}@example.com",
        "password1": STRONG,
        "password2": STRONG,
    }
    return client.post(reverse("signup"), data, REMOTE_ADDR=ip)


def reset(client, email, ip="10.2.2.2"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def later_than_the_window(monkeypatch, seconds):
    moment = throttle.time.time() + seconds + throttle.BUCKET_SECONDS
    monkeypatch.setattr(throttle.time, "time", lambda: moment)


def test_a_flood_of_signups_from_one_ip_is_refused_and_creates_nothing(client, settings):
    for n in range(settings.SIGNUP_LIMIT):
        client.post(reverse("logout"))
        assert signup(client, n).status_code == 302
    client.post(reverse("logout"))
    response = signup(client, 99)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not User.objects.filter(username="runner99").exists()
    client.post(reverse("logout"))
    assert signup(client, 100, ip="10.9.9.9").status_code == 302


def test_signups_recover_after_the_window(client, settings, monkeypatch):
    for n in range(settings.SIGNUP_LIMIT):
        client.post(reverse("logout"))
        signup(client, n)
    client.post(reverse("logout"))
    assert signup(client, 99).status_code == 429
    later_than_the_window(monkeypatch, settings.SIGNUP_WINDOW)
    assert signup(client, 99).status_code == 302


def test_a_flood_of_password_resets_for_one_address_sends_no_more_mail(client, member, settings):
    # Answered as ever (a refusal would block the member's own reset, issue 12), but past the
    # limit nothing is sent.
    for n in range(settings.PASSWORD_RESET_LIMIT):
        assert reset(client, member.email, ip=f"10.3.3.{n}").status_code == 302
    response = reset(client, member.email, ip="10.3.3.200")
    assert response.status_code == 302
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT


def test_password_reset_floods_are_refused_alike_for_unknown_addresses(client, settings):
    for n in range(settings.PASSWORD_RESET_LIMIT):
        reset(client, f"nobody{n}@example.com")
    assert reset(client, "nobody-else@example.com").status_code == 429


def test_password_resets_recover_after_the_window(client, member, settings, monkeypatch):
    for _ in range(settings.PASSWORD_RESET_LIMIT):
        reset(client, member.email)
    assert reset(client, member.email).status_code == 429
    later_than_the_window(monkeypatch, settings.PASSWORD_RESET_WINDOW)
    assert reset(client, member.email).status_code == 302
