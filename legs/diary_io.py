"""The diary in and out: our own CSV (export and round-trip import), Strava's activities.csv,
and the diary's sections of the account's JSON export.

Our CSV is one file with a ``type`` column (``run`` or ``checkin``) so a single download carries
the whole diary. Run distances are written in the member's unit with a ``unit`` column; an import
reads each row's own unit, so a file moves between members with different preferences unchanged.
Miles are written to 6 decimals, enough to land back on the exact metre stored.

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from accounts.models import Units, User
from legs import formats
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

RUN = "run"
CHECKIN = "checkin"
COLUMNS = [
    "type",
    "date",
    "unit",
    "distance",
    "duration",
    "pace",
    "kind",
    "surface",
    "rpe",
    "leg_heaviness",
    "warm_up_minutes",
    "cool_down_minutes",
    "stretched_after",
    "water_ml",
    "pain_location",
    "pain_score",
    "sleep_hours",
    "soreness",
    "fatigue",
    "stress",
    "rest_day",
    "recovery_actions",
    "iron_rich_meals",
    "notes",
]
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


def run_row(run: Run, unit: str) -> dict[str, str]:
    return {
        "type": RUN,
        "date": run.date.isoformat(),
        "unit": unit,
        "distance": formats.distance_export(run.distance_km, unit),
        "duration": formats.duration_hms(run.duration),
        "pace": formats.pace(run.pace_seconds(unit)),
        "kind": run.kind,
        "surface": run.surface,
        "rpe": _number(run.rpe),
        "leg_heaviness": _number(run.leg_heaviness),
        "warm_up_minutes": _number(run.warm_up_minutes),
        "cool_down_minutes": _number(run.cool_down_minutes),
        "stretched_after": _yes_no(run.stretched_after),
        "water_ml": _number(run.water_ml),
        "pain_location": _text_cell(run.pain_location),
        "pain_score": _number(run.pain_score),
        "notes": _text_cell(run.notes),
    }


def checkin_row(checkin: CheckIn) -> dict[str, str]:
    return {
        "type": CHECKIN,
        "date": checkin.date.isoformat(),
        "sleep_hours": formats.plain_number(checkin.sleep_hours),
        "leg_heaviness": _number(checkin.leg_heaviness),
        "soreness": _number(checkin.soreness),
        "fatigue": _number(checkin.fatigue),
        "stress": _number(checkin.stress),
        "rest_day": _yes_no(checkin.rest_day),
        "recovery_actions": ACTIONS_SEPARATOR.join(checkin.recovery_actions),
        "iron_rich_meals": _number(checkin.iron_rich_meals),
        "notes": _text_cell(checkin.notes),
    }


def write_csv(user: User, out: io.TextIOBase) -> None:
    """The member's whole diary, runs then check-ins, oldest first, in their units."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="", lineterminator="\r\n")
    writer.writeheader()
    for run in Run.objects.for_user(user).order_by("date", "id").iterator(chunk_size=2000):
        writer.writerow(run_row(run, user.units))
    for checkin in CheckIn.objects.for_user(user).order_by("date").iterator(chunk_size=2000):
        writer.writerow(checkin_row(checkin))


# JSON sections of the account export (accounts.services registers them).


def runs_json(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": run.pk,  # what a checklist run's "diary_run" in the account export refers to
            "date": run.date.isoformat(),
            "distance_km": formats.plain_number(run.distance_km),
            "duration": formats.duration_hms(run.duration),
            "duration_seconds": round(run.duration.total_seconds()),
            "kind": run.kind,
            "surface": run.surface,
            "rpe": run.rpe,
            "leg_heaviness": run.leg_heaviness,
            "warm_up_minutes": run.warm_up_minutes,
            "cool_down_minutes": run.cool_down_minutes,
            "stretched_after": run.stretched_after,
            "water_ml": run.water_ml,
            "pain_location": run.pain_location,
            "pain_score": run.pain_score,
            "notes": run.notes,
            "created": run.created.isoformat(),
        }
        for run in Run.objects.for_user(user).order_by("date", "id").iterator(chunk_size=2000)
    ]


def checkins_json(user: User) -> list[dict[str, Any]]:
    return [
        {
            "date": checkin.date.isoformat(),
            "sleep_hours": formats.plain_number(checkin.sleep_hours),
            "leg_heaviness": checkin.leg_heaviness,
            "soreness": checkin.soreness,
            "fatigue": checkin.fatigue,
            "stress": checkin.stress,
            "rest_day": checkin.rest_day,
            "recovery_actions": list(checkin.recovery_actions),
            "iron_rich_meals": checkin.iron_rich_meals,
            "notes": checkin.notes,
            "created": checkin.created.isoformat(),
        }
        for checkin in CheckIn.objects.for_user(user).order_by("date").iterator(chunk_size=2000)
    ]


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
        kind = record.get("type", "").lower().replace("-", "")
        if kind == RUN:
            return self._run(record)
        if kind == CHECKIN:
            return self._checkin(record)
        raise RowProblem(f"Type: write run or checkin (not “{record.get('type', '')}”).")

    def _run(self, record: dict[str, str]) -> Run:
        unit = record.get("unit", "").lower()
        if unit not in Units.values:
            raise RowProblem(f"Unit: write km or mi (not “{record.get('unit', '')}”).")
        data = {
            name: record.get(name, "")
            for name in (
                "date",
                "kind",
                "surface",
                "rpe",
                "leg_heaviness",
                "warm_up_minutes",
                "cool_down_minutes",
                "water_ml",
                "pain_score",
            )
        }
        data |= {
            "distance_km": record.get("distance", ""),
            "duration": record.get("duration", ""),
            "stretched_after": _boolean(record.get("stretched_after", ""), "Stretched after"),
            "pain_location": _text_value(record.get("pain_location", "")),
            "notes": _text_value(record.get("notes", "")),
        }
        return self.run(data, unit)

    def _checkin(self, record: dict[str, str]) -> CheckIn:
        data: dict[str, Any] = {
            name: record.get(name, "")
            for name in (
                "date",
                "sleep_hours",
                "leg_heaviness",
                "soreness",
                "fatigue",
                "stress",
                "iron_rich_meals",
            )
        }
        actions = record.get("recovery_actions", "")
        data |= {
            "rest_day": _boolean(record.get("rest_day", ""), "Rest day"),
            "recovery_actions": [a.strip() for a in actions.split(ACTIONS_SEPARATOR) if a.strip()],
            "notes": _text_value(record.get("notes", "")),
        }
        form = CheckInForm(data, user=self.user, today=self.today, merge_same_day=False)
        if not form.is_valid():
            raise _form_problem(form)
        form.instance.user = self.user
        return form.instance


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
