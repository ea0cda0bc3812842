"""`make bench`: query budgets, server times, throughput against a fortunes floor, worker memory
and first-visit weight. Prints a table per part and exits non-zero when a budget is missed.

Everything runs against a throwaway SQLite database in a temporary folder, on 127.0.0.1 only,
and every load loop is bounded in count and time.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess  # nosec B404: starts gunicorn and wrk with fixed arguments
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

QUERY_BUDGET = 12
DASHBOARD_RATIO_BUDGET = 3.0
THROUGHPUT_FLOOR = 0.30
RSS_BUDGET_MB = 150
RSS_GROWTH_BUDGET = 0.10
FIRST_VISIT_BUDGET_KB = 150
TIMED_REQUESTS = 200
WRK_SECONDS = 5
WRK_CONNECTIONS = 8
MEMORY_REQUESTS = 10_000

failures: list[str] = []


def check(ok: bool, message: str) -> str:
    if not ok:
        failures.append(message)
    return "ok" if ok else "MISSED"


def table(title: str, header: list[str], rows: list[list[object]]) -> None:
    cells = [header, *[[str(cell) for cell in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if n == 0:
            print("  " + "  ".join("-" * width for width in widths))


def setup_django(workdir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_content", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def client_for(member: str | None):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    if member:
        client.force_login(get_user_model().objects.get(username=member))
    return client


def count_queries(pages) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in pages:
        client = client_for(page.member)
        client.get(page.path)  # warm caches the way a running site has them
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path)
        if response.status_code != 200:
            failures.append(f"{page.name}: {page.path} answered {response.status_code}")
        counts[page.name] = len(queries)
    return counts


def time_pages(pages) -> dict[str, float]:
    medians = {}
    for page in pages:
        client = client_for(page.member)
        client.get(page.path)
        samples = []
        for _ in range(TIMED_REQUESTS):
            start = time.perf_counter()
            client.get(page.path)
            samples.append(time.perf_counter() - start)
        medians[page.name] = statistics.median(samples) * 1000
    return medians


def free_ports(count: int) -> list[int]:
    """Distinct free ports: all sockets stay open until every port is chosen."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def wait_for(port: int, path: str, deadline: float = 30.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(
                    f"{path} on port {port} answered {response.status}: {body[:300]}"
                )
            return
        except OSError:
            time.sleep(0.2)  # polling a server that is starting up; bounded by the deadline
    raise RuntimeError(f"server on port {port} did not start")


