"""Dashboard benchmark: one week of diary against five years of daily runs and check-ins.

Run it on its own (it is not collected by the normal suite, and it asserts no times, which
would make the suite flaky on a busy machine):

    .venv/bin/python -m pytest tests/bench/bench_diary.py -s -p no:cacheprovider

It prints the median time of the dashboard for each diary and their ratio. The issue's target
is a ratio of at most 3: the dashboard reads a bounded window and aggregates the weekly chart in
the database, so its work should not grow with the diary's length.
"""

from __future__ import annotations

import statistics
import time

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.legs.test_diary_views import fill_diary

ROUNDS = 15


def median_seconds(client, url: str) -> float:
    client.get(url)  # warm up templates and connections
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(timings)


@pytest.mark.django_db
def test_dashboard_time_for_five_years_against_one_week(client) -> None:
    results = {}
    for label, days in (("one week", 7), ("five years", 5 * 365 + 1)):
        member = UserFactory()
        fill_diary(member, days)
        client.force_login(member)
        results[label] = median_seconds(client, reverse("diary"))
    ratio = results["five years"] / results["one week"]
    print(
        f"\ndashboard median of {ROUNDS}: one week {results['one week'] * 1000:.1f} ms, "
        f"five years {results['five years'] * 1000:.1f} ms, ratio {ratio:.2f} (target <= 3)"
    )
