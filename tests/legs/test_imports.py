"""Activity files through the real upload form and the real task (tasks run at once in tests).

Every file in the real-data folder goes through the form; each run it makes matches the values
that folder's README gives (distance within 0.5 %, time within 2 s, heart rate where given).
"""

from __future__ import annotations

import datetime
import re
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from legs import imports, services
from legs.diary_schema import RUN_SCHEMA
from legs.models import Import, ImportItem, ImportStatus, ItemOutcome, Run
from legs.models.diary import member_today
from tests.factories import RunFactory, UserFactory
from tests.legs.imports_support import (
    REAL,
    STRAVA_CSV,
    gz,
    line_run,
    real,
    strava_export,
    upload,
)
from tests.support import HTMX

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path) -> Path:
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    return settings.IMPORT_UPLOAD_DIR


def imported(client, *files: tuple[str, bytes], **options) -> Import:
    """Upload, follow to the progress page (the task has run), and return the import."""
    response = upload(client, *files, **options)
    assert response.status_code == 302, response.content.decode()[:2000]
    upload_ = Import.objects.latest("pk")
    assert response["Location"] == upload_.get_absolute_url()
    page = client.get(response["Location"])
    assert page.status_code == 200
    upload_.refresh_from_db()
    return upload_


def only_item(upload_: Import) -> ImportItem:
    (item,) = upload_.items.all()
    return item


# (file, metres, seconds of moving time, or of elapsed time for GPX, whose README gives the
# start and end; start time; average and maximum heart rate where the README gives them)
REAL_RUNS = [
    ("gap_laufen_landal_park_run.fit", 3322.95, 1428.038, "2022-05-29T15:53:35", (136, 169)),
    ("gap_strava_export_12866632127.fit.gz", 3322.95, 1428.038, "2022-05-29T15:53:35", None),
    ("fitparse_garmin-fenix-5-run.fit", 157.56, 56.887, "2017-06-11T14:34:09", (90, 112)),
    ("fitparse_activity-small-fenix2-run.fit", 9008.22, 2832, "2015-08-15T14:45:08", None),
    ("togeojson_run_garmin_connect.gpx", 3102.0, 948, "2012-10-24T23:29:40", None),
    ("togeojson_run_strava_gpxtpx.gpx", 125.6, 41, "2015-01-19T21:24:20", None),
    ("togeojson_friday_evening_run_apple_watch.gpx", 87.7, None, "2025-05-02T15:51:15", None),
    ("togeojson_sample_running.tcx", 3441.17, 2325.02, "2007-08-07T02:42:41", None),
    ("tcxparser_test_running.tcx", 4686.31, 1992.78, "2012-12-26T21:29:53", (156, None)),
]


@pytest.mark.parametrize(("name", "metres", "seconds", "start", "heart"), REAL_RUNS)
def test_each_real_activity_file_becomes_the_run_its_readme_describes(
    member_client, member, name, metres, seconds, start, heart
):
    upload_ = imported(member_client, (name, real(name)))
    assert upload_.status == ImportStatus.DONE
    item = only_item(upload_)
    assert item.outcome == ItemOutcome.IMPORTED
    run = item.run
    assert abs(float(run.distance_km) * 1000 - metres) <= metres * 0.005
    if seconds is not None:
        # The README gives a GPX file's start and end: its elapsed time.
        time_kept = run.elapsed_time if name.endswith(".gpx") else run.duration
        assert abs(time_kept.total_seconds() - seconds) <= 2
    assert run.started_at.replace(microsecond=0) == datetime.datetime.fromisoformat(start).replace(
        tzinfo=UTC
    )
    assert run.date == run.started_at.astimezone(imports.member_zone(member)).date()
    assert run.source == name.split(".")[1]
    if heart:
        average, highest = heart
        # The README's average was truncated by python-tcxparser; ours is rounded.
        assert abs(run.avg_heart_rate - average) <= 1
        if highest:
            assert run.max_heart_rate == highest
    assert run.rpe is None
    assert run.leg_heaviness is None
    assert run.kind == "easy"
    assert run.surface == "road"


def test_fit_cadence_is_doubled_to_steps_a_minute_and_climb_and_heart_rate_kept(member_client):
    run = only_item(imported(member_client, ("run.fit", real("gap_laufen_landal_park_run.fit"))))
    # The session says 70 strides a minute (+0.33): one leg's count, so 141 steps.
    assert run.run.avg_cadence == 141
    assert run.run.climb_m == 109
    assert run.run.elapsed_time == datetime.timedelta(seconds=1428)


