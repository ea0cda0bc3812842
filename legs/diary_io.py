"""The diary in and out: our own CSV (export and round-trip import), Strava's activities.csv,
and the diary's entries in the account's JSON export: each field as ``legs.diary_schema`` says.

Our CSV is one file with a ``type`` column (``run`` or ``checkin``) so a single download carries
the whole diary. Run distances are written in the member's unit with a ``unit`` column; an import
reads each row's own unit, so a file moves between members with different preferences unchanged.
A distance is written as it was typed (3.1 mi, 42.195 km): in the member's unit when that states
it exactly, else in its own (``formats.distance_export``), so the round trip loses nothing.

Parsing never writes: it validates every row with the diary's own forms and returns unsaved
entries plus a per-row error list. ``legs.services.diary_import`` then writes them in one
transaction, and only when there are no errors.
"""

from __future__ import annotations

import csv
import datetime
import io
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any, Protocol

from accounts.models import Units, User
from legs import formats, strava
from legs.activities import Activity
from legs.diary_schema import (
    CHECKIN_SCHEMA,
    PACE_COLUMN,
    RUN_SCHEMA,
    UNIT_COLUMN,
    EntrySchema,
    Kind,
)
from legs.forms.diary import CheckInForm, ImportedRunForm
from legs.models.diary import (
    CADENCE_RANGE,
    HEART_RATE_RANGE,
    MAX_CLIMB_M,
    NOTES_MAX_LENGTH,
    SOURCE_ID_MAX_LENGTH,
    CheckIn,
    Run,
    RunKind,
    RunSource,
    member_today,
    member_zone,
)

TYPE_COLUMN = "type"
ACTIONS_SEPARATOR = ";"
MAX_ROWS = 50_000
MAX_REPORTED_ERRORS = 200


# A spreadsheet runs a cell that starts with one of these as a formula; exported text cells that
# do are prefixed with an apostrophe, which the import takes off again (so nothing is lost).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0", ""}


class ImportFileError(Exception):
    """The file as a whole cannot be read (not CSV, unknown columns, too many rows)."""


class RowProblem(Exception):
    """One row cannot be imported; the message says why, in plain words."""


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet numbering: the header is row 1
    message: str


@dataclass
class ParsedImport:
    source: str  # "lighter-legs" or "strava"
    runs: list[Run] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # Strava activity type -> count


# Export.


def _text_cell(value: str) -> str:
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _text_value(value: str) -> str:
    return value[1:] if value.startswith("'") else value


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _clock(value: timedelta | None) -> str:
    return "" if value is None else formats.duration_hms(value)


def _moment(value: datetime.datetime | None) -> str:
    return "" if value is None else value.isoformat()


# The cell of each kind of value; distances and times, which add a column, are written apart.
_CSV_CELLS: dict[Kind, Callable[[Any], str]] = {
    Kind.DATE: datetime.date.isoformat,
    Kind.CLOCK: _clock,
    Kind.DATETIME: _moment,
    Kind.DECIMAL: formats.plain_number,
    Kind.INTEGER: _number,
    Kind.CHOICE: str,
    Kind.BOOLEAN: _yes_no,
    Kind.TEXT: _text_cell,
    Kind.CHOICES: ACTIONS_SEPARATOR.join,
}


def _header() -> list[str]:
    """One header for both entries: the type, a run's columns, then those only check-ins have,
    with the notes (free text of any length) last."""
    columns = [TYPE_COLUMN, *RUN_SCHEMA.csv_columns]
    columns += [column for column in CHECKIN_SCHEMA.csv_columns if column not in columns]
    return sorted(columns, key=lambda column: column == "notes")


COLUMNS = _header()


