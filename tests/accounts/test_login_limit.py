import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from config import throttle
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def fail_login(client, username, times, ip="10.0.0.1"):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=ip)


def login(client, username, password=PASSWORD, ip="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_ten_wrong_passwords_lock_the_username_even_with_the_right_one(client, member):
    fail_login(client, member.username, 10)
    response = login(client, member.username, ip="10.9.9.9")
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()


def test_nine_wrong_passwords_still_allow_the_right_one(client, member):
    fail_login(client, member.username, 9)
    assert login(client, member.username).status_code == 302


def test_ten_failures_from_one_ip_lock_that_ip_for_every_username(client, member, other_member):
    for n in range(10):
        fail_login(client, f"someone{n}", 1)
    assert login(client, member.username).status_code == 429
    assert login(client, other_member.username, ip="10.0.0.2").status_code == 302


def test_lock_lifts_after_the_window(client, member, monkeypatch):
    fail_login(client, member.username, 10)
    assert login(client, member.username).status_code == 429
    later = throttle.time.time() + 15 * 60 + throttle.BUCKET_SECONDS
    monkeypatch.setattr(throttle.time, "time", lambda: later)
    assert login(client, member.username).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_wrong_passwords_get_no_more_tries_than_the_limit(settings):
    """Real threads, each with its own database connection (and counters in the database cache
    without Redis): the count each attempt's increment returns decides, so at most the limit
    of them reach the password check."""
    member = UserFactory(username="alice")
    start = threading.Barrier(30)
    statuses: list[int] = []

    def attempt(n: int) -> None:
        try:
            start.wait()
            response = Client().post(
                reverse("login"),
                {"username": member.username, "password": "wrong"},
                REMOTE_ADDR=f"10.60.0.{n}",
            )
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(statuses) == 30
    assert set(statuses) <= {200, 429}
    assert statuses.count(200) <= settings.LOGIN_FAILURE_LIMIT
    assert statuses.count(429) >= 30 - settings.LOGIN_FAILURE_LIMIT
