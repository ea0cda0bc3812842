"""Strava's bulk export: its ``activities.csv`` rows and the ``.zip`` that holds them.

Pure: no database, no member. ``read_record`` turns one row of activities.csv (as a dict of
lower-cased column names, see ``keyed_records``) into a ``StravaActivity``; ``StravaExport``
opens the export's zip, refuses archives that are bombs or name files outside themselves, and
reads the activity files its rows point to, never writing any of it to disk.

Headers vary (79 to 103 columns, README of the real-data folder): names repeat (``Distance``
once rounded in the runner's display unit, then again in metres at full precision; ``Elapsed
Time``; ``Max Heart Rate``), the pre-2019 export is lower case (``id,date,name,type,...``, the
distance in metres), and dates come US style (``Oct 6, 2022, 11:19:20 PM``) or UK style
(``21 Feb 2024, 01:17:32``), always in UTC.
"""

from __future__ import annotations

import csv
import datetime
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from legs.activities import MAX_FILE_BYTES

# These activity types are runs, on this surface; every other type is skipped.
RUN_SURFACES = {
    "run": "road",
    "trail run": "trail",
    "trailrun": "trail",
    "virtual run": "treadmill",
    "virtualrun": "treadmill",
}
WALK_TYPES = {"walk", "hike"}
DATE_FORMATS = ("%b %d, %Y, %I:%M:%S %p", "%Y-%m-%d %H:%M:%S", "%d %b %Y, %H:%M:%S")
REQUIRED = ("activity date", "activity type", "distance")
LEGACY_REQUIRED = ("date", "type", "distance", "elapsed_time")
SECOND = "#2"  # a repeated column's second occurrence: "distance#2" is the one in metres

# Zip bombs: an archive is refused as a whole past any of these.
MAX_MEMBERS = 20_000
MAX_TOTAL_BYTES = 2 * 1024**3
MAX_RATIO = 100
ACTIVITIES_CSV = "activities.csv"
MAX_CSV_BYTES = 64 * 1024 * 1024


class RowError(Exception):
    """One row cannot be read; the message names the column and says why."""


class ExportError(Exception):
    """The archive as a whole is refused; the message says why in plain words."""


@dataclass
class StravaActivity:
    activity_id: str
    type: str  # as Strava names it: "Run", "Ride", ...
    started_at: datetime.datetime  # UTC
    distance_m: float
    moving_s: float
    elapsed_s: float | None
    name: str = ""
    description: str = ""
    gear: str = ""
    filename: str = ""  # the activity file inside the export, e.g. activities/123.fit.gz
    perceived_exertion: int | None = None
    avg_heart_rate: int | None = None
    max_heart_rate: int | None = None
    avg_cadence: int | None = None  # steps a minute (Strava, like FIT, counts one leg: doubled)
    climb_m: float | None = None

    def is_run(self, *, include_walks: bool = False) -> bool:
        kind = self.type.lower()
        return kind in RUN_SURFACES or (include_walks and kind in WALK_TYPES)

    @property
    def surface(self) -> str:
        return RUN_SURFACES.get(self.type.lower(), "road")

    @property
    def notes(self) -> str:
        parts = [self.name, self.description, f"Shoes: {self.gear}" if self.gear else ""]
        return "Strava: " + " · ".join(part for part in parts if part)


def is_strava_header(names: list[str]) -> bool:
    return all(name in names for name in REQUIRED) or all(name in names for name in LEGACY_REQUIRED)


def keyed_records(header: list[str], rows: Iterable[list[str]]) -> Iterator[dict[str, str]]:
    """Each row as {lower-cased column: stripped cell}; a repeated column's second
    occurrence is also there as "<name>#2" (Strava's second Distance is in metres)."""
    keys = []
    seen: set[str] = set()
    for cell in header:
        name = cell.strip().lower()
        keys.append(name + SECOND if name in seen else name)
        seen.add(name)
    for cells in rows:
        record: dict[str, str] = {}
        for index, key in enumerate(keys):
            record.setdefault(key, cells[index].strip() if index < len(cells) else "")
        yield record


def read_record(record: dict[str, str]) -> StravaActivity:
    """One row of activities.csv; RowError names the column when a cell cannot be read."""
    legacy = "activity date" not in record
    started = _started(record.get("date" if legacy else "activity date", ""))
    return StravaActivity(
        activity_id=record.get("id" if legacy else "activity id", ""),
        type=record.get("type" if legacy else "activity type", "") or "(no type)",
        started_at=started,
        distance_m=_distance(record, legacy),
        moving_s=_moving(record, legacy),
        elapsed_s=_number(record.get("elapsed time#2") or record.get("elapsed time", ""), ""),
        name=record.get("name" if legacy else "activity name", ""),
        description=record.get("description" if legacy else "activity description", ""),
        gear=record.get("gear" if legacy else "activity gear", ""),
        filename=record.get("filename", ""),
        perceived_exertion=_scale(record.get("perceived exertion", "")),
        avg_heart_rate=_whole(record.get("average heart rate", "")),
        max_heart_rate=_whole(record.get("max heart rate#2") or record.get("max heart rate", "")),
        avg_cadence=_steps(record.get("average cadence", "")),
        climb_m=_number(record.get("elevation gain", ""), ""),
    )