def test_apple_watch_gpx_keeps_its_heart_rate_and_cadence(member_client):
    name = "togeojson_friday_evening_run_apple_watch.gpx"
    run = only_item(imported(member_client, (name, real(name)))).run
    assert 60 < run.avg_heart_rate < 200
    assert run.max_heart_rate >= run.avg_heart_rate
    assert run.avg_cadence is not None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("fitparse_activity-unexpected-eof.fit", "The file ends early"),
        ("togeojson_bad.gpx", "The GPX file is damaged"),
        ("gpxpy_unicode_with_bom.gpx", "No track and no time"),
    ],
)
def test_each_bad_real_file_is_reported_in_plain_words_and_writes_nothing(
    member_client, name, reason
):
    upload_ = imported(member_client, (name, real(name)))
    item = only_item(upload_)
    assert item.outcome == ItemOutcome.FAILED
    assert item.message.startswith(reason)
    assert upload_.status == ImportStatus.FAILED
    assert not Run.objects.exists()
    page = member_client.get(upload_.get_absolute_url()).content.decode()
    assert reason in page


def test_the_real_strava_csv_alone_imports_its_run_from_the_second_distance(member_client):
    response = upload(member_client, ("activities.csv", real(STRAVA_CSV)))
    assert response.status_code == 302
    run = Run.objects.get()
    assert run.distance_km == Decimal("3.323")  # 3322.949951171875 m, not the rounded 3.32 km
    assert run.duration == datetime.timedelta(seconds=1411)  # Strava's moving time
    assert run.elapsed_time == datetime.timedelta(seconds=1428)
    assert run.started_at == datetime.datetime(2022, 5, 29, 15, 53, 35, tzinfo=UTC)
    assert (run.source, run.source_id) == ("strava", "12070555079")
    assert run.notes == "Strava: Laufen Landal Park"


def test_the_fit_records_csv_is_not_a_diary_and_is_refused(member_client):
    name = "fitparse_garmin-fenix-5-run-records.csv"
    response = upload(member_client, (name, real(name)))
    assert response.status_code == 200
    assert "We did not recognise the columns" in response.content.decode()
    assert not Run.objects.exists()


def test_every_file_in_the_real_data_folder_is_covered_here():
    covered = {name for name, *_ in REAL_RUNS} | {
        "fitparse_activity-unexpected-eof.fit",
        "togeojson_bad.gpx",
        "gpxpy_unicode_with_bom.gpx",
        "fitparse_garmin-fenix-5-run-records.csv",
        STRAVA_CSV,
    }
    activity_files = {
        path.name
        for path in REAL.iterdir()
        if path.suffix in {".fit", ".gpx", ".tcx", ".gz", ".csv"}
    }
    assert activity_files == covered


# The Strava export.


def test_a_strava_export_imports_its_run_with_the_csvs_words_and_the_files_figures(
    member_client, member
):
    upload_ = imported(member_client, ("export_123.zip", strava_export()))
    assert upload_.status == ImportStatus.DONE
    item = only_item(upload_)
    assert item.outcome == ItemOutcome.IMPORTED
    assert item.name == "Laufen Landal Park (12070555079)"
    run = item.run
    assert run.notes == "Strava: Laufen Landal Park"
    assert run.distance_km == Decimal("3.323")
    assert run.duration == datetime.timedelta(seconds=1411)
    assert run.started_at == datetime.datetime(2022, 5, 29, 15, 53, 35, tzinfo=UTC)
    assert run.avg_cadence == 140  # from the .fit.gz (70 a leg), not the CSV
    assert run.climb_m == 109  # the file's climb, not the CSV's 61.9 m
    assert (run.source, run.source_id) == ("strava", "12070555079")
    assert run.rpe is None


def test_a_strava_export_inside_a_folder_and_with_other_activities_counts_them(member_client):
    header, row = real(STRAVA_CSV).decode().splitlines()[:2]
    ride = row.replace("12070555079", "1").replace(",Run,", ",Ride,")
    swim = row.replace("12070555079", "2").replace(",Run,", ",Swim,")
    walk = row.replace("12070555079", "3").replace(",Run,", ",Walk,")
    export = strava_export("\n".join([header, row, ride, swim, walk]), folder="export_9/")
    upload_ = imported(member_client, ("export_9.zip", export))
    outcomes = list(upload_.items.values_list("outcome", "message"))
    assert outcomes[0][0] == ItemOutcome.IMPORTED
    assert outcomes[1:] == [(ItemOutcome.SKIPPED, kind) for kind in ("Ride", "Swim", "Walk")]
    assert "Skipped 3 activities that are not runs (Ride: 1, Swim: 1, Walk: 1)." in (
        upload_.summary
    )
    assert (upload_.total, upload_.done) == (4, 4)


