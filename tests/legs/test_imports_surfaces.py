"""Where a run was, from its file: treadmill when nothing moved on a map or the FIT file says
treadmill, trail when it says trail, otherwise road; and the Strava export's header variants
(79 to 103 columns, README of the real-data folder) read alike.

The FIT files are written here with fit-tool (as the import benchmark writes its own): the real
ones are all road runs.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from legs.models import Run
from tests.legs.imports_support import fit_file, real, strava_export, upload

pytestmark = pytest.mark.django_db

START = datetime.datetime(2024, 3, 3, 7, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"


def fit_run(*, sub_sport: str = "GENERIC", positions: bool = True, seconds: int = 600) -> bytes:
    """A running FIT file: a record a second, 2.8 m a second, the session naming its sub-sport."""
    from fit_tool.profile.profile_type import Sport, SubSport

    def record(n: int) -> dict:
        where = {"position_lat": 51.5 + n * 0.000025, "position_long": -0.1} if positions else {}
        return {**where, "distance": n * 2.8, "heart_rate": 140}

    session = {
        "total_distance": seconds * 2.8,
        "sport": Sport.RUNNING,
        "sub_sport": SubSport[sub_sport],
    }
    return fit_file(start=START, seconds=seconds, record=record, session=session)


def imported_run(client, *files) -> Run:
    response = upload(client, *files)
    assert response.status_code == 302, response.content.decode()[:1000]
    (run,) = Run.objects.all()
    return run


@pytest.mark.parametrize(
    ("sub_sport", "positions", "surface"),
    [
        ("GENERIC", True, "road"),
        ("TREADMILL", True, "treadmill"),
        ("GENERIC", False, "treadmill"),  # nothing moved on a map
        ("TRAIL", True, "trail"),
    ],
)
def test_a_fit_run_is_on_the_surface_its_file_says(member_client, sub_sport, positions, surface):
    run = imported_run(
        member_client, ("run.fit", fit_run(sub_sport=sub_sport, positions=positions))
    )
    assert run.surface == surface
    assert float(run.distance_km) == pytest.approx(1.68)


def test_a_tcx_run_without_positions_is_a_treadmill_run(member_client):
    data = real("tcxparser_test_running.tcx")
    without = b"".join(part.split(b"</Position>", 1)[-1] for part in data.split(b"<Position>"))
    assert b"<LatitudeDegrees>" not in without
    assert imported_run(member_client, ("mill.tcx", without)).surface == "treadmill"


@pytest.mark.parametrize(
    ("strava_type", "sub_sport", "surface"),
    [
        ("Run", "TRAIL", "trail"),  # the file knows better than the row's plain "Run"
        ("Run", "TREADMILL", "treadmill"),
        ("Trail Run", "GENERIC", "trail"),  # the row knows better than a generic file
        ("Virtual Run", "GENERIC", "treadmill"),
        ("Run", "GENERIC", "road"),
    ],
)
def test_a_strava_export_run_takes_the_surface_its_row_or_its_file_says(
    member_client, strava_type, sub_sport, surface
):
    header = (
        "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
        "Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,"
        "Activity Gear,Filename\n"
    )
    row = f'900,"Mar 3, 2024, 7:00:00 AM",Run,{strava_type},,600,1.68,,,,,,activities/900.fit\n'
    files = {"activities/900.fit": fit_run(sub_sport=sub_sport)}
    export = strava_export(header + row, files=files)
    assert imported_run(member_client, ("export.zip", export)).surface == surface


# Strava's header variants, as the real-data README lists them against its 94-column header.

H94 = [
    "Activity ID",
    "Activity Date",
    "Activity Name",
    "Activity Type",
    "Activity Description",
    "Elapsed Time",
    "Distance",
    "Max Heart Rate",
    "Relative Effort",
    "Commute",
    "Activity Private Note",
    "Activity Gear",
    "Filename",
    "Athlete Weight",
    "Bike Weight",
    "Elapsed Time",
    "Moving Time",
    "Distance",
    "Max Speed",
    "Average Speed",
    "Elevation Gain",
    "Elevation Loss",
    "Elevation Low",
    "Elevation High",
    "Max Grade",
    "Average Grade",
    "Average Positive Grade",
    "Average Negative Grade",
    "Max Cadence",
    "Average Cadence",
    "Max Heart Rate",
    "Average Heart Rate",
    "Max Watts",
    "Average Watts",
    "Calories",
    "Max Temperature",
    "Average Temperature",
    "Relative Effort",
    "Total Work",
    "Number of Runs",
    "Uphill Time",
    "Downhill Time",
    "Other Time",
    "Perceived Exertion",
    "Type",
    "Start Time",
    "Weighted Average Power",
    "Power Count",
    "Prefer Perceived Exertion",
    "Perceived Relative Effort",
    "Commute",
    "Total Weight Lifted",
    "From Upload",
    "Grade Adjusted Distance",
    "Weather Observation Time",
    "Weather Condition",
    "Weather Temperature",
    "Apparent Temperature",
    "Dewpoint",
    "Humidity",
    "Weather Pressure",
    "Wind Speed",
    "Wind Gust",
    "Wind Bearing",
    "Precipitation Intensity",
    "Sunrise Time",
    "Sunset Time",
    "Moon Phase",
    "Bike",
    "Gear",
    "Precipitation Probability",
    "Precipitation Type",
    "Cloud Cover",
    "Weather Visibility",
    "UV Index",
    "Weather Ozone",
    "Jump Count",
    "Total Grit",
    "Average Flow",
    "Flagged",
    "Average Elapsed Speed",
    "Dirt Distance",
    "Newly Explored Distance",
    "Newly Explored Dirt Distance",
    "Activity Count",
    "Total Steps",
    "Carbon Saved",
    "Pool Length",
    "Training Load",
    "Intensity",
    "Average Grade Adjusted Pace",
    "Timer Time",
    "Total Cycles",
    "Media",
]
HTML_NAME = (
    '<span class="translation_missing" title="translation missing: '
    'en-US.lib.export.portability_exporter.activities.horton_values.{}">{}</span>'
)


def _variant(columns: int) -> list[str]:
    names = list(H94)
    if columns == 79:  # no Max Heart Rate / Private Note by the first Distance; ends at speed
        del names[names.index("Activity Private Note")]
        del names[names.index("Max Heart Rate")]
        names = names[: names.index("Average Elapsed Speed") + 1]
        for raw in ("Type", "Start Time", "Jump Count", "Total Grit", "Flagged"):
            names[names.index(raw)] = HTML_NAME.format(raw.lower().replace(" ", "_"), raw)
    elif columns == 92:
        names = [name for name in names if name not in ("Timer Time", "Total Cycles")]
    elif columns in (99, 103):
        extra = ["Recovery", "With Pet", "Competition", "Long Run", "For a Cause"]
        if columns == 103:
            extra += ["With Kid", "Downhill Distance", "Total Sets", "Total Reps"]
        names = names[:-1] + extra + ["Media"]
    assert len(names) == columns
    return names


@pytest.mark.parametrize("columns", [79, 92, 94, 99, 103])
def test_every_strava_header_variant_gives_the_run_from_its_second_distance(member_client, columns):
    import csv
    import io

    names = _variant(columns)
    cells = dict.fromkeys(range(len(names)), "")
    first = {
        "Activity ID": "900",
        "Activity Date": "Mar 3, 2024, 7:00:00 AM",
        "Activity Name": "Hill\nrepeats",
        "Activity Type": "Run",
        "Elapsed Time": "1900",
        "Distance": "5.01",
        "Moving Time": "1800",
    }
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in first and name not in seen:
            cells[index] = first[name]
        elif name == "Distance":  # the second: metres at full precision
            cells[index] = "5012.7"
        elif name == "Media":
            cells[index] = "media/a.jpg|media/b.jpg"
        seen.add(name)
    out = io.StringIO()
    csv.writer(out).writerows([names, [cells[i] for i in range(len(names))]])
    response = upload(member_client, ("export.zip", strava_export(out.getvalue(), files={})))
    assert response.status_code == 302
    run = Run.objects.get()
    assert float(run.distance_km) == 5.013  # 5012.7 m to the metre, not the rounded 5.01 km
    assert run.duration == datetime.timedelta(seconds=1800)
    assert "Hill\nrepeats" in run.notes
    page = member_client.get(response["Location"]).content.decode()
    assert "Imported 1 new run." in page
    assert reverse("run_edit", args=[run.pk]) in page