def _started(text: str) -> datetime.datetime:
    for pattern in DATE_FORMATS:
        try:
            moment = datetime.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return moment.replace(tzinfo=datetime.UTC)
    raise RowError(
        f"Activity Date: could not read “{text}” (expected a date like “Mar 1, 2024, 7:02:11 AM”)."
    )


def _number(text: str, label: str) -> float | None:
    """A cell as a number; None when empty. A cell that is there but not a finite number is a
    RowError when the column is named (``label``), else taken as missing."""
    if not text:
        return None
    value = text.replace(",", ".") if "," in text and "." not in text else text
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    # NaN and infinity are Decimals too, and "sNaN" is not even a float.
    if number is None or not number.is_finite():
        if label:
            raise RowError(f"{label}: “{text}” is not a number.")
        return None
    return float(number)


def _distance(record: dict[str, str], legacy: bool) -> float:
    """Metres: the second Distance column (full precision) when the export has it; else the
    first, in km, or the pre-2019 file's only one, in metres. Each Distance cell must read."""
    shown = _number(record.get("distance", ""), "Distance")
    metres = _number(record.get("distance" + SECOND, ""), "Distance")
    if metres is not None:
        return metres
    if shown is None:
        raise RowError("Distance: the activity has no distance.")
    return shown if legacy else shown * 1000


def _moving(record: dict[str, str], legacy: bool) -> float:
    # Moving time leaves out stops at traffic lights; elapsed time is the fallback.
    columns = ("elapsed_time",) if legacy else ("moving time", "elapsed time#2", "elapsed time")
    for column in columns:
        seconds = _number(record.get(column, ""), column.removesuffix(SECOND).title())
        if seconds is not None and seconds > 0:
            return seconds
    raise RowError("Moving Time and Elapsed Time: the activity has no time in seconds.")


def _scale(text: str) -> int | None:
    number = _number(text, "")
    return round(number) if number is not None and 0 <= number <= 10 else None


def _steps(text: str) -> int | None:
    number = _number(text, "")
    return round(number * 2) if number else None


def _whole(text: str) -> int | None:
    number = _number(text, "")
    return round(number) if number else None


# The export's zip.

_DRIVE = re.compile(r"^[A-Za-z]:")


class StravaExport:
    """An opened export: checked as a whole on opening, read member by member afterwards."""

    def __init__(self, path: Path) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise ExportError("it is not a zip file, or the zip file is damaged") from None
        self._check()
        self.members = {info.filename: info for info in self.zip.infolist()}
        self.folder, self.csv_name = self._find_csv()

    def close(self) -> None:
        self.zip.close()

    def __enter__(self) -> StravaExport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check(self) -> None:
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ExportError(
                f"the archive holds more than {MAX_MEMBERS:,} files, more than any export we "
                "know; it was not read"
            )
        if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
            raise ExportError("the archive unpacks to more than 2 GB; it was not read")
        for info in infos:
            name = info.filename
            parts = name.replace("\\", "/").split("/")
            if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in parts:
                raise ExportError(
                    f"the archive names a file outside itself (“{name[:80]}”); it was not read"
                )
            if info.file_size and (
                not info.compress_size or info.file_size / info.compress_size > MAX_RATIO
            ):
                raise ExportError(
                    f"“{name[:80]}” in the archive unpacks to more than {MAX_RATIO} times its "
                    "size, as zip bombs do; it was not read"
                )

    def _find_csv(self) -> tuple[str, str]:
        candidates = [
            name for name in self.members if posixpath.basename(name).lower() == ACTIVITIES_CSV
        ]
        if not candidates:
            raise ExportError(
                "there is no activities.csv in the archive: upload the zip from Strava's "
                "“Download your data” as it came"
            )
        name = min(candidates, key=lambda candidate: candidate.count("/"))
        return posixpath.dirname(name), name

    def read(self, name: str, limit: int = MAX_FILE_BYTES) -> bytes:
        """A member's bytes (at most ``limit``); ExportError if it is missing or too big."""
        info = self.members.get(name)
        if info is None or info.is_dir():
            raise ExportError("the file it names is not in the archive")
        if info.file_size > limit:
            raise ExportError(f"the file is bigger than {limit // 1024 // 1024} MB")
        try:
            with self.zip.open(info) as member:
                data = member.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError):
            raise ExportError("the file is damaged inside the archive") from None
        if len(data) > limit:
            raise ExportError(f"the file is bigger than {limit // 1024 // 1024} MB")
        return data

    def records(self) -> list[dict[str, str]]:
        """The rows of activities.csv, keyed by column (see ``keyed_records``)."""
        try:
            text = self.read(self.csv_name, MAX_CSV_BYTES).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ExportError("its activities.csv is not UTF-8 text") from None
        try:
            rows = csv.reader(io.StringIO(text, newline=""))
            header = next(rows, [])
            if not is_strava_header([cell.strip().lower() for cell in header]):
                raise ExportError(
                    "we did not recognise the columns of its activities.csv (exports in "
                    "English are read; set Strava to English and export again)"
                )
            return [record for record in keyed_records(header, rows) if any(record.values())]
        except csv.Error as error:
            raise ExportError(f"its activities.csv is not valid CSV ({error})") from None

    def activity_file(self, filename: str) -> str:
        """The archive's name for a row's Filename (relative to activities.csv's folder)."""
        return posixpath.join(self.folder, filename) if self.folder else filename
