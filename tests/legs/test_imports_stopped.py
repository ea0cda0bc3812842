"""An import whose worker died: it counts as stopped once its heartbeat is older than
IMPORT_STALE_MINUTES, says so with what got in, and holds nothing back; a task that runs
again, or a worker that was only slow, writes nothing twice.

Time is moved by setting the heartbeat back, as a silent worker would leave it.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from legs import imports, services
from legs.models import Import, ImportStatus, ItemOutcome, Run
from tests.factories import UserFactory
from tests.legs.imports_support import real, upload
from tests.support import HTMX

pytestmark = pytest.mark.django_db

FILES = (
    ("a.fit", "gap_laufen_landal_park_run.fit"),
    ("b.fit", "fitparse_garmin-fenix-5-run.fit"),
    ("c.tcx", "tcxparser_test_running.tcx"),
)


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    settings.IMPORT_STALE_MINUTES = 15
    return settings.IMPORT_UPLOAD_DIR


def quiet_for(upload_: Import, minutes: float) -> None:
    """As if its worker last showed life ``minutes`` ago."""
    then = timezone.now() - datetime.timedelta(minutes=minutes)
    Import.objects.filter(pk=upload_.pk).update(heartbeat=then)


def stored_import(member, status=ImportStatus.QUEUED) -> Import:
    upload_ = Import.objects.create(user=member, status=status, total=len(FILES))
    upload_.files = imports.store_uploads(
        upload_, [SimpleUploadedFile(name, real(file)) for name, file in FILES]
    )
    upload_.save()
    return upload_


def dies_after_one(monkeypatch) -> None:
    """The worker is killed while saving the second activity (the first is in)."""
    saves = []
    real_save = services.imported_run_save

    def save(**kwargs):
        saves.append(kwargs["name"])
        if len(saves) == 2:
            raise SystemExit("worker killed")
        return real_save(**kwargs)

    monkeypatch.setattr(services, "imported_run_save", save)


def half_done(member, monkeypatch) -> Import:
    """An import whose worker died after its first activity: left running."""
    upload_ = stored_import(member)
    dies_after_one(monkeypatch)
    with pytest.raises(SystemExit):
        imports.run(upload_.pk)
    monkeypatch.undo()
    upload_.refresh_from_db()
    assert upload_.status == ImportStatus.RUNNING
    assert Run.objects.count() == 1
    return upload_


def test_the_task_beats_a_heartbeat_for_each_activity(member, monkeypatch):
    upload_ = stored_import(member)
    quiet_for(upload_, 60)
    beats = []
    record = services.import_item_record

    def watched(**kwargs):
        item = record(**kwargs)
        beats.append(Import.objects.get(pk=upload_.pk).heartbeat)
        return item

    monkeypatch.setattr(services, "import_item_record", watched)
    imports.run(upload_.pk)
    started = timezone.now() - datetime.timedelta(minutes=1)
    assert len(beats) == len(FILES)
    assert all(beat > started for beat in beats)
    assert beats == sorted(beats)


def test_a_running_import_quiet_for_less_than_the_stale_time_still_polls(member_client, member):
    running = Import.objects.create(user=member, status=ImportStatus.RUNNING, total=3, done=1)
    quiet_for(running, 14)
    page = member_client.get(running.get_absolute_url()).content.decode()
    assert "Running" in page
    assert "hx-trigger" in page
    assert "stopped" not in page


def test_an_import_whose_worker_died_says_it_stopped_and_what_got_in(
    member_client, member, monkeypatch
):
    upload_ = half_done(member, monkeypatch)
    quiet_for(upload_, 16)
    page = member_client.get(upload_.get_absolute_url(), headers=HTMX).content.decode()
    assert "Stopped" in page
    assert "The import stopped before it finished, after 1 of 3 files and activities" in page
    assert "files it had not reached were not imported" in page
    assert "Upload them again</a>" in page
    assert "What got in is listed below." in page
    run = Run.objects.get()
    assert f'href="/diary/runs/{run.pk}/edit/"' in page  # the run that got in, linked
    assert "hx-trigger" not in page  # nothing more will happen: no polling
    assert "<progress" not in page
    listing = member_client.get("/diary/import/").content.decode()
    assert "stopped, 1 run imported" in listing


def test_a_stopped_import_no_longer_blocks_the_next_one(
    member_client, member, monkeypatch, django_capture_on_commit_callbacks
):
    stuck = half_done(member, monkeypatch)
    refused = upload(member_client, ("again.fit", real("gap_laufen_landal_park_run.fit")))
    assert "Your last import is still running" in refused.content.decode()
    quiet_for(stuck, 16)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            member_client,
            ("a.fit", real("gap_laufen_landal_park_run.fit")),
            ("b.fit", real("fitparse_garmin-fenix-5-run.fit")),
        )
    assert response.status_code == 302
    stuck.refresh_from_db()
    assert stuck.status == ImportStatus.STOPPED
    assert stuck.finished is not None
    assert "files it had not reached were not imported" in stuck.summary
    assert not imports.folder(stuck).exists()  # its uploads are gone
    newest = Import.objects.latest("pk")
    assert newest.status == ImportStatus.DONE
    # Uploaded again: the run the stopped import had brought in is not written twice.
    outcomes = list(newest.items.values_list("name", "outcome"))
    assert outcomes == [("a.fit", ItemOutcome.DUPLICATE), ("b.fit", ItemOutcome.IMPORTED)]
    assert Run.objects.count() == 2


def test_a_stopped_import_run_again_writes_nothing(member_client, member, monkeypatch):
    stuck = half_done(member, monkeypatch)
    quiet_for(stuck, 16)
    upload(member_client, ("other.tcx", real("tcxparser_test_running.tcx")))
    stuck.refresh_from_db()
    assert stuck.status == ImportStatus.STOPPED
    runs = Run.objects.count()
    imports.run(stuck.pk)  # the queue hands the old task to a worker after all
    stuck.refresh_from_db()
    assert stuck.status == ImportStatus.STOPPED
    assert Run.objects.count() == runs
    assert stuck.items.count() == 1


def test_a_slow_worker_still_at_a_stopped_import_writes_nothing_more(member, monkeypatch):
    upload_ = stored_import(member)
    record = services.import_item_record

    def stopped_meanwhile(**kwargs):
        item = record(**kwargs)
        # Another request saw it quiet and marked it stopped while this worker was busy.
        Import.objects.filter(pk=upload_.pk).update(status=ImportStatus.STOPPED)
        return item

    monkeypatch.setattr(services, "import_item_record", stopped_meanwhile)
    imports.run(upload_.pk)
    upload_.refresh_from_db()
    assert upload_.status == ImportStatus.STOPPED
    assert Run.objects.count() == 1  # the second activity's run was rolled back with its line
    assert upload_.items.count() == 1


def test_a_worker_restarted_on_a_quiet_import_finishes_it_once(member, monkeypatch):
    upload_ = half_done(member, monkeypatch)
    quiet_for(upload_, 16)
    imports.run(upload_.pk)  # the task handed to a worker again before anyone marked it
    upload_.refresh_from_db()
    assert upload_.status == ImportStatus.DONE
    assert Run.objects.count() == len(FILES)
    assert list(upload_.items.values_list("position", flat=True)) == [1, 2, 3]


def test_a_queued_import_waits_while_a_worker_is_busy_and_stops_when_none_is(member_client, member):
    queued = Import.objects.create(user=member, total=2)
    quiet_for(queued, 40)
    busy = Import.objects.create(user=UserFactory(), status=ImportStatus.RUNNING, total=300)
    quiet_for(busy, 1)  # another member's import, beating: the worker is just busy
    page = member_client.get(queued.get_absolute_url()).content.decode()
    assert "Waiting for a worker" in page
    assert "hx-trigger" in page
    assert not Import.objects.stalled().filter(pk=queued.pk).exists()
    quiet_for(busy, 16)  # no worker has shown life for the stale time: none is running
    page = member_client.get(queued.get_absolute_url()).content.decode()
    assert "The import stopped before it finished, after 0 of 2" in page
    assert "Nothing got in." in page
    assert set(Import.objects.stalled()) == {queued, busy}


def test_my_data_says_an_import_whose_worker_died_stopped(client, monkeypatch):
    member = UserFactory()
    upload_ = half_done(member, monkeypatch)
    quiet_for(upload_, 16)
    client.force_login(member)
    (listed,) = client.get("/accounts/export/").json()["imports"]
    assert listed["status"] == "stopped"
    assert [line["outcome"] for line in listed["report"]] == [ItemOutcome.IMPORTED]
