"""Importing in a browser: upload several files, watch the progress page finish by itself, rate
the imported runs on the dashboard in place; the axe check on each of these pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from legs.models import Import, ImportItem, ImportStatus, ItemOutcome, Run
from tests.e2e.test_accessibility import assert_accessible
from tests.e2e.test_diary_browser import log_in
from tests.factories import RunFactory, UserFactory
from tests.legs.imports_support import REAL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"


def test_uploading_several_files_leads_to_their_report(page):
    member = UserFactory()
    log_in(page, member)
    page.goto("/diary/import/")
    assert_accessible(page)
    page.get_by_label("Files").set_input_files(
        [REAL / "gap_laufen_landal_park_run.fit", REAL / "fitparse_activity-unexpected-eof.fit"]
    )
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import of")
    report = page.locator(".import-report")
    expect(report).to_contain_text("gap_laufen_landal_park_run.fit: imported as your run of")
    expect(report).to_contain_text("not imported: The file ends early")
    assert_accessible(page)
    page.get_by_role("link", name="your run of Sun 29 May 2022").click()
    expect(page.get_by_label("Average cadence (steps per minute)")).to_have_value("141")


def test_the_progress_page_finishes_by_itself_and_stops_asking(page):
    member = UserFactory()
    upload = Import.objects.create(user=member, status=ImportStatus.RUNNING, total=2, done=1)
    log_in(page, member)
    page.goto(upload.get_absolute_url())
    expect(page.locator("#import-bar")).to_have_attribute("value", "1")
    assert_accessible(page)
    page.evaluate("window.stillTheSamePage = true")
    run = RunFactory(user=member, source="fit", rpe=None, leg_heaviness=None)
    ImportItem.objects.create(
        upload=upload, position=1, name="a.fit", outcome=ItemOutcome.IMPORTED, run=run
    )
    Import.objects.filter(pk=upload.pk).update(
        status=ImportStatus.DONE, done=2, summary="Imported 1 new run."
    )
    expect(page.locator(".import-status")).to_contain_text("Finished: Imported 1 new run.")
    expect(page.locator("#import-bar")).to_have_count(0)
    expect(page.locator("#import-progress")).not_to_have_attribute("hx-trigger", "every 1500ms")
    assert page.evaluate("window.stillTheSamePage") is True
    assert_accessible(page)


def test_a_running_import_whose_worker_goes_quiet_turns_to_stopped_and_stops_asking(page, settings):
    settings.IMPORT_STALE_MINUTES = 15
    member = UserFactory()
    upload = Import.objects.create(user=member, status=ImportStatus.RUNNING, total=3, done=1)
    run = RunFactory(user=member, source="fit", rpe=None, leg_heaviness=None)
    ImportItem.objects.create(
        upload=upload, position=1, name="a.fit", outcome=ItemOutcome.IMPORTED, run=run
    )
    log_in(page, member)
    page.goto(upload.get_absolute_url())
    expect(page.locator("#import-bar")).to_have_attribute("value", "1")
    # The worker dies: no heartbeat for longer than the stale time.
    Import.objects.filter(pk=upload.pk).update(heartbeat=timezone.now() - timedelta(minutes=16))
    status = page.locator(".import-status")
    expect(status).to_contain_text("The import stopped before it finished, after 1 of 3")
    expect(status).to_contain_text("files it had not reached were not imported")
    expect(page.locator("#import-bar")).to_have_count(0)
    expect(page.locator(".import-report")).to_contain_text("a.fit: imported as your run of")
    assert_accessible(page)
    page.get_by_role("link", name="Upload them again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import runs and check-ins")
    expect(page.locator(".past-imports")).to_contain_text("stopped, 1 run imported")


def test_imported_runs_are_rated_in_place_on_the_dashboard(page):
    member = UserFactory()
    first = RunFactory(user=member, source="gpx", rpe=None, leg_heaviness=None)
    RunFactory(user=member, source="fit", rpe=None, leg_heaviness=None)
    log_in(page, member)
    pending = page.locator("#pending-effort")
    expect(pending.locator(".pending-run")).to_have_count(2)
    assert_accessible(page)
    page.evaluate("window.stillTheSamePage = true")
    row = pending.locator(".pending-run").first
    row.locator("select[name=rpe]").select_option("5")
    row.locator("select[name=leg_heaviness]").select_option("3")
    row.get_by_role("button", name="Save").click()
    expect(pending.locator(".pending-run")).to_have_count(1)
    pending.get_by_role("button", name="Don't ask").click()
    expect(page.locator("#pending-effort .pending-run")).to_have_count(0)
    assert page.evaluate("window.stillTheSamePage") is True
    # The newest first: the second run was rated, the first dismissed.
    first.refresh_from_db()
    assert first.effort_dismissed
    assert first.rpe is None
    assert Run.objects.filter(user=member, rpe=5, leg_heaviness=3).count() == 1