def csv_row(entry: Run | CheckIn, schema: EntrySchema, unit: str) -> dict[str, str]:
    """One entry's cells, keyed by column; a run's distance and pace in ``unit`` (or in the
    unit it was typed in, when ``unit`` cannot state it exactly)."""
    row = {TYPE_COLUMN: schema.type}
    for spec in schema.fields:
        value = getattr(entry, spec.name)
        if spec.kind is Kind.DISTANCE:
            number, row[UNIT_COLUMN] = formats.distance_export(value, unit)
            row[spec.csv_column] = number
        elif spec.kind is Kind.DURATION:
            row[spec.csv_column] = formats.duration_hms(value)
            row[PACE_COLUMN] = formats.pace(entry.pace_seconds(row.get(UNIT_COLUMN, unit)))
        else:
            row[spec.csv_column] = _CSV_CELLS[spec.kind](value)
    return row


def write_csv(user: User, out: io.TextIOBase) -> None:
    """The member's whole diary, runs then check-ins, oldest first, in their units."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    for run in Run.objects.for_user(user).order_by("date", "id").iterator(chunk_size=2000):
        writer.writerow(csv_row(run, RUN_SCHEMA, user.units))
    for checkin in CheckIn.objects.for_user(user).order_by("date").iterator(chunk_size=2000):
        writer.writerow(csv_row(checkin, CHECKIN_SCHEMA, user.units))


# The entries in the account's JSON export (legs.exports registers the sections).


def _as_is(value: Any) -> Any:
    return value


_JSON_VALUES: dict[Kind, Callable[[Any], Any]] = {
    Kind.DATE: datetime.date.isoformat,
    Kind.DISTANCE: formats.plain_number,  # in km, as stored
    Kind.DURATION: formats.duration_hms,
    Kind.CLOCK: lambda value: _clock(value) or None,
    Kind.DATETIME: lambda value: _moment(value) or None,
    Kind.DECIMAL: formats.plain_number,
    Kind.INTEGER: _as_is,
    Kind.CHOICE: _as_is,
    Kind.BOOLEAN: _as_is,
    Kind.TEXT: _as_is,
    Kind.CHOICES: list,
}


def entry_json(entry: Run | CheckIn, schema: EntrySchema) -> dict[str, Any]:
    """One entry's fields as JSON-ready values, keyed by field name in the schema's order."""
    data: dict[str, Any] = {}
    for spec in schema.fields:
        value = getattr(entry, spec.name)
        data[spec.name] = _JSON_VALUES[spec.kind](value)
        if spec.kind is Kind.DURATION:
            data[f"{spec.name}_seconds"] = round(value.total_seconds())
    return data


# Import.


def read_rows(data: bytes) -> Iterator[list[str]]:
    """CSV records of an uploaded file, refusing anything that is not UTF-8 CSV text."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "That file is not a CSV text file we can read (it is not UTF-8 text). Export it "
            "again as CSV (UTF-8) and upload that."
        ) from None
    if "\x00" in text:
        raise ImportFileError("That file is not a CSV text file (it contains binary data).")
    return csv.reader(io.StringIO(text, newline=""))


def parse_csv(data: bytes, *, user: User) -> ParsedImport:
    """Recognise the file (ours or Strava's) and validate every row without writing."""
    rows = read_rows(data)
    try:
        header = next(rows, None)
        if not header or not any(cell.strip() for cell in header):
            raise ImportFileError("That file is empty: there is no header row.")
        names = [cell.strip().lower() for cell in header]
        if "type" in names and "date" in names:
            return _parse(rows, header, _OwnRow(user))
        if strava.is_strava_header(names):
            return _parse(rows, header, _StravaRow(user))
    except csv.Error as error:
        raise ImportFileError(f"That file is not valid CSV: {error}.") from None
    raise ImportFileError(
        "We did not recognise the columns of that file. Upload a Lighter Legs diary export "
        "(with type and date columns) or Strava's activities.csv (with Activity Date, Activity "
        "Type and Distance columns)."
    )


