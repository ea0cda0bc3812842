"""CSV out and in: our own round trip, Strava's activities.csv, and files we refuse."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from legs import diary_io
from legs.diary_schema import CHECKIN_SCHEMA, RUN_SCHEMA
from legs.models import CheckIn, Run
from legs.models.diary import member_today
from tests.factories import CheckInFactory, RunFactory, UserFactory
from tests.legs.test_diary_forms import good_run

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
RUN_FIELDS = RUN_SCHEMA.names
CHECKIN_FIELDS = CHECKIN_SCHEMA.names


def upload(client, content: bytes, name: str = "diary.csv", **extra: object):
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(reverse("diary_import"), {"file": file, "default_rpe": "3", **extra})


def entries(model, user, fields) -> list[tuple]:
    return list(model.objects.filter(user=user).order_by("date", "id").values_list(*fields))


def rows_of(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def varied_diary(member) -> None:
    today = member_today(member)
    RunFactory(
        user=member,
        date=today,
        distance_km=Decimal("4.9889664"),  # typed as 3.1 mi
        duration=timedelta(seconds=1805),
        kind="tempo",
        surface="track",
        rpe=7,
        leg_heaviness=None,
        warm_up_minutes=12,
        cool_down_minutes=0,
        stretched_after=True,
        water_ml=750,
        pain_location="left knee, outside",
        pain_score=3,
        notes='Windy; "brutal" last lap,\nthen a walk home. Ça va.',
    )
    RunFactory(
        user=member,
        date=today - timedelta(days=3),
        distance_km=Decimal("42.195"),
        duration=timedelta(hours=3, minutes=59, seconds=59),
        kind="race",
        notes="=SUM(A1:A9) is not a formula here",
    )
    RunFactory(user=member, date=today - timedelta(days=3), distance_km=Decimal("0.400"))
    CheckInFactory(
        user=member,
        date=today,
        sleep_hours=Decimal("6.25"),
        rest_day=True,
        tip_done=True,
        recovery_actions=["stretching", "compression_socks"],
        iron_rich_meals=2,
        notes="-tired but fine\r\nsecond line",
    )
    CheckInFactory(user=member, date=today - timedelta(days=1), sleep_hours=Decimal("9.00"))


# Export.


def test_export_is_one_csv_of_runs_and_checkins_in_the_members_unit(client):
    member = UserFactory(units="mi")
    varied_diary(member)
    client.force_login(member)
    response = client.get(reverse("diary_export"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = rows_of(response)
    assert [row["type"] for row in rows] == ["run"] * 3 + ["checkin"] * 2
    typed_in_miles = next(row for row in rows if row["kind"] == "tempo")
    assert (typed_in_miles["distance"], typed_in_miles["unit"]) == ("3.1", "mi")
    assert typed_in_miles["pace"] == "9:42"
    # 42.195 km is 26.218757... mi: written in km, exactly, rather than as a long decimal.
    marathon = next(row for row in rows if row["kind"] == "race")
    assert (marathon["distance"], marathon["unit"]) == ("42.195", "km")
    assert marathon["duration"] == "3:59:59"
    assert marathon["pace"] == "5:41"
    assert marathon["notes"] == "'=SUM(A1:A9) is not a formula here"  # no spreadsheet formula


def test_export_holds_only_the_members_own_entries(member_client, member, other_member):
    RunFactory(user=member)
    RunFactory(user=other_member, notes="not yours")
    CheckInFactory(user=other_member)
    rows = rows_of(member_client.get(reverse("diary_export")))
    assert len(rows) == 1
    assert "not yours" not in member_client.get(reverse("diary_export")).content.decode()


# Our own CSV: the round trip.


def test_export_then_import_into_another_member_gives_identical_entries(client):
    owner = UserFactory(units="mi", time_zone="Europe/London")
    varied_diary(owner)
    client.force_login(owner)
    exported = client.get(reverse("diary_export")).content

    newcomer = UserFactory(units="km", time_zone="Europe/London")
    client.force_login(newcomer)
    response = upload(client, exported)
    assert response.status_code == 302
    assert entries(Run, newcomer, RUN_FIELDS) == entries(Run, owner, RUN_FIELDS)
    assert entries(CheckIn, newcomer, CHECKIN_FIELDS) == entries(CheckIn, owner, CHECKIN_FIELDS)
    assert Run.objects.filter(user=owner).count() == 3

    # And the newcomer's own export, in km, carries the same diary back again.
    again = UserFactory(units="mi")
    client.force_login(newcomer)
    in_km = client.get(reverse("diary_export")).content
    client.force_login(again)
    assert upload(client, in_km).status_code == 302
    assert entries(Run, again, RUN_FIELDS) == entries(Run, owner, RUN_FIELDS)


@pytest.mark.parametrize(
    ("units", "typed", "written"),
    [
        ("mi", "3.1", "3.1"),
        ("mi", "26.22", "26.22"),
        ("km", "5.25", "5.25"),
        ("km", "42.195", "42.195"),
    ],
)
def test_a_distance_typed_in_the_run_form_is_exported_as_typed_and_imports_back_exactly(
    client, units, typed, written
):
    member = UserFactory(units=units)
    client.force_login(member)
    form = good_run(member) | {"distance_km": typed}
    assert client.post(reverse("run_create"), form).status_code == 302
    exported = client.get(reverse("diary_export"))
    (row,) = rows_of(exported)
    assert (row["distance"], row["unit"]) == (written, units)

    newcomer = UserFactory(units="km" if units == "mi" else "mi")
    client.force_login(newcomer)
    assert upload(client, exported.content).status_code == 302
    assert entries(Run, newcomer, RUN_FIELDS) == entries(Run, member, RUN_FIELDS)
    # The newcomer prefers the other unit; their export still writes the distance as typed.
    (again,) = rows_of(client.get(reverse("diary_export")))
    assert (again["distance"], again["unit"]) == (written, units)


def test_reimporting_the_same_file_adds_nothing(member_client, member):
    varied_diary(member)
    exported = member_client.get(reverse("diary_export")).content
    response = upload(member_client, exported)
    assert response.status_code == 302
    assert Run.objects.filter(user=member).count() == 3
    assert CheckIn.objects.filter(user=member).count() == 2
    message = member_client.get(reverse("diary")).content.decode()
    assert "Imported 0 new runs and 0 new check-ins." in message
    assert "3 runs already in your diary, not added again." in message


def csv_line(**cells: object) -> str:
    """One row of our CSV, its cells placed by column name (the rest empty)."""
    return ",".join(str(cells.get(column, "")) for column in diary_io.COLUMNS)


A_RUN = {
    "type": "run",
    "unit": "km",
    "distance": 5,
    "duration": "30:00",
    "kind": "easy",
    "surface": "road",
    "rpe": 4,
    "leg_heaviness": 3,
    "warm_up_minutes": 10,
    "cool_down_minutes": 5,
    "stretched_after": "no",
}
A_CHECKIN = {
    "type": "checkin",
    "leg_heaviness": 3,
    "sleep_hours": 7,
    "soreness": 2,
    "fatigue": 2,
    "stress": 2,
    "rest_day": "no",
    "iron_rich_meals": 1,
}


def test_a_bad_row_in_our_csv_imports_nothing_and_lists_the_rows(member_client, member):
    today = member_today(member)
    yesterday = today - timedelta(days=1)
    content = "\n".join(
        [
            ",".join(diary_io.COLUMNS),
            csv_line(**A_RUN, date=today - timedelta(days=2), notes="ok"),
            csv_line(**A_RUN | {"distance": 0}, date=yesterday, notes="zero"),
            csv_line(**A_CHECKIN, date=today, notes="fine"),
            csv_line(**A_CHECKIN, date=today, notes="same day twice"),
            csv_line(**A_CHECKIN | {"sleep_hours": 7.5, "stress": 9}, date=yesterday),
            csv_line(**A_RUN | {"unit": "parsecs"}, date=today),
            csv_line(type="walk", date=today),
            csv_line(**A_RUN | {"stretched_after": "maybe"}, date=today + timedelta(days=1)),
        ]
    )
    response = upload(member_client, content.encode())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported: 6 rows need fixing" in page
    report = {
        int(row): html.unescape(message)
        for row, message in re.findall(r'<th scope="row">(\d+)</th><td>(.*?)</td>', page)
    }
    assert set(report) == {3, 5, 6, 7, 8, 9}
    assert "Enter a distance greater than 0." in report[3]
    assert f"Row 4 already has a check-in for {today.isoformat()}" in report[5]
    assert "Stress: Choose a whole number from 1 to 7." in report[6]
    assert "Unit: write km or mi" in report[7]
    assert "Type: write run or checkin" in report[8]
    assert "Stretched after: write yes or no" in report[9]
    assert not Run.objects.exists()
    assert not CheckIn.objects.exists()


def test_a_checkin_row_for_a_day_already_logged_updates_that_day(member_client, member):
    today = member_today(member)
    CheckInFactory(user=member, date=today, sleep_hours=Decimal("5.00"))
    content = (
        ",".join(diary_io.COLUMNS) + "\n" + csv_line(**A_CHECKIN | {"sleep_hours": 8}, date=today)
    )
    assert upload(member_client, content.encode()).status_code == 302
    assert CheckIn.objects.get(user=member).sleep_hours == Decimal("8.00")


# Strava.


def test_a_strava_file_imports_its_runs_and_counts_the_rides_it_skips(client):
    member = UserFactory(time_zone="Asia/Tokyo")
    client.force_login(member)
    response = upload(client, (DATA / "strava_activities.csv").read_bytes(), "activities.csv")
    assert response.status_code == 302
    runs = list(Run.objects.filter(user=member).order_by("date"))
    assert [(r.date, r.distance_km, r.duration) for r in runs] == [
        (date(2024, 3, 1), Decimal("5.010"), timedelta(seconds=1800)),
        (date(2024, 3, 3), Decimal("16.200"), timedelta(seconds=6300)),
        # 23:30 UTC on 5 March is already 6 March in Tokyo.
        (date(2024, 3, 6), Decimal("7.300"), timedelta(seconds=2950)),
        (date(2024, 3, 7), Decimal("6.000"), timedelta(seconds=2100)),
    ]
    assert [r.surface for r in runs] == ["road", "road", "trail", "treadmill"]
    # Strava's Perceived Exertion where the runner gave one; never a made-up default.
    assert [r.rpe for r in runs] == [None, 7, 6, 8]
    assert runs[1].notes == (
        "Strava: Long Sunday · Easy long run, felt heavy after 12 km · Shoes: Pegasus 40"
    )
    assert runs[0].started_at == datetime(2024, 3, 1, 7, 2, 11, tzinfo=UTC)
    assert {(r.source, r.source_id) for r in runs[:1]} == {("strava", "10853456001")}
    assert all(r.leg_heaviness is None for r in runs)
    page = client.get(reverse("diary")).content.decode()
    assert "Imported 4 new runs." in page
    assert "Skipped 3 activities that are not runs (Ride: 2, Swim: 1)." in page


def test_one_skipped_activity_is_said_in_the_singular(member_client, member):
    lines = (DATA / "strava_activities.csv").read_bytes().splitlines(keepends=True)
    one_run_one_ride = b"".join(lines[:3])  # the header, a run and a ride
    upload(member_client, one_run_one_ride, "activities.csv")
    page = html.unescape(member_client.get(reverse("diary")).content.decode())
    assert "Imported 1 new run. Skipped 1 activity that is not a run (Ride: 1)." in page


def test_reimporting_a_strava_file_does_not_duplicate_runs(member_client, member):
    content = (DATA / "strava_activities.csv").read_bytes()
    upload(member_client, content, "activities.csv")
    response = upload(member_client, content, "activities.csv")
    assert response.status_code == 302
    assert Run.objects.filter(user=member).count() == 4
    assert "4 runs already in your diary" in member_client.get(reverse("diary")).content.decode()


def test_a_strava_file_with_bad_rows_imports_nothing_and_reports_each_row(member_client):
    content = (DATA / "strava_activities_bad_row.csv").read_bytes()
    response = upload(member_client, content, "activities.csv")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported: 3 rows need fixing" in page
    assert '<th scope="row">4</th><td>Distance: “lots” is not a number.</td>' in page
    assert '<th scope="row">5</th><td>Activity Date: could not read “the third of March”' in page
    assert '<th scope="row">6</th><td>Distance (km): Enter a distance of at most 500 km.' in page
    assert not Run.objects.exists()


# Files we refuse.


def test_a_file_over_5_mb_is_refused(member_client):
    response = upload(member_client, b"a" * (5 * 1024 * 1024 + 1))
    assert response.status_code == 200
    assert "the limit is 5 MB" in response.content.decode()
    assert not Run.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "That is not a CSV file."),
        ("diary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not a CSV text file"),
        ("diary.csv", b"name,age\nSam,40\n", "We did not recognise the columns"),
        ("diary.csv", b"", "The submitted file is empty."),
        ("diary.csv", b"\n\n", "That file is empty"),
    ],
)
def test_files_that_are_not_a_diary_csv_are_refused_with_a_clear_message(
    member_client, name, content, message
):
    response = upload(member_client, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Run.objects.exists()


def test_a_strava_file_of_rides_only_says_there_are_no_runs(member_client):
    content = (
        "Activity ID,Activity Date,Activity Type,Elapsed Time,Distance\n"
        '1,"Mar 2, 2024, 9:15:00 AM",Ride,3720,24.5\n'
    )
    page = upload(member_client, content.encode(), "activities.csv").content.decode()
    assert "There are no runs or check-ins in that file (only 1 other activity)." in page
