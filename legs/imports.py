"""The import pipeline: uploads stored privately, then read by the task, activity by activity.

``store_uploads`` (called by ``services.import_start``, in the upload request) copies the
uploaded files in chunks into ``settings.IMPORT_UPLOAD_DIR/<import id>/`` under names of our own
(``1.fit``, ``2.zip``): never the member's file name, never anywhere the web serves. ``run`` (the
task's body) reads them and deletes the folder when the import is over.

Every activity gets a position (the n-th file, or the n-th row of a Strava export's
activities.csv, counted the same way every time) and its own transaction (the run and its line
in the report, ``services.imported_run_save``). A task run again after a worker died skips the
positions it has already reported, so it writes each activity once; one bad file is one failed
line, never a half-written run or a reason to stop the others.
"""

from __future__ import annotations

import logging
import shutil
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from legs import diary_io, formats, services, strava
from legs.activities import ActivityFileError, has_activity_extension, read_activity
from legs.forms.diary import ImportedRunForm
from legs.models import Import, ImportStatus, ItemOutcome, Run
from legs.models.diary import RunSource, member_zone

logger = logging.getLogger(__name__)

# How each kind of upload is stored (and so read): the longest matching ending wins.
STORED_SUFFIXES = (".fit.gz", ".gpx.gz", ".tcx.gz", ".fit", ".gpx", ".tcx", ".zip", ".csv")
SOURCES = {".fit": RunSource.FIT, ".gpx": RunSource.GPX, ".tcx": RunSource.TCX}
CSV_SUFFIX = ".csv"
ZIP_SUFFIX = ".zip"
BROKEN = (
    "Something went wrong on our side while importing; nothing half-done was kept. Try again "
    "later, and tell us if it happens again."
)


def folder(upload: Import) -> Path:
    return Path(settings.IMPORT_UPLOAD_DIR) / str(upload.pk)


def _suffix(name: str) -> str:
    lowered = name.lower()
    return next((suffix for suffix in STORED_SUFFIXES if lowered.endswith(suffix)), "")


def store_uploads(upload: Import, uploads: Sequence[UploadedFile]) -> list[dict[str, str]]:
    """Copy the uploads into the import's private folder, in chunks (never whole in memory)."""
    target = folder(upload)
    target.mkdir(parents=True, exist_ok=True)
    stored = []
    try:
        for number, uploaded in enumerate(uploads, start=1):
            name = f"{number}{_suffix(uploaded.name)}"
            with (target / name).open("wb") as out:
                for chunk in uploaded.chunks():
                    out.write(chunk)
            stored.append({"name": uploaded.name[:255], "stored": name})
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return stored


def delete_uploads(upload: Import) -> None:
    shutil.rmtree(folder(upload), ignore_errors=True)


# The task's body.


@dataclass
class Work:
    """One activity to read: its place in the import, its name in the report, and how."""

    position: int
    name: str
    read: Any  # a callable: (Reader, Work) -> None, reporting its own outcome


def run(import_id: int) -> None:
    """Import everything in the upload once; a finished import is left as it is."""
    upload = Import.objects.select_related("user").filter(pk=import_id).first()
    if upload is None or upload.is_finished:
        return
    reader = Reader(upload)
    try:
        status, summary = reader.run()
    except services.ImportStopped:
        return  # marked stopped while this worker was thought gone: it stays as it is
    except services.DiaryFull as refusal:
        status, summary = ImportStatus.FAILED, str(refusal)
    except Exception:
        # A bug, or the private folder gone: the import fails in plain words, the details go to
        # the log, and what was saved before stays (each activity was its own transaction).
        logger.exception("Import %s failed", import_id)
        status, summary = ImportStatus.FAILED, BROKEN
    now = timezone.now()
    Import.objects.filter(pk=upload.pk).unfinished().update(
        status=status, summary=summary, finished=now, updated=now, heartbeat=now
    )
    delete_uploads(upload)


