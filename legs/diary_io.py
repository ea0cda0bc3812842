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
from decimal import Decimal, InvalidOperation
from typing import Any

from accounts.models import Units, User
from legs import formats
from legs.diary_schema import (
    CHECKIN_SCHEMA,
    PACE_COLUMN,
    RUN_SCHEMA,
    UNIT_COLUMN,
    EntrySchema,
    Kind,
)
from legs.forms.diary import CheckInForm, RunForm
from legs.models.diary import (
    MAX_DURATION,
    NOTES_MAX_LENGTH,
    CheckIn,
    Run,
    RunKind,
    Surface,
    member_today,
    member_zone,
)

TYPE_COLUMN = "type"
ACTIONS_SEPARATOR = ";"
MAX_ROWS = 50_000
MAX_REPORTED_ERRORS = 200

# Strava's activities.csv: these activity types are runs; every other type is skipped.
STRAVA_RUN_SURFACES = {
    "run": Surface.ROAD,
    "trail run": Surface.TRAIL,
    "trailrun": Surface.TRAIL,
    "virtual run": Surface.TREADMILL,
    "virtualrun": Surface.TREADMILL,
}
STRAVA_DATE_FORMATS = ("%b %d, %Y, %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%d %b %Y, %H:%M:%S")
STRAVA_REQUIRED = ("activity date", "activity type", "distance")

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


# The cell of each kind of value; distances and times, which add a column, are written apart.
_CSV_CELLS: dict[Kind, Callable[[Any], str]] = {
    Kind.DATE: datetime.date.isoformat,
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


def parse_csv(data: bytes, *, user: User, default_rpe: int = 3) -> ParsedImport:
    """Recognise the file (ours or Strava's) and validate every row without writing."""
    rows = read_rows(data)
    try:
        header = next(rows, None)
        if not header or not any(cell.strip() for cell in header):
            raise ImportFileError("That file is empty: there is no header row.")
        names = [cell.strip().lower() for cell in header]
        if "type" in names and "date" in names:
            return _parse(rows, names, _OwnRow(user))
        if all(name in names for name in STRAVA_REQUIRED):
            return _parse(rows, names, _StravaRow(user, default_rpe))
    except csv.Error as error:
        raise ImportFileError(f"That file is not valid CSV: {error}.") from None
    raise ImportFileError(
        "We did not recognise the columns of that file. Upload a Lighter Legs diary export "
        "(with type and date columns) or Strava's activities.csv (with Activity Date, Activity "
        "Type and Distance columns)."
    )


def _parse(rows: Iterable[list[str]], names: list[str], reader: _RowReader) -> ParsedImport:
    parsed = ParsedImport(source=reader.source)
    # Strava's file repeats some column names (Distance in km, then again in metres): the first
    # one of each name is the one meant.
    first_index: dict[str, int] = {}
    for index, name in enumerate(names):
        first_index.setdefault(name, index)
    checkin_rows: dict[datetime.date, int] = {}
    for number, cells in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise ImportFileError(
                f"That file has more than {MAX_ROWS:,} rows. Split it and import the parts one "
                "at a time."
            )
        if not any(cell.strip() for cell in cells):
            continue
        record = {
            name: cells[index].strip() if index < len(cells) else ""
            for name, index in first_index.items()
        }
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
        form = RunForm(data, user=self.user, today=self.today, unit=unit, heaviness_required=False)
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
        return self.run(_form_data(record, RUN_SCHEMA), unit)

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

    def __init__(self, user: User, default_rpe: int) -> None:
        super().__init__(user)
        self.default_rpe = default_rpe
        self.zone = member_zone(user)

    def read(self, record: dict[str, str], parsed: ParsedImport) -> Run | None:
        activity = record.get("activity type", "")
        surface = STRAVA_RUN_SURFACES.get(activity.lower())
        if surface is None:
            parsed.skipped[activity or "(no type)"] += 1
            return None
        started = self._started(record.get("activity date", ""))
        data = {
            "date": started.date().isoformat(),
            "distance_km": self._decimal(record.get("distance", ""), "Distance"),
            "duration": self._duration(record),
            "kind": RunKind.EASY,  # activities.csv does not say; the member can edit it
            "surface": surface,
            "rpe": self._rpe(record.get("perceived exertion", "")),
            "warm_up_minutes": 0,
            "cool_down_minutes": 0,
            "stretched_after": False,
            "notes": self._notes(record),
        }
        return self.run(data, Units.KM)

    def _started(self, text: str) -> datetime.datetime:
        # Strava writes the start time in UTC; the diary's date is the member's local date.
        for pattern in STRAVA_DATE_FORMATS:
            try:
                moment = datetime.datetime.strptime(text, pattern)
            except ValueError:
                continue
            return moment.replace(tzinfo=datetime.UTC).astimezone(self.zone)
        raise RowProblem(
            f"Activity Date: could not read “{text}” (expected a date like "
            "“Mar 1, 2024, 7:02:11 AM”)."
        )

    @staticmethod
    def _decimal(text: str, label: str) -> str:
        value = text.replace(",", ".") if "," in text and "." not in text else text
        try:
            number = Decimal(value or "x")
        except InvalidOperation:
            number = None
        # NaN and infinity are Decimals too, and "sNaN" is not even a float.
        if number is None or not number.is_finite():
            raise RowProblem(f"{label}: “{text}” is not a number.")
        return value

    def _duration(self, record: dict[str, str]) -> timedelta:
        # Moving time leaves out stops at traffic lights; elapsed time is the fallback.
        for column in ("moving time", "elapsed time"):
            text = record.get(column, "")
            if not text:
                continue
            seconds = float(Decimal(self._decimal(text, column.title())))
            if seconds > MAX_DURATION.total_seconds():
                raise RowProblem(f"{column.title()}: more than 48 hours ({text} seconds).")
            if seconds > 0:
                return timedelta(seconds=round(seconds))
        raise RowProblem("Moving Time and Elapsed Time: the activity has no time in seconds.")

    def _rpe(self, text: str) -> int:
        try:
            value = round(float(text))
        except (ValueError, OverflowError):  # not a number, NaN, or infinite
            return self.default_rpe
        return value if 0 <= value <= 10 else self.default_rpe

    @staticmethod
    def _notes(record: dict[str, str]) -> str:
        parts = [record.get("activity name", ""), record.get("activity description", "")]
        text = "Strava: " + " · ".join(part for part in parts if part)
        return text[:NOTES_MAX_LENGTH]