def _parse(rows: Iterable[list[str]], header: list[str], reader: _RowReader) -> ParsedImport:
    parsed = ParsedImport(source=reader.source)
    checkin_rows: dict[datetime.date, int] = {}
    # Strava's file repeats some column names (Distance in km, then again in metres): the
    # first of each name is the record's "<name>", the second "<name>#2".
    records = strava.keyed_records(header, rows)
    for number, record in enumerate(records, start=2):
        if number - 1 > MAX_ROWS:
            raise ImportFileError(
                f"That file has more than {MAX_ROWS:,} rows. Split it and import the parts one "
                "at a time."
            )
        if not any(record.values()):
            continue
        try:
            entry = reader.read(record, parsed)
        except RowProblem as problem:
            parsed.errors.append(RowError(number, str(problem)))
            continue
        if isinstance(entry, CheckIn):
            if entry.date in checkin_rows:
                parsed.errors.append(
                    RowError(
                        number,
                        f"Row {checkin_rows[entry.date]} already has a check-in for "
                        f"{entry.date.isoformat()}; keep one check-in per day.",
                    )
                )
                continue
            checkin_rows[entry.date] = number
            parsed.checkins.append(entry)
        elif isinstance(entry, Run):
            parsed.runs.append(entry)
    return parsed


def _form_problem(form: Any) -> RowProblem:
    messages = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.append(f"{label}: {error}" if label else error)
    return RowProblem(" ".join(messages))


