"""Watch files read into one plain shape: FIT (fitdecode), GPX (gpxpy) and TCX (python-tcxparser).

Pure: bytes in, an ``Activity`` out, or ``ActivityFileError`` with the reason in plain words
("the file ends early"). Nothing here touches the database or the member; whether an activity
becomes a run (its date where the member lives, the diary's limits, duplicates) is the import
task's business.

XML is never trusted: a file that declares a DTD (the door to entity expansion, the "billion
laughs", and to external entities fetched from the network) is refused by defusedxml before a
parser builds anything, and lxml, which gpxpy and python-tcxparser use, never reads the network.
"""

from __future__ import annotations

import datetime
import io
import statistics
import zlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import fitdecode
import gpxpy
import gpxpy.gpx
import tcxparser
from dateutil.parser import isoparse
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, iterparse
from lxml import etree

# The largest activity file read after unzipping: a 24-hour run recorded every second is about
# 3 MB of FIT and 25 MB of GPX; anything bigger is refused rather than read into memory.
MAX_FILE_BYTES = 32 * 1024 * 1024
EXTENSIONS = (".fit", ".gpx", ".tcx")

# Sports, lower-cased, that are runs. Anything else named is skipped and counted by its name;
# a file that names no sport (most GPX) is taken as a run: it was uploaded to a running diary.
RUN_SPORTS = {
    "running",
    "run",
    "trail run",
    "trail running",
    "trailrun",
    "treadmill running",
    "treadmill",
    "virtual run",
    "virtualrun",
    "indoor running",
    "street running",
    "track running",
    "9",  # Strava's GPX names a run by its number
}
WALK_SPORTS = {"walking", "walk", "hiking", "hike"}
# FIT sub-sports (and GPX or TCX types) that say where the run was.
TREADMILL_WORDS = {"treadmill", "indoor running", "virtual activity", "virtual run", "virtualrun"}
TRAIL_WORDS = {"trail", "trail run", "trail running", "trailrun"}


class ActivityFileError(Exception):
    """The file cannot be read as an activity; the message says why in plain words."""


@dataclass
class Activity:
    """One recorded activity, in SI units, before it is anyone's run."""

    sport: str  # as the file names it, lower case; "" when it does not say
    started_at: datetime.datetime | None  # aware, UTC
    distance_m: float
    moving_s: float  # stops left out
    elapsed_s: float | None = None  # start to finish
    avg_heart_rate: int | None = None
    max_heart_rate: int | None = None
    avg_cadence: int | None = None  # steps per minute, both feet
    climb_m: float | None = None
    has_positions: bool = True
    sub_sport: str = ""  # where, when the file says: "treadmill", "trail", ...
    name: str = ""

    def __post_init__(self) -> None:
        # Some files' last time stamp is not the end (a lap summary outlasting its track):
        # an elapsed time shorter than the moving time is not one.
        if self.elapsed_s is not None and self.elapsed_s < self.moving_s - 1:
            self.elapsed_s = None

    def is_run(self, *, include_walks: bool = False) -> bool:
        sport = _word(self.sport)
        return not sport or sport in RUN_SPORTS or (include_walks and sport in WALK_SPORTS)

    @property
    def surface(self) -> str:
        """Treadmill when nothing moved on a map (or the file says so), trail when it says
        trail, otherwise road (the runner can change it)."""
        where = {_word(self.sub_sport), _word(self.sport)}
        if not self.has_positions or where & TREADMILL_WORDS:
            return "treadmill"
        if where & TRAIL_WORDS:
            return "trail"
        return "road"

    @property
    def sport_label(self) -> str:
        return _word(self.sport).capitalize() or "Unknown"


def _word(text: str) -> str:
    return " ".join(text.replace("_", " ").lower().split())


def has_activity_extension(name: str) -> bool:
    lowered = name.lower().removesuffix(".gz")
    return lowered.endswith(EXTENSIONS)


