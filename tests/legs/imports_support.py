"""What the import tests share: the real activity files, uploads, and files made to order."""

from __future__ import annotations

import datetime
import gzip
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

# Real files from open-source projects' test folders (origin, licence and expected values in
# that folder's README); read from there, never copied into the project.
REAL = Path(settings.BASE_DIR).parent / "shared" / "real-data"
STRAVA_CSV = "gap_strava_export_activities.csv"
STRAVA_FIT_GZ = "gap_strava_export_12866632127.fit.gz"


def real(name: str) -> bytes:
    return (REAL / name).read_bytes()


def upload(client: Client, *files: tuple[str, bytes], include_walks: bool = False):
    """Post files to the import page as a browser does; the answer (not followed)."""
    data: dict = {"file": [SimpleUploadedFile(name, content) for name, content in files]}
    if include_walks:
        data["include_walks"] = "on"
    return client.post(reverse("diary_import"), data)


def strava_export(
    csv_text: str | None = None, files: dict[str, bytes] | None = None, folder: str = ""
) -> bytes:
    """A Strava bulk export zip: activities.csv and the activity files its rows name (by
    default the real export's CSV and its .fit.gz), plus the folders Strava adds."""
    if csv_text is None:
        csv_text = real(STRAVA_CSV).decode()
    if files is None:
        files = {"activities/12866632127.fit.gz": real(STRAVA_FIT_GZ)}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(folder + "activities.csv", csv_text)
        archive.writestr(folder + "profile.csv", "Athlete ID,First Name\n1,Sam\n")
        archive.writestr(folder + "media/", "")
        for name, content in files.items():
            archive.writestr(folder + name, content)
    return out.getvalue()


def gpx(
    points: list[tuple[float, float, datetime.datetime]], *, kind: str = "running", head: str = ""
) -> bytes:
    """A GPX 1.1 track through the points (lat, lon, time)."""
    trkpts = "".join(
        f'<trkpt lat="{lat}" lon="{lon}"><ele>10</ele><time>{when.isoformat()}</time></trkpt>'
        for lat, lon, when in points
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{head}'
        '<gpx version="1.1" creator="tests" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>Test run</name><type>{kind}</type><trkseg>{trkpts}</trkseg></trk></gpx>"
    ).encode()


def line_run(
    start: datetime.datetime, *, km: float = 5.0, minutes: int = 30, kind: str = "running"
) -> bytes:
    """A GPX run due north from 0,0: ``km`` in ``minutes``, one point a minute."""
    steps = minutes
    degrees = km / 111.195  # one degree of latitude on gpxpy's sphere
    points = [
        (degrees * n / steps, 0.0, start + datetime.timedelta(minutes=n)) for n in range(steps + 1)
    ]
    return gpx(points, kind=kind)


def gz(data: bytes) -> bytes:
    return gzip.compress(data)


def fit_file(
    *,
    start: datetime.datetime,
    seconds: int,
    record: Callable[[int], dict[str, Any]],
    session: dict[str, Any],
) -> bytes:
    """A FIT activity written with fit-tool: a record a second with ``record(n)``'s fields, and
    a session over them with ``session``'s (its times and distance filled in here)."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.profile_type import FileType, Manufacturer

    start_ms = round(start.timestamp() * 1000)
    builder = FitFileBuilder(auto_define=True, min_string_size=50)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.serial_number = 1
    file_id.time_created = start_ms
    builder.add(file_id)
    records = []
    for n in range(seconds):
        message = RecordMessage()
        message.timestamp = start_ms + n * 1000
        for name, value in record(n).items():
            setattr(message, name, value)
        records.append(message)
    builder.add_all(records)
    summary = SessionMessage()
    summary.timestamp = start_ms + seconds * 1000
    summary.start_time = start_ms
    summary.total_elapsed_time = seconds
    summary.total_timer_time = seconds
    for name, value in session.items():
        setattr(summary, name, value)
    builder.add(summary)
    return builder.build().to_bytes()
