"""Distances in the member's unit, paces, and the ways runners write a time."""

from __future__ import annotations

import importlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from legs import formats
from legs.forms.diary import RunForm, parse_duration
from legs.models import Run
from legs.models.diary import member_today
from tests.factories import RunFactory, UserFactory


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1:05:30", 3930),
        ("45:30", 2730),
        ("45", 2700),
        ("42.5", 2550),
        ("75:00", 4500),
        (" 0:45:30 ", 2730),
        ("5:07.4", 307),
    ],
)
def test_duration_accepts_hh_mm_ss_mm_ss_and_minutes(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "abc", "1:75:00", "10:60", "1:2:3:4", "-5", "45 min", "1,5"])
def test_duration_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match=r".*"):
        parse_duration(text)


def test_duration_is_written_back_as_h_mm_ss() -> None:
    assert formats.duration_hms(timedelta(seconds=2730)) == "0:45:30"
    assert formats.duration_hms(timedelta(hours=26, seconds=5)) == "26:00:05"
    assert parse_duration(formats.duration_hms(timedelta(seconds=3930))) == timedelta(seconds=3930)


def test_miles_convert_to_kilometres_to_the_metre() -> None:
    assert formats.km_from(Decimal("1"), "mi") == Decimal("1.609344")
    assert formats.km_from(Decimal("26.2"), "mi") == Decimal("42.1648128")
    assert formats.km_from(Decimal("10"), "km") == Decimal("10.000")
    assert formats.km_to(Decimal("42.195"), "mi") == pytest.approx(26.2188, abs=1e-4)


def test_distances_and_paces_show_in_the_members_unit() -> None:
    run = Run(distance_km=Decimal("10.000"), duration=timedelta(minutes=50))
    assert formats.distance(run.distance_km, "km") == "10.00 km"
    assert formats.distance(run.distance_km, "mi") == "6.21 mi"
    assert formats.pace(run.pace_seconds("km"), "km") == "5:00 /km"
    assert formats.pace(run.pace_seconds("mi"), "mi") == "8:03 /mi"
    assert formats.duration(run.duration) == "50:00"
    assert formats.duration(timedelta(hours=1, minutes=5, seconds=3)) == "1:05:03"
    assert formats.plain_number(Decimal("7.50")) == "7.5"
    assert formats.plain_number(Decimal("8.00")) == "8"


@pytest.mark.django_db
def test_a_member_who_prefers_miles_enters_miles_and_the_diary_stores_kilometres(client) -> None:
    member = UserFactory(units="mi")
    client.force_login(member)
    data = {
        "date": member_today(member).isoformat(),
        "distance_km": "3.1",
        "duration": "30:00",
        "kind": "easy",
        "surface": "road",
        "rpe": "3",
        "leg_heaviness": "2",
        "warm_up_minutes": "10",
        "cool_down_minutes": "5",
    }
    response = client.post(reverse("run_create"), data)
    assert response.status_code == 302
    run = Run.objects.get(user=member)
    assert run.distance_km == Decimal("4.9889664")  # 3.1 mi exactly

    page = client.get(reverse("run_list")).content.decode()
    assert "3.10 mi" in page
    assert "9:41 /mi" in page  # 1800 s over 3.1 mi = 580.6 s a mile
    assert "Distance (mi)" in client.get(reverse("run_create")).content.decode()


@pytest.mark.django_db
def test_editing_a_run_in_miles_without_touching_the_distance_keeps_the_exact_kilometres() -> None:
    member = UserFactory(units="mi")
    run = RunFactory(user=member, distance_km=Decimal("10.000"))
    form = RunForm(instance=run, user=member)
    assert form.initial["distance_km"] == Decimal("6.21")
    data = {name: form[name].value() for name in form.fields}
    data["duration"] = "0:50:00"
    bound = RunForm(data, instance=run, user=member)
    assert bound.is_valid(), bound.errors
    bound.save()
    run.refresh_from_db()
    assert run.distance_km == Decimal("10.000")
    assert run.duration == timedelta(minutes=50)


@pytest.mark.django_db
def test_a_run_form_in_kilometres_shows_the_stored_distance_plainly() -> None:
    member = UserFactory(units="km")
    run = RunFactory(user=member, distance_km=Decimal("5.250"))
    assert RunForm(instance=run, user=member).initial["distance_km"] == Decimal("5.25")


@pytest.mark.django_db
def test_the_migration_stores_distances_typed_in_miles_before_it_exactly() -> None:
    """Distances were kept to the metre: 3.1 mi became 4.989 km. For members who prefer miles,
    a metre value that hundredths of a mile round to is stored exactly; others stay."""
    migration = importlib.import_module("legs.migrations.0011_run_distance_as_typed")
    miler, kilometrer = UserFactory(units="mi"), UserFactory(units="km")
    typed_in_miles = RunFactory(user=miler, distance_km=Decimal("4.989"))
    typed_in_km = RunFactory(user=miler, distance_km=Decimal("5.000"))
    not_a_miler = RunFactory(user=kilometrer, distance_km=Decimal("4.989"))
    migration.store_typed_miles_exactly(django_apps, None)
    for run in (typed_in_miles, typed_in_km, not_a_miler):
        run.refresh_from_db()
    assert typed_in_miles.distance_km == Decimal("4.9889664")
    assert formats.distance_export(typed_in_miles.distance_km, "mi") == ("3.1", "mi")
    assert typed_in_km.distance_km == Decimal("5.000")
    assert not_a_miler.distance_km == Decimal("4.989")