def read_activity(name: str, data: bytes) -> Activity:
    """The activity in a file named ``name`` (its extension says the format; ``.gz`` is
    unzipped first)."""
    lowered = name.lower()
    if lowered.endswith(".gz"):
        data = gunzip(data)
        lowered = lowered.removesuffix(".gz")
    if not data:
        raise ActivityFileError("the file is empty")
    if lowered.endswith(".fit"):
        return read_fit(data)
    if lowered.endswith(".gpx"):
        return read_gpx(data)
    if lowered.endswith(".tcx"):
        return read_tcx(data)
    raise ActivityFileError("it is not a .fit, .gpx or .tcx file")


def gunzip(data: bytes, limit: int = MAX_FILE_BYTES) -> bytes:
    """Unzip at most ``limit`` bytes: a small .gz that unpacks to gigabytes is refused early."""
    unzipper = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = unzipper.decompress(data, limit + 1)
    except zlib.error:
        raise ActivityFileError("it is not a gzip file, or the gzip file is damaged") from None
    if len(out) > limit:
        raise ActivityFileError(f"it unpacks to more than {limit // 1024 // 1024} MB")
    if not unzipper.eof:
        raise ActivityFileError("the gzip file ends early")
    return out


# FIT.


def read_fit(data: bytes) -> Activity:
    """A FIT activity from its session message, with the records as fallback and for whether
    the watch knew where it was."""
    session: dict | None = None
    sport: dict = {}
    heart_rates: list[int] = []
    has_positions = False
    try:
        # Raw values (no processor) and no checksum: the two cost over half the decoding time of
        # a one-hour run, and neither is needed. A damaged file still fails on its structure
        # (it ends early, its headers are wrong), and the diary's ranges check its figures.
        with fitdecode.FitReader(
            io.BytesIO(data), check_crc=fitdecode.CrcCheck.DISABLED, processor=None
        ) as reader:
            for frame in reader:
                if frame.frame_type != fitdecode.FIT_FRAME_DATA:
                    continue
                if frame.name == "record":
                    heart_rate = frame.get_value("heart_rate", fallback=None)
                    if heart_rate:
                        heart_rates.append(heart_rate)
                    if not has_positions:
                        has_positions = frame.get_value("position_lat", fallback=None) is not None
                elif frame.name == "session":
                    # A multisport file has a session per sport: the first run is the one.
                    values = _values(frame)
                    if session is None or (_running(values) and not _running(session)):
                        session = values
                elif frame.name == "sport" and not sport:
                    sport = _values(frame)
    except fitdecode.FitEOFError:
        raise ActivityFileError("the file ends early (it was cut off while copying)") from None
    except fitdecode.FitHeaderError:
        raise ActivityFileError("it is not a FIT file") from None
    except fitdecode.FitError as error:
        raise ActivityFileError(f"the FIT file could not be read ({error})") from None
    if session is None:
        raise ActivityFileError("the file has no activity summary (no session)")
    moving = session.get("total_moving_time") or session.get("total_timer_time")
    distance = session.get("total_distance")
    if not moving or distance is None:
        raise ActivityFileError("the file has no distance or no time")
    return Activity(
        sport=str(session.get("sport") or sport.get("sport") or ""),
        sub_sport=str(session.get("sub_sport") or sport.get("sub_sport") or ""),
        name=str(sport.get("name") or ""),
        started_at=_fit_time(session.get("start_time")),
        distance_m=float(distance),
        moving_s=float(moving),
        elapsed_s=_float(session.get("total_elapsed_time")),
        avg_heart_rate=_int(session.get("avg_heart_rate"))
        or (round(statistics.fmean(heart_rates)) if heart_rates else None),
        max_heart_rate=_int(session.get("max_heart_rate")) or max(heart_rates, default=None),
        avg_cadence=_fit_cadence(session),
        climb_m=_float(session.get("total_ascent")),
        has_positions=has_positions,
    )


# FIT counts time in seconds from 31 December 1989, 00:00 UTC.
FIT_EPOCH = datetime.datetime(1989, 12, 31, tzinfo=datetime.UTC)


