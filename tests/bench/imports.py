"""`make bench` (second part): activity imports through one worker, and the web side's memory.

A Strava-style export of 300 generated one-hour FIT runs (3,600 records each, written with
fit-tool) goes up through the real upload form to gunicorn as `make serve` runs it, and one
`manage.py db_worker --batch` imports it; then the same for an export of 300 one-hour GPX runs.
Prints activities a second for each kind (budget: 1.5 FIT runs a second), also per CPU second
of the worker (what other work on the machine does not change), the worker's peak memory
(budget: under 250 MB) and how much the web worker's memory grew over the upload
(budget: under 20 MB: the upload streams to disk, never whole in memory). Everything lives in a
temporary folder, on 127.0.0.1 only; exits non-zero when a budget is missed.
"""

from __future__ import annotations

import datetime
import gzip
import http.client
import os
import re
import shutil
import signal
import subprocess  # nosec B404: starts gunicorn and the worker with fixed arguments
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.run import (  # noqa: E402
    ROOT,
    check,
    failures,
    free_ports,
    gunicorn,
    setup_django,
    table,
    wait_for,
)

RUNS = 300
SECONDS = 3600  # one record a second for an hour
FIT_BUDGET = 1.5  # one-hour FIT activities a second through one worker
WORKER_RSS_BUDGET_MB = 250
WEB_GROWTH_BUDGET_MB = 20
WORKER_SECONDS = 1800  # a bound on the worker's run
FIRST_START = datetime.datetime(2020, 1, 1, 6, 0, tzinfo=datetime.UTC)
FIT_EPOCH = datetime.datetime(1989, 12, 31, tzinfo=datetime.UTC)
CSV_HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Filename,"
    "Moving Time,Distance"
)


def fit_template() -> bytes:
    """One one-hour FIT run from fit-tool (slow to write, so written once and then re-dated)."""
    from fit_tool.profile.profile_type import Sport, SubSport

    from tests.legs.imports_support import fit_file

    def record(n: int) -> dict:
        return {
            "position_lat": 51.5 + n * 0.000025,
            "position_long": -0.1,
            "distance": n * 2.8,
            "altitude": 10 + n % 50,
            "heart_rate": 140 + n % 20,
            "cadence": 85,
        }

    session = {
        "total_distance": SECONDS * 2.8,
        "sport": Sport.RUNNING,
        "sub_sport": SubSport.GENERIC,
        "avg_heart_rate": 150,
        "max_heart_rate": 159,
        "total_ascent": 120,
    }
    return fit_file(start=FIRST_START, seconds=SECONDS, record=record, session=session)


def redated(template: bytes, start: datetime.datetime) -> bytes:
    """The template with its start (file id, first record, session) moved to ``start``."""
    from fitdecode.utils import compute_crc

    def fit_seconds(moment: datetime.datetime) -> bytes:
        return int((moment - FIT_EPOCH).total_seconds()).to_bytes(4, "little")

    old, new = fit_seconds(FIRST_START), fit_seconds(start)
    body = template[:-2].replace(old, new)
    return body + compute_crc(body).to_bytes(2, "little")


def gpx_run(start: datetime.datetime) -> bytes:
    points = "".join(
        f'<trkpt lat="{51.5 + n * 0.000025:.7f}" lon="-0.1"><ele>{10 + n % 50}</ele>'
        f"<time>{(start + datetime.timedelta(seconds=n)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time>"
        "<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>150</gpxtpx:hr>"
        "<gpxtpx:cad>85</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions></trkpt>"
        for n in range(SECONDS)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="bench" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><type>running</type><trkseg>{points}</trkseg></trk></gpx>"
    ).encode()


def export(path: Path, kind: str, template: bytes | None) -> None:
    """A Strava-style export of RUNS one-hour runs of one kind, a day apart."""
    rows = [CSV_HEADER]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(RUNS):
            start = FIRST_START + datetime.timedelta(days=n, hours=1 if kind == "gpx" else 0)
            data = redated(template, start) if kind == "fit" else gpx_run(start)
            name = f"activities/{n}.{kind}.gz"
            archive.writestr(name, gzip.compress(data, compresslevel=6))
            when = start.strftime("%b %d, %Y, %I:%M:%S %p")
            rows.append(f'{n},"{when}",Run {n},Run,{SECONDS},10.08,{name},{SECONDS},10080.0')
        archive.writestr("activities.csv", "\n".join(rows) + "\n")


def status_mb(pid: int, field: str) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+) kB", status).group(1)) / 1024


