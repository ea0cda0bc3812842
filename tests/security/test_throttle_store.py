"""Issue 12, item 2: rate limits that neither a race nor a flood of cached pages undoes.

- An attempt is counted before it is judged (config/throttle.py), so attempts that overlap
  cannot all slip under the limit (the threads of tests/accounts/test_login_limit.py race for
  real; here the overlap is made certain by running attempts inside another's password check).
- Counters, sessions and pages live in separate cache aliases; a page is cached under the
  parameters its view reads only, so `?flood=<n>` stores nothing and evicts nothing.
"""

import runpy
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import config.settings.base
from accounts.backends import UsernameOrEmailBackend
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def wrong_password(ip: str = "10.50.0.1", username: str = "alice"):
    return Client().post(
        reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=ip
    )


def test_overlapping_wrong_passwords_get_no_more_checks_than_the_limit(settings, monkeypatch):
    UserFactory(username="alice")
    checked = []
    real = UsernameOrEmailBackend.authenticate

    def authenticate(self, request, **credentials):
        checked.append(credentials["username"])
        if len(checked) == 1:
            # While the first attempt's password is being checked, 29 more arrive.
            for n in range(29):
                wrong_password(ip=f"10.51.0.{n}")
        return real(self, request, **credentials)

    monkeypatch.setattr(UsernameOrEmailBackend, "authenticate", authenticate)
    wrong_password()
    assert len(checked) == settings.LOGIN_FAILURE_LIMIT


def test_a_flood_of_page_urls_does_not_lift_a_log_in_lock(tip, settings):
    member = UserFactory(username="alice")
    for n in range(settings.LOGIN_FAILURE_LIMIT):
        wrong_password(ip=f"10.52.0.{n}")
    visitor = Client()
    for n in range(400):  # more than the 300 entries a worker's local-memory cache holds
        assert visitor.get(f"/tips/?flood={n}").status_code == 200
    right = {"username": member.username, "password": PASSWORD}
    assert Client().post(reverse("login"), right, REMOTE_ADDR="10.52.1.1").status_code == 429


def test_a_page_with_a_parameter_its_view_does_not_read_is_served_but_not_stored(
    tip, django_assert_num_queries, django_assert_max_num_queries
):
    visitor = Client()
    for url in ("/tips/?q=legs", f"{tip.get_absolute_url()}?page=1"):
        visitor.get(url)
        with django_assert_num_queries(0):
            assert visitor.get(url).status_code == 200  # a parameter the view reads: cached
    for url in ("/tips/?q=legs&flood=1", f"{tip.get_absolute_url()}?q=legs"):
        visitor.get(url)
        with django_assert_max_num_queries(100) as captured:
            assert visitor.get(url).status_code == 200
        assert len(captured) > 0  # rendered again: the first one was not kept


def settings_under(monkeypatch, **environ: str) -> dict:
    for name in ("REDIS_URL", "COUNTER_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(config.settings.base.__file__)))


@pytest.mark.parametrize("redis", ["", "redis://127.0.0.1:6379/9"])
def test_counters_sessions_and_pages_never_share_a_cache_alias(monkeypatch, redis):
    values = settings_under(monkeypatch, REDIS_URL=redis)
    caches = values["CACHES"]
    assert {"default", "pages", "counters"} <= caches.keys()
    prefixes = [cache.get("KEY_PREFIX", alias) for alias, cache in caches.items()]
    assert len(set(prefixes)) == len(prefixes)
    if redis:
        # An evicted session costs a database read, never a log-out.
        assert values["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"
        assert values["SESSION_CACHE_ALIAS"] not in ("pages", "default")
    else:
        # Shared by every worker through the database; pages bounded per worker.
        assert caches["counters"]["BACKEND"] == "config.throttle.CounterCache"
        assert caches["pages"]["OPTIONS"]["MAX_ENTRIES"] == 300
        assert values.get("SESSION_ENGINE", "django.contrib.sessions.backends.db") == (
            "django.contrib.sessions.backends.db"
        )


def test_counters_can_live_on_a_redis_of_their_own(monkeypatch):
    values = settings_under(
        monkeypatch, REDIS_URL="redis://cache:6379/0", COUNTER_REDIS_URL="redis://counters:6379/0"
    )
    assert values["CACHES"]["counters"]["LOCATION"] == "redis://counters:6379/0"
    assert values["CACHES"]["pages"]["LOCATION"] == "redis://cache:6379/0"