def _fit_time(value: object) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return _utc(value)
    if isinstance(value, int) and value >= 0x10000000:  # smaller values are relative times
        return FIT_EPOCH + datetime.timedelta(seconds=value)
    return None


def _values(frame: fitdecode.FitDataMessage) -> dict:
    return {field.name: field.value for field in frame.fields if field.value is not None}


def _running(values: dict) -> bool:
    return values.get("sport") == "running"


def _fit_cadence(session: dict) -> int | None:
    cadence = session.get("avg_running_cadence") or session.get("avg_cadence")
    if not cadence:
        return None
    # FIT counts running cadence per leg (strides a minute, as a cycling crank turns); runners
    # count steps with both feet, so the diary's cadence is twice the FIT number.
    fraction = session.get("avg_fractional_cadence") or 0
    return round((float(cadence) + float(fraction)) * 2)


# XML: GPX and TCX.


def refuse_dtd(data: bytes) -> None:
    """Refuse XML that declares a DTD, reading no further than the root element's start.

    GPX and TCX never need one; a DTD is where entities are declared, which is how a small file
    expands to gigabytes or makes a parser fetch a URL. defusedxml stops at the declaration.
    """
    try:
        for _event in iterparse(io.BytesIO(data), events=("start",), forbid_dtd=True):
            return
    except DefusedXmlException:
        raise ActivityFileError(
            "the file declares a DTD or entities, which GPX and TCX files never need; it was "
            "not read"
        ) from None
    except ParseError:
        raise ActivityFileError("it is not valid XML") from None
    raise ActivityFileError("it is not valid XML")