class Reader:
    """Reads one import's files. ``run`` returns its final status and summary."""

    def __init__(self, upload: Import) -> None:
        self.upload = upload
        self.user = upload.user
        self.zone = member_zone(upload.user)
        self.folder = folder(upload)

    def beat(self, **progress: Any) -> None:
        """A sign of life (see ``Import.heartbeat``), with any progress; ImportStopped when the
        import was marked stopped meanwhile."""
        now = timezone.now()
        if not (
            Import.objects.filter(pk=self.upload.pk)
            .unfinished()
            .update(updated=now, heartbeat=now, **progress)
        ):
            raise services.ImportStopped("This import was stopped.")

    def run(self) -> tuple[str, str]:
        self.beat(status=ImportStatus.RUNNING)
        files = self.upload.files
        if len(files) == 1 and files[0]["stored"].endswith(CSV_SUFFIX):
            return self._csv(files[0])
        work = list(self._work())
        reported = set(self.upload.items.values_list("position", flat=True))
        self.beat(total=len(work), done=len(reported))
        for item in work:
            if item.position not in reported:
                item.read(self, item)
        return self._summary()

    def _work(self) -> Iterator[Work]:
        position = 0
        for entry in self.upload.files:
            path = self.folder / entry["stored"]
            if entry["stored"].endswith(ZIP_SUFFIX):
                try:
                    export = strava.StravaExport(path)
                    records = export.records()
                except strava.ExportError as problem:
                    position += 1
                    yield Work(position, entry["name"], _failed(str(problem)))
                    continue
                for record in records:
                    position += 1
                    yield Work(position, _row_name(record), _strava_row(export, record))
            else:
                position += 1
                yield Work(position, entry["name"], _activity_file(path, entry["name"]))

    def save(self, item: Work, data: dict[str, Any], message: str = "") -> None:
        form = ImportedRunForm(data, user=self.user)
        if not form.is_valid():
            self.report(item, ItemOutcome.FAILED, _form_problem(form))
            return
        services.imported_run_save(
            upload=self.upload,
            position=item.position,
            name=item.name,
            run=form.instance,
            message=message,
        )

    def report(self, item: Work, outcome: str, message: str = "", run: Run | None = None) -> None:
        services.import_item_record(
            upload=self.upload,
            position=item.position,
            name=item.name,
            outcome=outcome,
            message=message,
            run=run,
        )

    def _summary(self) -> tuple[str, str]:
        outcomes = Counter(self.upload.items.values_list("outcome", flat=True))
        skipped = Counter(
            self.upload.items.filter(outcome=ItemOutcome.SKIPPED).values_list("message", flat=True)
        )
        parts = _sentences(
            formats.plural(outcomes[ItemOutcome.IMPORTED], "new run"),
            already=outcomes[ItemOutcome.DUPLICATE],
            skipped=skipped,
        )
        if outcomes[ItemOutcome.FAILED]:
            parts.append(
                f"{formats.plural(outcomes[ItemOutcome.FAILED], 'file')} could not be read."
            )
        failed_all = bool(outcomes) and set(outcomes) == {ItemOutcome.FAILED}
        return (ImportStatus.FAILED if failed_all else ImportStatus.DONE), " ".join(parts)

    def _csv(self, entry: dict[str, str]) -> tuple[str, str]:
        """A large CSV: all or nothing, as the page imports a small one."""
        self.beat(total=1, done=0)
        data = (self.folder / entry["stored"]).read_bytes()
        try:
            parsed = diary_io.parse_csv(data, user=self.user)
        except diary_io.ImportFileError as problem:
            return ImportStatus.FAILED, str(problem)
        if parsed.errors:
            work = Work(0, entry["name"], None)
            for error in parsed.errors[: diary_io.MAX_REPORTED_ERRORS]:
                work.position, work.name = error.row, f"Row {error.row}"
                self.report(work, ItemOutcome.FAILED, error.message)
            return ImportStatus.FAILED, (
                f"Nothing was imported: {formats.plural(len(parsed.errors), 'row')} need "
                "fixing. Fix them in the file and import it again."
            )
        self.beat()
        result = services.diary_import(user=self.user, runs=parsed.runs, checkins=parsed.checkins)
        self.beat(done=1)
        return ImportStatus.DONE, csv_summary(result, parsed)