@contextmanager
def gunicorn(app: str, port: int, env: dict[str, str]):
    process = subprocess.Popen(  # nosec B603
        [
            str(VENV_BIN / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(url: str, cookie: str | None = None) -> float:
    args = ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", url]
    if cookie:
        args[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(  # nosec B603 B607
        args, capture_output=True, text=True, check=True, timeout=WRK_SECONDS + 30
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        failures.append(f"{url}: {non_2xx.group(1)} non-2xx responses under load")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def worker_rss_mb(master_pid: int) -> list[float]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


def drive(port: int, paths: list[str], count: int, cookie: str | None) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Cookie": cookie} if cookie else {}
    for n in range(count):
        conn.request("GET", paths[n % len(paths)], headers=headers)
        conn.getresponse().read()


def first_visit_kb(port: int) -> tuple[float, list[str]]:
    """Bytes a first visit to the home page transfers (compressed), and static files whose
    caching would make a repeat visit fetch them again."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    accept = {"Accept-Encoding": "gzip, br"}
    conn.request("GET", "/", headers=accept)
    response = conn.getresponse()
    body = response.read()
    total = len(body)
    html = gzip.decompress(body) if response.getheader("Content-Encoding") == "gzip" else body
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)
    not_cached = []
    for asset in assets:
        conn.request("GET", asset.decode(), headers=accept)
        response = conn.getresponse()
        total += len(response.read())
        cache_control = response.getheader("Cache-Control", "")
        max_age = re.search(r"max-age=(\d+)", cache_control)
        if not max_age or int(max_age.group(1)) < 365 * 24 * 3600:
            not_cached.append(asset.decode())
    return total / 1024, not_cached


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get update && apt-get install -y wrk", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="legs-bench-"))
    try:
        return run(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: Path) -> int:
    setup_django(workdir)
    from tests.bench import pages as bench

    bench.build_small()
    small = count_queries(bench.pages())
    bench.build_large()
    large = count_queries(bench.pages())
    rows = []
    for name in small:
        ok = large[name] <= QUERY_BUDGET and small[name] == large[name]
        verdict = check(ok, f"{name}: queries {small[name]} small, {large[name]} large")
        rows.append([name, small[name], large[name], verdict])
    table(
        f"Queries per page (budget <= {QUERY_BUDGET}, the same at both sizes)",
        ["page", "small", "large", ""],
        rows,
    )

    medians = time_pages(bench.pages())
    table(
        f"Median server time, {TIMED_REQUESTS} in-process requests (large data set)",
        ["page", "ms"],
        [[name, f"{ms:.2f}"] for name, ms in medians.items()],
    )
    week, years = medians.get("dashboard (1 week)"), medians.get("dashboard (5 years)")
    if week and years:
        ratio = years / week
        print(
            f"  5-year dashboard / 1-week dashboard = {ratio:.2f}x "
            f"(budget <= {DASHBOARD_RATIO_BUDGET}x): "
            + check(ratio <= DASHBOARD_RATIO_BUDGET, f"dashboard ratio {ratio:.2f}")
        )

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    fortunes_db = workdir / "fortunes.sqlite3"
    from tests.bench.fortunes.urls import create_database

    create_database(fortunes_db)
    env = {**os.environ, "FORTUNES_DB": str(fortunes_db)}
    site_port, fortunes_port = free_ports(2)
    throughput_rows = []
    fortunes_env = {**env, "DJANGO_SETTINGS_MODULE": "tests.bench.fortunes.settings"}
    with (
        gunicorn("config.wsgi:application", site_port, env) as site,
        gunicorn("tests.bench.fortunes.wsgi:application", fortunes_port, fortunes_env),
    ):
        wait_for(site_port, "/healthz")
        wait_for(fortunes_port, "/fortunes/")
        cookies = {}
        for page in bench.pages():
            if page.member and page.member not in cookies:
                client = Client()
                client.force_login(get_user_model().objects.get(username=page.member))
                cookies[page.member] = (
                    f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
                )
        for page in bench.pages():
            cookie = cookies.get(page.member)
            site_rps, floor_rps = [], []
            for _ in range(2):  # A/B/A/B so drift in the machine hits both alike
                site_rps.append(wrk(f"http://127.0.0.1:{site_port}{page.path}", cookie))
                floor_rps.append(wrk(f"http://127.0.0.1:{fortunes_port}/fortunes/"))
            ratio = statistics.mean(site_rps) / statistics.mean(floor_rps)
            verdict = check(
                ratio >= THROUGHPUT_FLOOR or not page.public, f"{page.name}: {ratio:.2f}x fortunes"
            )
            throughput_rows.append(
                [
                    page.name,
                    f"{statistics.mean(site_rps):.0f}",
                    f"{statistics.mean(floor_rps):.0f}",
                    f"{ratio:.2f}",
                    verdict,
                ]
            )
        table(
            f"Throughput, wrk {WRK_CONNECTIONS} connections, {WRK_SECONDS}s x2 each "
            f"(public pages >= {THROUGHPUT_FLOOR}x fortunes)",
            ["page", "req/s", "fortunes req/s", "ratio", ""],
            throughput_rows,
        )

        paths = [page.path for page in bench.pages() if page.public]
        drive(site_port, paths, MEMORY_REQUESTS // 2, None)
        middle = worker_rss_mb(site.pid)
        drive(site_port, paths, MEMORY_REQUESTS // 2, None)
        end = worker_rss_mb(site.pid)
        growth = max((b - a) / a for a, b in zip(sorted(middle), sorted(end), strict=False))
        print(
            f"\nWorker memory after {MEMORY_REQUESTS} requests: "
            + ", ".join(f"{mb:.1f} MB" for mb in end)
            + f"; growth over the last {MEMORY_REQUESTS // 2}: {growth:.1%} "
            + check(max(end) < RSS_BUDGET_MB and growth < RSS_GROWTH_BUDGET, "worker memory")
        )

        kb, not_cached = first_visit_kb(site_port)
        print(
            f"First visit to the home page: {kb:.1f} KB compressed "
            f"(budget <= {FIRST_VISIT_BUDGET_KB} KB) "
            + check(kb <= FIRST_VISIT_BUDGET_KB, f"first visit {kb:.1f} KB")
        )
        print(
            "Repeat visit refetches: "
            + (", ".join(not_cached) or "nothing (hashed names, cached for a year)")
            + " "
            + check(not not_cached, "static files without far-future caching")
        )

    if failures:
        print("\nBudgets missed:\n  " + "\n  ".join(failures))
        return 1
    print("\nAll budgets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
