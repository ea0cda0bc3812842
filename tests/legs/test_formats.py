"""Every display format, one function each: days, counts, numbers, distances, times, avatars."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from legs import formats

ROOT = Path(__file__).resolve().parents[2]
TUESDAY = date(2025, 2, 4)


def test_a_day_reads_with_its_weekday_and_year_unless_asked_otherwise() -> None:
    assert formats.day(TUESDAY) == "Tue 4 Feb 2025"
    assert formats.day(TUESDAY, year=False) == "Tue 4 Feb"
    assert formats.day(TUESDAY, weekday=False, year=False) == "4 Feb"
    assert formats.day(TUESDAY, weekday=False) == "4 Feb 2025"


def test_a_day_of_the_month_is_never_zero_padded() -> None:
    assert formats.day(date(2025, 12, 31)) == "Wed 31 Dec 2025"
    assert formats.day(date(2026, 1, 1), weekday=False, year=False) == "1 Jan"


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 runs"), (1, "1 run"), (2, "2 runs"), (21, "21 runs")]
)
def test_plural_is_singular_only_for_one(count: int, expected: str) -> None:
    assert formats.plural(count, "run") == expected


def test_plural_takes_an_irregular_plural_and_several_words() -> None:
    assert formats.plural(1, "activity", "activities") == "1 activity"
    assert formats.plural(3, "activity", "activities") == "3 activities"
    assert formats.plural(2, "existing check-in") == "2 existing check-ins"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("7.50"), "7.5"),
        (Decimal("8.00"), "8"),
        (Decimal("500.000"), "500"),  # normalize() alone gives 5E+2
        (Decimal("0.000"), "0"),
        (Decimal("0.125"), "0.125"),
        (7.5, "7.5"),
        (None, ""),
    ],
)
def test_plain_number_drops_trailing_zeros_and_never_uses_an_exponent(
    value: Decimal | float | None, expected: str
) -> None:
    assert formats.plain_number(value) == expected


def test_a_mile_is_exactly_the_international_mile() -> None:
    assert formats.KM_PER_MILE == 1.609344


def test_the_mile_factor_is_defined_in_one_place() -> None:
    # One definition, so no two parts of the site can convert miles differently.
    assigned = re.compile(r"^\s*KM_PER_MILE\s*[:=]", re.MULTILINE)
    homes = [
        path.relative_to(ROOT).as_posix()
        for folder in ("accounts", "config", "legs")
        for path in (ROOT / folder).rglob("*.py")
        if assigned.search(path.read_text())
    ]
    assert homes == ["legs/formats.py"]


def test_kilometres_convert_to_the_members_unit() -> None:
    assert formats.km_to(Decimal("10"), "km") == 10.0
    assert formats.km_to(Decimal("1.609344"), "mi") == pytest.approx(1.0)
    assert formats.km_to(0, "mi") == 0.0


def test_a_typed_distance_becomes_exact_kilometres() -> None:
    assert formats.km_from(Decimal("1"), "mi") == Decimal("1.609344")
    assert formats.km_from(Decimal("3.1"), "mi") == Decimal("4.9889664")
    assert formats.km_from(Decimal("5.0005"), "km") == Decimal("5.0005")
    assert str(formats.km_from(Decimal("10"), "km")) == "10.000000000"


def test_distance_shows_two_decimals_in_the_members_unit_or_as_asked() -> None:
    assert formats.distance(Decimal("5"), "km") == "5.00 km"
    assert formats.distance(Decimal("5"), "mi") == "3.11 mi"
    assert formats.distance(24.04, "km", places=1) == "24.0 km"
    assert formats.distance(Decimal("500"), "mi", places=1) == "310.7 mi"
    assert formats.distance(None, "km") == ""


def test_the_run_form_shows_a_distance_as_typed_or_miles_to_two_decimals() -> None:
    assert str(formats.distance_input(Decimal("5.250"), "km")) == "5.25"
    assert str(formats.distance_input(Decimal("500.000"), "km")) == "500"
    assert str(formats.distance_input(Decimal("4.9889664"), "mi")) == "3.1"
    assert str(formats.distance_input(Decimal("5.000"), "mi")) == "3.11"
    assert str(formats.distance_input(Decimal("8.047"), "mi")) == "5.0"


@pytest.mark.parametrize(
    ("typed", "unit", "member_unit", "written"),
    [
        ("3.1", "mi", "mi", ("3.1", "mi")),  # not 3.100021
        ("26.2", "mi", "mi", ("26.2", "mi")),
        ("0.01", "mi", "mi", ("0.01", "mi")),
        ("310.68", "mi", "mi", ("310.68", "mi")),
        ("5.25", "km", "km", ("5.25", "km")),
        ("42.195", "km", "km", ("42.195", "km")),
        ("10", "km", "mi", ("10", "km")),  # 6.213712 mi would be noise: its own unit instead
        ("3.1", "mi", "km", ("3.1", "mi")),
        ("8.04672", "km", "mi", ("5", "mi")),  # exactly 5 mi, however it was typed
    ],
)
def test_the_csv_writes_a_distance_as_typed_and_reads_it_back_exactly(
    typed, unit, member_unit, written
) -> None:
    stored = formats.km_from(Decimal(typed), unit)
    assert formats.distance_export(stored, member_unit) == written
    number, written_unit = written
    assert formats.km_from(Decimal(number), written_unit) == stored


def test_a_distance_no_short_unit_states_is_written_in_km_as_stored() -> None:
    stored = Decimal("5.123456789")
    assert formats.distance_export(stored, "mi") == ("5.123456789", "km")
    assert formats.km_from(Decimal("5.123456789"), "km") == stored


@pytest.mark.parametrize(
    ("seconds", "expected"), [(0, "0:00"), (30, "0:30"), (600, "10:00"), (3600, "60:00")]
)
def test_minutes_seconds_is_a_stopwatch_face(seconds: int, expected: str) -> None:
    assert formats.minutes_seconds(seconds) == expected


def test_pace_rounds_to_the_second_and_names_the_unit_when_given() -> None:
    assert formats.pace(300) == "5:00"
    assert formats.pace(329.5) == "5:30"  # rounds half to even, as round() does
    assert formats.pace(482.8, "mi") == "8:03 /mi"
    assert formats.pace(None, "km") == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (timedelta(seconds=59), "0:59"),
        (timedelta(minutes=50), "50:00"),
        (timedelta(seconds=3599), "59:59"),
        (timedelta(hours=1), "1:00:00"),
        (timedelta(hours=1, minutes=5, seconds=3), "1:05:03"),
        (timedelta(hours=26, seconds=5), "26:00:05"),
        (None, ""),
    ],
)
def test_a_duration_shows_hours_only_from_an_hour(value: timedelta | None, expected: str) -> None:
    assert formats.duration(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (timedelta(seconds=59), "0:00:59"),
        (timedelta(minutes=45, seconds=30), "0:45:30"),
        (timedelta(hours=48), "48:00:00"),
        (timedelta(seconds=90.6), "0:01:31"),
        (None, ""),
    ],
)
def test_duration_hms_always_writes_hours(value: timedelta | None, expected: str) -> None:
    assert formats.duration_hms(value) == expected


def test_an_avatar_is_the_first_letter_or_digit_escaped_and_stable() -> None:
    assert formats.avatar("sam").endswith('aria-hidden="true">S</span>')
    assert formats.avatar("  9lives").endswith(">9</span>")
    assert formats.avatar("Sam") == formats.avatar(" sam ")
    assert formats.avatar("<>&").endswith(">?</span>")
    assert "<b" not in formats.avatar("<b>bold</b>")
    colour = re.search(r"avatar-(\d+)", formats.avatar("anyone"))
    assert colour is not None
    assert 0 <= int(colour.group(1)) < formats.AVATAR_COLOURS


def test_formats_import_without_django_settings() -> None:
    # Pure modules (insights, charts) use formats, so it must not need a configured Django.
    code = "import legs.formats, legs.insights, legs.charts"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_a_machine_time_is_to_the_second_with_its_offset() -> None:
    moment = datetime(2026, 3, 1, 9, 5, 7, 123456, tzinfo=UTC)
    assert formats.machine_time(moment) == "2026-03-01T09:05:07+00:00"