def test_walks_come_in_when_the_member_asks_for_them(member_client):
    header, row = real(STRAVA_CSV).decode().splitlines()[:2]
    walk = row.replace(",Run,", ",Walk,")
    upload_ = imported(
        member_client, ("export.zip", strava_export(f"{header}\n{walk}")), include_walks=True
    )
    assert only_item(upload_).outcome == ItemOutcome.IMPORTED


def test_a_run_whose_file_is_missing_is_imported_from_the_csv_and_says_so(member_client):
    upload_ = imported(member_client, ("export.zip", strava_export(files={})))
    item = only_item(upload_)
    assert item.outcome == ItemOutcome.IMPORTED
    assert "from activities.csv alone" in item.message
    # The CSV's own figures then: 71.26 strides a minute (one leg) and 61.9 m of climb.
    assert (item.run.avg_cadence, item.run.climb_m) == (143, 62)
    assert item.run.distance_km == Decimal("3.323")


@pytest.mark.parametrize(
    ("header_and_row", "metres", "start"),
    [
        # Before July 2019: lower-case names, distance in metres, ISO dates.
        (
            "id,date,name,type,description,elapsed_time,distance,commute,gear,filename\n"
            "77,2018-09-12 15:02:23,Old run,Run,,1800,5000.5,false,,\n",
            5000.5,
            datetime.datetime(2018, 9, 12, 15, 2, 23, tzinfo=UTC),
        ),
        # UK English export: day-first dates.
        (
            "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,"
            "Moving Time,Distance\n"
            '78,"21 Feb 2024, 01:17:32",Night run,Run,1900,6.01,1850,6012.3\n',
            6012.3,
            datetime.datetime(2024, 2, 21, 1, 17, 32, tzinfo=UTC),
        ),
    ],
)
def test_older_and_uk_strava_headers_are_read(member_client, header_and_row, metres, start):
    upload_ = imported(member_client, ("export.zip", strava_export(header_and_row, files={})))
    run = only_item(upload_).run
    assert float(run.distance_km) * 1000 == pytest.approx(metres, abs=0.5)
    assert run.started_at == start


# Nothing twice.


def test_the_same_file_twice_is_already_in_the_diary_the_second_time(member_client):
    name = "gap_laufen_landal_park_run.fit"
    first = only_item(imported(member_client, (name, real(name))))
    second = only_item(imported(member_client, (name, real(name))))
    assert second.outcome == ItemOutcome.DUPLICATE
    assert second.run == first.run
    assert Run.objects.count() == 1
    page = member_client.get(second.upload.get_absolute_url()).content.decode()
    assert "already in your diary" in page
    assert reverse("run_edit", args=[first.run.pk]) in page


def test_the_watch_file_then_the_strava_export_that_holds_it_is_one_run(member_client):
    imported(member_client, ("watch.fit", real("gap_laufen_landal_park_run.fit")))
    item = only_item(imported(member_client, ("export.zip", strava_export())))
    assert item.outcome == ItemOutcome.DUPLICATE
    assert Run.objects.count() == 1
    # And the other way round, for another member.
    other = UserFactory()
    member_client.force_login(other)
    imported(member_client, ("export.zip", strava_export()))
    watch = only_item(
        imported(member_client, ("watch.fit", real("gap_laufen_landal_park_run.fit")))
    )
    assert watch.outcome == ItemOutcome.DUPLICATE
    assert Run.objects.filter(user=other).count() == 1


def test_the_strava_csv_then_the_export_is_one_run(member_client):
    upload(member_client, ("activities.csv", real(STRAVA_CSV)))
    item = only_item(imported(member_client, ("export.zip", strava_export())))
    assert item.outcome == ItemOutcome.DUPLICATE