def post_export(port: int, path: Path, cookie: str) -> int:
    """Upload the export through the import form, the file streamed from disk."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/diary/import/", headers={"Cookie": cookie})
    answer = conn.getresponse()
    page = answer.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    csrf_cookie = re.search(r"csrftoken=([^;]+)", answer.getheader("Set-Cookie", "")).group(1)
    boundary = "benchboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{token}\r\n--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body():
        yield head
        with path.open("rb") as handle:
            while chunk := handle.read(64 * 1024):
                yield chunk
        yield tail

    conn.request(
        "POST",
        "/diary/import/",
        body=body(),
        headers={
            "Cookie": f"{cookie}; csrftoken={csrf_cookie}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + path.stat().st_size + len(tail)),
            "Referer": f"http://127.0.0.1:{port}/diary/import/",
            "Origin": f"http://127.0.0.1:{port}",
        },
    )
    answer = conn.getresponse()
    answer.read()
    conn.close()
    return answer.status


def work_through_the_queue():
    """One worker runs every queued task and exits; its resource usage (CPU, peak RSS)."""
    worker = subprocess.Popen(  # nosec B603
        [sys.executable, str(ROOT / "manage.py"), "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + WORKER_SECONDS
    while (waited := os.wait4(worker.pid, os.WNOHANG))[0] == 0:
        if time.monotonic() > deadline:
            worker.kill()
            failures.append(f"the worker did not finish in {WORKER_SECONDS} s")
            waited = os.wait4(worker.pid, 0)
            break
        # The worker is the one being measured: a look every second costs it nothing.
        time.sleep(1)
    worker.returncode = 0  # reaped by wait4 above; Popen must not wait for it again
    return waited[2]


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="legs-bench-imports-"))
    try:
        return run(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: Path) -> int:
    os.environ["IMPORT_UPLOAD_DIR"] = str(workdir / "imports")
    setup_django(workdir)
    from django.core.files import File
    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    from legs import services
    from legs.models import Import, Run
    from tests.bench.run import session_cookie
    from tests.factories import UserFactory

    started = time.monotonic()
    template = fit_template()
    fit_zip, gpx_zip = workdir / "export_fit.zip", workdir / "export_gpx.zip"
    export(fit_zip, "fit", template)
    export(gpx_zip, "gpx", None)
    made_in = time.monotonic() - started
    fit_runner, gpx_runner = UserFactory(), UserFactory()
    client = Client()
    client.force_login(fit_runner)

    (port,) = free_ports(1)
    with gunicorn("config.wsgi:application", port, dict(os.environ)) as site:
        wait_for(site, port, "/healthz")
        workers = Path(f"/proc/{site.pid}/task/{site.pid}/children").read_text().split()
        before = {pid: status_mb(int(pid), "VmRSS") for pid in workers}
        status = post_export(port, fit_zip, session_cookie(client))
        growth = max(status_mb(int(pid), "VmHWM") - before[pid] for pid in workers)
    check(status == 302, f"the upload answered {status}, not a redirect to its progress page")

    rows, peaks = [], []
    for runner, kind in ((fit_runner, "FIT"), (gpx_runner, "GPX")):
        if kind == "GPX":
            with gpx_zip.open("rb") as handle:
                services.import_start(user=runner, uploads=[File(handle)], include_walks=False)
        usage = work_through_the_queue()
        peaks.append(usage.ru_maxrss / 1024)
        upload = Import.objects.get(user=runner)
        task = DBTaskResult.objects.get(args_kwargs__args=[upload.pk])
        seconds = (task.finished_at - task.started_at).total_seconds()
        runs = Run.objects.filter(user=runner).count()
        rate, cpu_rate = runs / seconds, runs / (usage.ru_utime + usage.ru_stime)
        verdict = check(rate >= FIT_BUDGET, f"{rate:.2f} FIT runs/s") if kind == "FIT" else ""
        check(runs == RUNS, f"{kind}: {runs} of {RUNS} runs imported ({upload.summary})")
        rows.append([kind, runs, f"{seconds:.1f} s", f"{rate:.2f}/s", f"{cpu_rate:.2f}", verdict])
    peak_mb = max(peaks)
    table(
        f"Imports through one worker ({RUNS} one-hour runs of each kind; exports made in "
        f"{made_in:.0f} s)",
        [
            "kind",
            "runs",
            "task time",
            "activities",
            "per CPU second",
            f"budget >= {FIT_BUDGET}/s for FIT",
        ],
        rows,
        notes=(
            "load average (1, 5, 15 min) at the end: "
            + ", ".join(f"{load:.1f}" for load in os.getloadavg())
            + f" on {os.cpu_count()} cores (other work on the machine slows the wall-clock rate,"
            " not the rate per CPU second)",
            f"worker peak RSS {peak_mb:.0f} MB (budget < {WORKER_RSS_BUDGET_MB} MB) "
            + check(peak_mb < WORKER_RSS_BUDGET_MB, f"worker peak RSS {peak_mb:.0f} MB"),
            f"web worker memory growth over a {fit_zip.stat().st_size / 1e6:.1f} MB upload: "
            f"{growth:+.1f} MB (budget < {WEB_GROWTH_BUDGET_MB} MB) "
            + check(growth < WEB_GROWTH_BUDGET_MB, f"web worker grew {growth:.1f} MB"),
        ),
    )
    if failures:
        print("\nBudgets missed:\n  " + "\n  ".join(failures))
        return 1
    print("\nAll import budgets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