def _boolean(value: str, label: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise RowProblem(f"{label}: write yes or no (not “{value}”).")


class _RowReader(ABC):
    source = ""

    def __init__(self, user: User) -> None:
        self.user = user
        self.today = member_today(user)

    @abstractmethod
    def read(self, record: dict[str, str], parsed: ParsedImport) -> Run | CheckIn | None:
        """One CSV record as an unsaved entry, None for a row to skip; RowProblem if bad."""

    def run(self, data: dict[str, Any], unit: str) -> Run:
        form = ImportedRunForm(data, user=self.user, today=self.today, unit=unit)
        if not form.is_valid():
            raise _form_problem(form)
        form.instance.user = self.user
        return form.instance


class _OwnRow(_RowReader):
    source = "lighter-legs"

    def read(self, record: dict[str, str], parsed: ParsedImport) -> Run | CheckIn | None:
        kind = record.get(TYPE_COLUMN, "").lower().replace("-", "")
        if kind == RUN_SCHEMA.type:
            return self._run(record)
        if kind == CHECKIN_SCHEMA.type:
            return self._checkin(record)
        raise RowProblem(f"Type: write run or checkin (not “{record.get(TYPE_COLUMN, '')}”).")

    def _run(self, record: dict[str, str]) -> Run:
        unit = record.get(UNIT_COLUMN, "").lower()
        if unit not in Units.values:
            raise RowProblem(f"Unit: write km or mi (not “{record.get(UNIT_COLUMN, '')}”).")
        data = _form_data(record, RUN_SCHEMA)
        # Files exported before runs said where they came from: these came from a CSV.
        data["source"] = data["source"] or RunSource.CSV
        return self.run(data, unit)

    def _checkin(self, record: dict[str, str]) -> CheckIn:
        form = CheckInForm(_form_data(record, CHECKIN_SCHEMA), user=self.user, today=self.today)
        if not form.is_valid():
            raise _form_problem(form)
        form.instance.user = self.user
        return form.instance


def _form_data(record: dict[str, str], schema: EntrySchema) -> dict[str, Any]:
    """A row's cells as the entry's form takes them (the form checks them)."""
    data: dict[str, Any] = {}
    for spec in schema.fields:
        cell = record.get(spec.csv_column, "")
        if spec.kind is Kind.BOOLEAN:
            data[spec.name] = _boolean(cell, schema.label(spec))
        elif spec.kind is Kind.TEXT:
            data[spec.name] = _text_value(cell)
        elif spec.kind is Kind.CHOICES:
            data[spec.name] = [a.strip() for a in cell.split(ACTIONS_SEPARATOR) if a.strip()]
        else:
            data[spec.name] = cell
    return data


class _StravaRow(_RowReader):
    source = "strava"

    def __init__(self, user: User) -> None:
        super().__init__(user)
        self.zone = member_zone(user)

    def read(self, record: dict[str, str], parsed: ParsedImport) -> Run | None:
        try:
            activity = strava.read_record(record)
        except strava.RowError as problem:
            raise RowProblem(str(problem)) from None
        if not activity.is_run():
            parsed.skipped[activity.type] += 1
            return None
        return self.run(strava_run_data(activity, self.zone), Units.KM)


class Recorded(Protocol):
    """What an imported run is made of: a watch's ``Activity`` or a ``StravaActivity``."""

    started_at: datetime.datetime | None
    distance_m: float
    moving_s: float
    elapsed_s: float | None
    surface: str
    avg_heart_rate: float | None
    max_heart_rate: float | None
    avg_cadence: float | None
    climb_m: float | None


def strava_run_data(activity: strava.StravaActivity, zone: datetime.tzinfo) -> dict[str, Any]:
    """A Strava activity as the run form's data: dated where the member lives, effort only
    when the runner gave Strava one (never a default), heaviness left to the runner."""
    return _imported_run_data(
        activity,
        zone,
        rpe=activity.perceived_exertion,
        notes=activity.notes,
        source=RunSource.STRAVA,
        source_id=activity.activity_id,
    )


def activity_run_data(
    activity: Activity,
    zone: datetime.tzinfo,
    *,
    source: str,
    source_id: str,
    strava_row: strava.StravaActivity | None = None,
) -> dict[str, Any]:
    """A watch's activity as the run form's data. With the Strava export's row for it, the row
    gives the name, notes, effort, distance and time (what the runner saw on Strava) and the
    file the heart rate, cadence, climb and where it was run."""
    if strava_row is None:
        notes = f"Imported: {activity.name}" if activity.name else ""
        return _imported_run_data(activity, zone, notes=notes, source=source, source_id=source_id)
    data = strava_run_data(strava_row, zone)
    from_file = _imported_run_data(activity, zone, notes="", source=source, source_id=source_id)
    for name in ("avg_heart_rate", "max_heart_rate", "avg_cadence", "climb_m"):
        data[name] = from_file[name] if from_file[name] is not None else data[name]
    # The file says where when it knows (treadmill, trail); a plain "Run" row says nothing.
    if activity.surface != "road":
        data["surface"] = activity.surface
    return data


def _imported_run_data(
    recorded: Recorded,
    zone: datetime.tzinfo,
    *,
    notes: str,
    source: str,
    source_id: str,
    rpe: int | None = None,
) -> dict[str, Any]:
    """What every imported run's form data holds: a figure outside the diary's ranges is a
    recording glitch and left out, never a reason to refuse the run."""
    if recorded.started_at is None:
        raise RowProblem("Start time: the activity has no start time.")
    return {
        "date": recorded.started_at.astimezone(zone).date().isoformat(),
        "distance_km": (Decimal(str(recorded.distance_m)) / 1000).quantize(Decimal("0.001")),
        "duration": timedelta(seconds=round(recorded.moving_s)),
        "elapsed_time": timedelta(seconds=round(recorded.elapsed_s))
        if recorded.elapsed_s
        else None,
        "kind": RunKind.EASY,  # the file does not say; the member can change it
        "surface": recorded.surface,
        "rpe": rpe,
        "warm_up_minutes": 0,
        "cool_down_minutes": 0,
        "stretched_after": False,
        "avg_heart_rate": _within(recorded.avg_heart_rate, HEART_RATE_RANGE),
        "max_heart_rate": _within(recorded.max_heart_rate, HEART_RATE_RANGE),
        "avg_cadence": _within(recorded.avg_cadence, CADENCE_RANGE),
        "climb_m": _within(recorded.climb_m, (0, MAX_CLIMB_M)),
        "notes": notes[:NOTES_MAX_LENGTH],
        "started_at": recorded.started_at,
        "source": source,
        "source_id": source_id[:SOURCE_ID_MAX_LENGTH],
    }


def _within(value: float | None, bounds: tuple[int, int]) -> int | None:
    if value is None:
        return None
    number = round(value)
    low, high = bounds
    return number if low <= number <= high else None