def test_a_typed_run_matches_on_date_distance_within_1_and_time_within_2_percent(
    member_client, member
):
    start = datetime.datetime(2024, 5, 4, 8, 0, tzinfo=UTC)
    day = start.astimezone(imports.member_zone(member)).date()
    typed = RunFactory(
        user=member,
        date=day,
        distance_km=Decimal("5.040"),
        duration=datetime.timedelta(minutes=30, seconds=30),
    )
    item = only_item(imported(member_client, ("run.gpx", line_run(start, km=5.0, minutes=30))))
    assert item.outcome == ItemOutcome.DUPLICATE
    assert item.run == typed
    # 3 % longer in time is another run.
    typed.duration = datetime.timedelta(minutes=31)
    typed.save()
    item = only_item(imported(member_client, ("run.gpx", line_run(start, km=5.0, minutes=30))))
    assert item.outcome == ItemOutcome.IMPORTED


def test_two_runs_a_minute_and_more_apart_on_one_day_are_two_runs(member_client):
    start = datetime.datetime(2024, 5, 4, 7, 0, tzinfo=UTC)
    imported(member_client, ("am.gpx", line_run(start)))
    item = only_item(
        imported(member_client, ("pm.gpx", line_run(start + datetime.timedelta(minutes=2))))
    )
    assert item.outcome == ItemOutcome.IMPORTED
    assert Run.objects.count() == 2


# Bad input: each reported, none a 500, none a half-written run.


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE gpx [{entities}]>'
        '<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><name>&lol9;</name></gpx>'
    ).encode()


def future_run(member) -> bytes:
    start = datetime.datetime.combine(
        member_today(member) + datetime.timedelta(days=2), datetime.time(8), tzinfo=UTC
    )
    return line_run(start)


BAD_FILES = [
    (
        "photo.fit",
        lambda member: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200,
        "It is not a FIT file",
    ),
    ("run.fit.gz", lambda member: b"not gzip at all", "It is not a gzip file"),
    ("laughs.gpx", lambda member: billion_laughs(), "The file declares a DTD"),
    (
        "ultra.gpx",
        lambda member: line_run(datetime.datetime(2024, 5, 4, 6, tzinfo=UTC), km=520, minutes=600),
        "Distance (km): Enter a distance of at most 500 km.",
    ),
    ("tomorrow.gpx", future_run, "Date: That date is in the future"),
    (
        "notimes.gpx",
        lambda member: re.sub(rb"<time>[^<]*</time>", b"", line_run(datetime.datetime.now(UTC))),
        "No time",
    ),
    ("cut.tcx", lambda member: real("tcxparser_test_running.tcx")[:5000], "It is not valid XML"),
    (
        "ride.tcx",
        lambda member: real("tcxparser_test_running.tcx").replace(
            b'Sport="Running"', b'Sport="Biking"'
        ),
        None,
    ),
]