def read_gpx(data: bytes) -> Activity:
    refuse_dtd(data)
    try:
        gpx = gpxpy.parse(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ActivityFileError("it is not a GPX text file (it is not UTF-8)") from None
    except gpxpy.gpx.GPXException:
        raise ActivityFileError(
            "the GPX file is damaged: a position, time or height in it cannot be read"
        ) from None
    points = [
        point for track in gpx.tracks for segment in track.segments for point in segment.points
    ]
    if not points:
        raise ActivityFileError("no track and no time: the file holds no recorded track")
    start, end = gpx.get_time_bounds()
    if start is None or end is None or end <= start:
        raise ActivityFileError("no time: the track's points have no times")
    moving = gpx.get_moving_data().moving_time or (end - start).total_seconds()
    heart_rates, cadences = _gpx_extension_numbers(points)
    has_elevation = any(point.elevation is not None for point in points)
    return Activity(
        sport=(gpx.tracks[0].type or "").strip(),
        name=(gpx.tracks[0].name or gpx.name or "").strip(),
        started_at=_utc(start),
        distance_m=gpx.length_2d(),
        moving_s=moving,
        elapsed_s=(end - start).total_seconds(),
        avg_heart_rate=round(statistics.fmean(heart_rates)) if heart_rates else None,
        max_heart_rate=max(heart_rates, default=None),
        # Garmin's track-point extension counts cadence per leg, as FIT does: doubled.
        avg_cadence=round(statistics.fmean(cadences) * 2) if cadences else None,
        climb_m=gpx.get_uphill_downhill().uphill if has_elevation else None,
    )


def _gpx_extension_numbers(points: list[gpxpy.gpx.GPXTrackPoint]) -> tuple[list[int], list[int]]:
    """Heart rates and (non-zero) cadences from the points' Garmin track-point extensions."""
    heart_rates, cadences = [], []
    for point in points:
        for extension in point.extensions:
            for element in extension.iter():
                tag = element.tag.rsplit("}", 1)[-1].lower()
                if tag in ("hr", "cad"):
                    number = _int(element.text)
                    if number:
                        (heart_rates if tag == "hr" else cadences).append(number)
    return heart_rates, cadences


TCX = {"ns": "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"}
TCX_EXTENSION = {"ns": "http://www.garmin.com/xmlschemas/ActivityExtension/v2"}


def read_tcx(data: bytes) -> Activity:
    refuse_dtd(data)
    try:
        tcx = tcxparser.TCXParser(io.BytesIO(data))
        laps = list(tcx.activity.Lap)
    except etree.XMLSyntaxError:
        raise ActivityFileError("it is not valid XML") from None
    except AttributeError:
        raise ActivityFileError("it is not a TCX activity (no activity with laps)") from None
    started = _tcx_time(laps[0].get("StartTime")) or _tcx_time(_text(tcx.activity, "Id"))
    if started is None:
        raise ActivityFileError("no time: the activity has no start time")
    moving = sum(float(_text(lap, "TotalTimeSeconds") or 0) for lap in laps)
    # The last track point's distance is the activity's (laps may hold more than the track).
    distances = tcx.distance_values()
    distance = (
        float(distances[-1])
        if distances
        else sum(float(_text(lap, "DistanceMeters") or 0) for lap in laps)
    )
    if moving <= 0:
        raise ActivityFileError("no time: the laps have no time")
    heart_rates = [
        value for value in _numbers(tcx.root, "//ns:HeartRateBpm/ns:Value", TCX) if value
    ]
    cadences = [value for value in _numbers(tcx.root, "//ns:RunCadence", TCX_EXTENSION) if value]
    times = tcx.root.xpath("//ns:Trackpoint/ns:Time", namespaces=TCX)
    finished = _tcx_time(times[-1].text) if len(times) else None
    has_altitude = bool(tcx.altitude_points())
    return Activity(
        sport=tcx.activity.get("Sport", ""),
        started_at=started,
        distance_m=distance,
        moving_s=moving,
        elapsed_s=(finished - started).total_seconds() if finished and finished > started else None,
        avg_heart_rate=round(statistics.fmean(heart_rates)) if heart_rates else None,
        max_heart_rate=max(heart_rates, default=None),
        # Garmin's RunCadence, like FIT's, counts one leg: doubled for steps per minute.
        avg_cadence=round(statistics.fmean(cadences) * 2) if cadences else None,
        climb_m=tcx.ascent if has_altitude else None,
        has_positions=bool(tcx.position_values()),
    )


def _text(element: etree._Element, child: str) -> str | None:
    found = element.find(f"ns:{child}", namespaces=TCX)
    return found.text if found is not None else None


def _numbers(root: etree._Element, path: str, namespaces: dict) -> list[int]:
    return [
        number for node in root.xpath(path, namespaces=namespaces) if (number := _int(node.text))
    ]


def _tcx_time(text: str | None) -> datetime.datetime | None:
    try:
        return _utc(isoparse(text)) if text else None
    except ValueError:
        return None


# Small conversions.


def _utc(moment: datetime.datetime | None) -> datetime.datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # a file without a zone writes UTC, as GPX and FIT define it
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)


def _float(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _int(value: object) -> int | None:
    number = _float(value)
    return round(number) if number is not None else None


# Nothing twice: is a new run one already in the diary?

START_TIME_TOLERANCE = datetime.timedelta(minutes=1)
DISTANCE_TOLERANCE = 0.01
# Watches and Strava disagree on moving time by a second or two a kilometre.
TIME_TOLERANCE = 0.02


class RunKey(Protocol):
    """What tells one run from another: a diary run or an unsaved imported one."""

    date: datetime.date
    distance_km: Decimal | float
    duration: datetime.timedelta
    started_at: datetime.datetime | None


def same_run(new: RunKey, old: RunKey) -> bool:
    """Whether two runs are one.

    Both with a start time: the same when they started within a minute of each other. Else
    (typed in, or from our CSV): the same date, distance within 1 % and time within 2 %.
    """
    if new.started_at is not None and old.started_at is not None:
        return abs(new.started_at - old.started_at) <= START_TIME_TOLERANCE
    if new.date != old.date:
        return False
    distance = _close(float(new.distance_km), float(old.distance_km), DISTANCE_TOLERANCE)
    seconds = (new.duration.total_seconds(), old.duration.total_seconds())
    return distance and _close(*seconds, TIME_TOLERANCE)


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance * max(a, b)