def _failed(message: str) -> Any:
    def read(reader: Reader, item: Work) -> None:
        reader.report(item, ItemOutcome.FAILED, _sentence(message))

    return read


def _row_name(record: dict[str, str]) -> str:
    name = record.get("activity name") or record.get("name") or "Activity"
    return f"{name} ({record.get('activity id') or record.get('id') or 'no id'})"


def _activity_file(path: Path, name: str) -> Any:
    def read(reader: Reader, item: Work) -> None:
        try:
            activity = read_activity(name, path.read_bytes())
        except ActivityFileError as problem:
            reader.report(item, ItemOutcome.FAILED, _sentence(str(problem)))
            return
        if not activity.is_run(include_walks=reader.upload.include_walks):
            reader.report(item, ItemOutcome.SKIPPED, activity.sport_label)
            return
        source = SOURCES[_suffix(name).removesuffix(".gz")]
        try:
            data = diary_io.activity_run_data(activity, reader.zone, source=source, source_id=name)
        except diary_io.RowProblem as problem:
            reader.report(item, ItemOutcome.FAILED, str(problem))
            return
        reader.save(item, data)

    return read


def _strava_row(export: strava.StravaExport, record: dict[str, str]) -> Any:
    def read(reader: Reader, item: Work) -> None:
        try:
            row = strava.read_record(record)
        except strava.RowError as problem:
            reader.report(item, ItemOutcome.FAILED, str(problem))
            return
        if not row.is_run(include_walks=reader.upload.include_walks):
            reader.report(item, ItemOutcome.SKIPPED, row.type)
            return
        message, activity = "", None
        if row.filename and has_activity_extension(row.filename):
            try:
                data = export.read(export.activity_file(row.filename))
                activity = read_activity(row.filename, data)
            except (strava.ExportError, ActivityFileError) as problem:
                message = f"from activities.csv alone: its file could not be read ({problem})"
        if activity is None:
            data = diary_io.strava_run_data(row, reader.zone)
        else:
            data = diary_io.activity_run_data(
                activity,
                reader.zone,
                source=RunSource.STRAVA,
                source_id=row.activity_id,
                strava_row=row,
            )
        reader.save(item, data, message)

    return read


def _form_problem(form: ImportedRunForm) -> str:
    return " ".join(
        f"{form.fields[name].label}: {error}" if name in form.fields else error
        for name, errors in form.errors.items()
        for error in errors
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def csv_summary(result: services.DiaryImportResult, parsed: diary_io.ParsedImport) -> str:
    """What a CSV import did, in a sentence or three."""
    added = formats.plural(result.runs_added, "new run")
    if parsed.source == "lighter-legs":
        added += " and " + formats.plural(result.checkins_added, "new check-in")
    parts = _sentences(added, already=result.runs_already_there, skipped=parsed.skipped)
    if result.checkins_updated:
        parts.insert(
            -1 if parsed.skipped else len(parts),
            f"{formats.plural(result.checkins_updated, 'existing check-in')} updated.",
        )
    return " ".join(parts)


def _sentences(added: str, *, already: int, skipped: Counter) -> list[str]:
    parts = [f"Imported {added}."]
    if already:
        parts.append(f"{formats.plural(already, 'run')} already in your diary, not added again.")
    if skipped:
        kinds = ", ".join(f"{name}: {count}" for name, count in sorted(skipped.items()))
        total = formats.plural(
            sum(skipped.values()), "activity that is not a run", "activities that are not runs"
        )
        parts.append(f"Skipped {total} ({kinds}).")
    return parts