@pytest.mark.parametrize(("name", "make", "reason"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_are_reported_and_write_no_run(member_client, member, name, make, reason):
    upload_ = imported(member_client, (name, make(member)))
    item = only_item(upload_)
    if reason is None:  # not a run: skipped, named by its sport
        assert (item.outcome, item.message) == (ItemOutcome.SKIPPED, "Biking")
    else:
        assert item.outcome == ItemOutcome.FAILED
        assert item.message.startswith(reason), item.message
    assert not Run.objects.exists()


@pytest.mark.parametrize("name", ["empty.fit", "empty.gpx.gz"])
def test_an_empty_file_is_refused_at_once(member_client, name):
    response = upload(member_client, (name, b""))
    assert response.status_code == 200
    assert "The submitted file is empty." in response.content.decode()
    assert not Import.objects.exists()


def test_an_empty_file_inside_a_gzip_is_reported(member_client):
    item = only_item(imported(member_client, ("run.fit.gz", gz(b""))))
    assert (item.outcome, item.message) == (ItemOutcome.FAILED, "The file is empty.")


def test_a_billion_laughs_file_is_refused_in_under_a_second(member_client):
    started = time.perf_counter()
    item = only_item(imported(member_client, ("laughs.gpx", billion_laughs())))
    assert time.perf_counter() - started < 1
    assert item.outcome == ItemOutcome.FAILED


def test_a_tcx_with_one_malformed_time_still_imports_from_its_laps(member_client):
    name = "togeojson_sample_running.tcx"
    assert b"Aug  6 2007, 20:16:30" in real(name)
    item = only_item(imported(member_client, (name, real(name))))
    assert item.outcome == ItemOutcome.IMPORTED


def test_one_bad_file_among_good_ones_blocks_nothing(member_client):
    upload_ = imported(
        member_client,
        ("a.fit", real("gap_laufen_landal_park_run.fit")),
        ("b.fit", real("fitparse_activity-unexpected-eof.fit")),
        ("c.gpx.gz", gz(real("togeojson_run_garmin_connect.gpx"))),
    )
    assert list(upload_.items.values_list("outcome", flat=True)) == [
        ItemOutcome.IMPORTED,
        ItemOutcome.FAILED,
        ItemOutcome.IMPORTED,
    ]
    assert upload_.status == ImportStatus.DONE
    assert Run.objects.count() == 2


def zip_of(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = zipfile.io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        archive.writestr("activities.csv", real(STRAVA_CSV))
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def with_declared_size(data: bytes, size: int) -> bytes:
    """The zip with its last member's size in the central directory changed to ``size``."""
    at = data.rindex(b"PK\x01\x02")
    return data[: at + 24] + size.to_bytes(4, "little") + data[at + 28 :]


ZIP_BOMBS = [
    ("ratio", lambda: zip_of({"activities/big.gpx": b"\0" * 2_000_000}), "more than 100 times"),
    (
        "members",
        lambda: zip_of({f"media/{n}.txt": b"" for n in range(20_001)}, zipfile.ZIP_STORED),
        "more than 20,000 files",
    ),
    (
        "total",
        lambda: with_declared_size(zip_of({"activities/x.gpx": b"<gpx/>"}), 3 * 1024**3),
        "more than 2 GB",
    ),
    ("dot-dot", lambda: zip_of({"../../evil.fit": b"x"}), "names a file outside itself"),
    ("absolute", lambda: zip_of({"/tmp/evil.fit": b"x"}), "names a file outside itself"),
    ("not a zip", lambda: b"PK\x03\x04 but no more", "it is not a zip file"),
    (
        "no csv",
        lambda: strava_export().replace(b"activities.csv", b"activities.txt"),
        "there is no activities.csv",
    ),
]


@pytest.mark.parametrize(("case", "make", "reason"), ZIP_BOMBS, ids=[z[0] for z in ZIP_BOMBS])
def test_dangerous_or_wrong_zips_are_refused_whole_and_nothing_is_unpacked(
    member_client, upload_dir, tmp_path, case, make, reason
):
    upload_ = imported(member_client, ("export.zip", make()))
    item = only_item(upload_)
    assert item.outcome == ItemOutcome.FAILED
    assert reason.lower() in item.message.lower()
    assert not Run.objects.exists()
    # Nothing was written anywhere: the upload's folder is gone, and no "evil" file exists.
    assert not list(upload_dir.iterdir())
    assert not list(tmp_path.rglob("*evil*"))


def test_an_upload_over_the_limit_is_refused_before_it_is_read(member_client, settings):
    settings.UPLOAD_MAX_BYTES = 4096
    response = upload(member_client, ("big.gpx", b"x" * 10_000))
    assert response.status_code == 200
    assert "That upload is over the limit" in response.content.decode()
    assert not Import.objects.exists()


# The progress page.


def test_the_progress_page_polls_while_running_and_stops_when_done(member_client, member):
    running = Import.objects.create(user=member, status=ImportStatus.RUNNING, total=10, done=3)
    page = member_client.get(running.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1500ms"' in page
    assert '<progress id="import-bar"' in page
    assert 'max="10" value="3"' in page
    assert "3 of 10" in page
    assert ">Refresh</a>" in page  # without JavaScript
    fragment = member_client.get(running.get_absolute_url(), headers=HTMX)
    assert "<html" not in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]
    running.status = ImportStatus.DONE
    running.summary = "Imported 3 new runs."
    running.save()
    done = member_client.get(running.get_absolute_url(), headers=HTMX).content.decode()
    assert "hx-trigger" not in done
    assert "<progress" not in done
    assert "Imported 3 new runs." in done


def test_another_members_import_is_a_404(member_client, other_member):
    theirs = Import.objects.create(user=other_member)
    assert member_client.get(theirs.get_absolute_url()).status_code == 404


def test_the_import_page_lists_past_imports(member_client, member, other_member):
    imported(member_client, ("run.fit", real("gap_laufen_landal_park_run.fit")))
    Import.objects.create(user=other_member, files=[{"name": "not-mine.fit", "stored": "1.fit"}])
    page = member_client.get(reverse("diary_import")).content.decode()
    assert "run.fit" in page
    assert "1 run imported" in page
    assert "not-mine.fit" not in page


def test_one_import_at_a_time(member_client, member):
    unfinished = Import.objects.create(user=member, status=ImportStatus.RUNNING)
    response = upload(member_client, ("run.fit", real("gap_laufen_landal_park_run.fit")))
    assert response.status_code == 200
    assert "Your last import is still running" in response.content.decode()
    assert Import.objects.get() == unfinished


def test_the_uploaded_files_are_deleted_once_imported(member_client, upload_dir):
    upload_ = imported(member_client, ("run.fit", real("gap_laufen_landal_park_run.fit")))
    assert not imports.folder(upload_).exists()
    assert upload_.finished is not None


def test_uploads_are_stored_under_names_of_our_own_outside_static_and_media(member, upload_dir):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload_ = Import.objects.create(user=member)
    stored = imports.store_uploads(
        upload_,
        [SimpleUploadedFile("../../etc/passwd.fit.gz", b"x"), SimpleUploadedFile("a b.zip", b"y")],
    )
    assert [entry["stored"] for entry in stored] == ["1.fit.gz", "2.zip"]
    assert sorted(path.name for path in imports.folder(upload_).iterdir()) == ["1.fit.gz", "2.zip"]


def test_a_full_diary_refuses_more_with_a_clear_message(member_client, member, monkeypatch):
    monkeypatch.setattr(services, "MAX_RUNS_PER_MEMBER", 1)
    RunFactory(user=member)
    upload_ = imported(member_client, ("run.fit", real("gap_laufen_landal_park_run.fit")))
    assert upload_.status == ImportStatus.FAILED
    assert "at most 1 fit in one diary" in upload_.summary
    assert Run.objects.count() == 1


# Idempotent: a task run again writes each activity once.


def test_a_task_run_again_after_a_worker_died_half_way_writes_each_run_once(
    member, monkeypatch, upload_dir
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [
        SimpleUploadedFile("a.fit", real("gap_laufen_landal_park_run.fit")),
        SimpleUploadedFile("b.fit", real("fitparse_garmin-fenix-5-run.fit")),
        SimpleUploadedFile("c.tcx", real("tcxparser_test_running.tcx")),
    ]
    upload_ = Import.objects.create(user=member, total=3)
    upload_.files = imports.store_uploads(upload_, files)
    upload_.save()
    saves = []
    real_save = services.imported_run_save

    def dies_on_the_second(**kwargs):
        saves.append(kwargs["name"])
        if len(saves) == 2:
            raise SystemExit("worker killed")  # not an error the task catches: it just stops
        return real_save(**kwargs)

    monkeypatch.setattr(services, "imported_run_save", dies_on_the_second)
    with pytest.raises(SystemExit):
        imports.run(upload_.pk)
    assert Run.objects.count() == 1
    upload_.refresh_from_db()
    assert upload_.status == ImportStatus.RUNNING
    monkeypatch.setattr(services, "imported_run_save", real_save)
    imports.run(upload_.pk)
    imports.run(upload_.pk)  # and once more, finished: nothing changes
    upload_.refresh_from_db()
    assert upload_.status == ImportStatus.DONE
    assert Run.objects.count() == 3
    assert list(upload_.items.values_list("position", flat=True)) == [1, 2, 3]


# Large CSVs are tasks too.


def test_a_csv_over_the_inline_size_is_imported_in_the_background(member_client, settings):
    settings.IMPORT_INLINE_CSV_BYTES = 100
    upload_ = imported(member_client, ("activities.csv", real(STRAVA_CSV)))
    assert upload_.status == ImportStatus.DONE
    assert upload_.summary == "Imported 1 new run."
    assert Run.objects.count() == 1


def test_a_large_csv_with_bad_rows_imports_nothing_and_reports_each_row(member_client, settings):
    settings.IMPORT_INLINE_CSV_BYTES = 100
    content = (Path(__file__).parent / "data" / "strava_activities_bad_row.csv").read_bytes()
    upload_ = imported(member_client, ("activities.csv", content))
    assert upload_.status == ImportStatus.FAILED
    assert "Nothing was imported: 3 rows need fixing" in upload_.summary
    assert list(upload_.items.values_list("name", flat=True)) == ["Row 4", "Row 5", "Row 6"]
    assert not Run.objects.exists()
    page = member_client.get(upload_.get_absolute_url()).content.decode()
    assert "Distance: “lots” is not a number." in page


# What imported runs carry: shown, exported and read back.


def test_heart_rate_and_cadence_show_on_the_run_and_its_form(member_client):
    run = only_item(imported(member_client, ("r.fit", real("gap_laufen_landal_park_run.fit")))).run
    runs_page = member_client.get(reverse("run_list")).content.decode()
    assert "136 bpm (max 169)" in runs_page
    assert "141 steps/min" in runs_page
    form = member_client.get(reverse("run_edit", args=[run.pk])).content.decode()
    assert 'name="avg_cadence" value="141"' in form
    assert "Moving time" in form


def test_an_imported_run_round_trips_through_csv_and_json(client):
    owner = UserFactory(time_zone="Europe/Berlin")
    client.force_login(owner)
    imported(client, ("r.fit", real("gap_laufen_landal_park_run.fit")))
    exported = client.get(reverse("diary_export")).content
    newcomer = UserFactory(time_zone="Europe/Berlin")
    client.force_login(newcomer)
    assert upload(client, ("diary.csv", exported)).status_code == 302
    fields = RUN_SCHEMA.names
    assert list(Run.objects.filter(user=newcomer).values_list(*fields)) == list(
        Run.objects.filter(user=owner).values_list(*fields)
    )


def test_the_account_json_export_has_the_imported_runs_figures(client):
    from legs import exports

    owner = UserFactory()
    client.force_login(owner)
    imported(client, ("r.fit", real("gap_laufen_landal_park_run.fit")))
    (run,) = exports.runs_json(owner)
    assert run["avg_heart_rate"] == 136
    assert run["avg_cadence"] == 141
    assert run["started_at"] == "2022-05-29T15:53:35+00:00"
    assert run["elapsed_time"] == "0:23:48"
    assert (run["source"], run["rpe"]) == ("fit", None)


# Queries: constant in the size of the report and of the list of past imports (N+1 guard).


def an_import(member, items: int) -> Import:
    upload_ = Import.objects.create(user=member, status=ImportStatus.DONE, total=items, done=items)
    runs = Run.objects.bulk_create(
        Run(
            user=member,
            date=member_today(member) - datetime.timedelta(days=n),
            distance_km=Decimal(5),
            duration=datetime.timedelta(minutes=30),
            source="fit",
        )
        for n in range(items)
    )
    ImportItem.objects.bulk_create(
        ImportItem(
            upload=upload_,
            position=n,
            name=f"run {n}.fit",
            outcome=ItemOutcome.IMPORTED if n % 2 else ItemOutcome.DUPLICATE,
            run=run,
        )
        for n, run in enumerate(runs, start=1)
    )
    return upload_


def test_the_progress_page_reads_the_same_queries_for_2_and_300_activities(
    client, django_assert_max_num_queries
):
    counts = []
    for size in (2, 300):
        member = UserFactory()
        upload_ = an_import(member, size)
        client.force_login(member)
        # Session and user, the import, the report page and its count, the outcome counts.
        with django_assert_max_num_queries(7) as captured:
            assert client.get(upload_.get_absolute_url()).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_import_page_reads_the_same_queries_for_1_and_30_past_imports(
    client, django_assert_max_num_queries
):
    counts = []
    for size in (1, 30):
        member = UserFactory()
        for _ in range(size):
            an_import(member, 3)
        client.force_login(member)
        # Session and user, and the past imports with their counts of runs imported.
        with django_assert_max_num_queries(3) as captured:
            assert client.get(reverse("diary_import")).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_my_data_lists_each_import_and_what_became_of_each_file(client):
    from legs import exports

    owner = UserFactory()
    client.force_login(owner)
    imported(
        client,
        ("r.fit", real("gap_laufen_landal_park_run.fit")),
        ("cut.fit", real("fitparse_activity-unexpected-eof.fit")),
    )
    (upload_,) = exports.imports_json(owner)
    run = Run.objects.get(user=owner)
    assert upload_["files"] == ["r.fit", "cut.fit"]
    assert upload_["report"] == [
        {"name": "r.fit", "outcome": "imported", "message": "", "run": run.pk},
        {
            "name": "cut.fit",
            "outcome": "failed",
            "message": "The file ends early (it was cut off while copying).",
            "run": None,
        },
    ]
    assert exports.imports_json(UserFactory()) == []
