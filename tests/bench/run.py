"""`make bench`: query budgets, server times, throughput against a fortunes floor, worker memory
and first-visit weight. Prints a table per part with each figure beside its budget, then every
budget with its worst figure, and exits non-zero when a budget is missed.
`run.py queries` (`make bench-queries`) stops after the query table: a minute or so, no wrk.

The budgets, by kind of page (tests/bench/pages.py):

- queries: constant in data size, at most 12 for every page (the moderators' list included:
  the Django admin's own queries bring it to 12; QUERY_BUDGETS gives it its own if they grow);
- in-process median of a full render (every cache but the rate-limit counters emptied first):
  8 ms for visitors' and members' pages, 50 ms for the moderators' list of 5,000 comments;
- the 5-year dashboard at most 1.5x the 1-week dashboard;
- requests per second under gunicorn (wrk, A/B/A/B against the fortunes page, 5 s each,
  8 connections, with the page's session cookie): visitors' pages at least 0.75x the fortunes
  page's, members' pages at least 0.15x;
- worker memory under 150 MB and growing under 10 % over the last 5,000 of 10,000 requests;
  a first visit to the home page at most 150 KB, its static files cached for a year.

Everything runs against a throwaway SQLite database (and collected static files) in a temporary
folder that is removed at the end, on 127.0.0.1 only; every load loop is bounded in count and
time, and the servers it starts are stopped whatever happens.
"""

from __future__ import annotations

import gzip
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess  # nosec B404: starts gunicorn and wrk with fixed arguments
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent

QUERY_BUDGETS = {"visitor": 12, "member": 12, "moderation": 12}
RENDER_BUDGETS_MS = {"visitor": 8.0, "member": 8.0, "moderation": 50.0}
THROUGHPUT_FLOORS = {"visitor": 0.75, "member": 0.15, "moderation": None}
DASHBOARD_RATIO_BUDGET = 1.5
RSS_BUDGET_MB = 150
RSS_GROWTH_BUDGET = 0.10
FIRST_VISIT_BUDGET_KB = 150
TIMED_REQUESTS = 200
WRK_SECONDS = 5
WRK_CONNECTIONS = 8
MEMORY_REQUESTS = 10_000
MEMORY_CLIENTS = 4  # concurrent connections driving the memory mix, so both workers get load
MEMORY_SECONDS = 480  # a bound on each half of the memory run (200 s on a busy machine)
SERVER_START_SECONDS = 30
SERVER_STOP_SECONDS = 30
ONE_YEAR = 365 * 24 * 3600

failures: list[str] = []
timings: dict[str, float] = {}
# Per budget: how many figures were checked against it, the missed ones, and the worst figure.
budgets: dict[str, dict] = {}


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Time a part of the run, for the summary at the end."""
    start = time.monotonic()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.monotonic() - start


def check(ok: bool, message: str) -> str:
    if not ok:
        failures.append(message)
    return "ok" if ok else "MISSED"


def judge(budget: str, ok: bool, figure: str, badness: float, message: str) -> str:
    """`check`, and the figure kept for the summary of `budget` if it is the worst so far
    (the highest `badness`)."""
    row = budgets.setdefault(budget, {"checked": 0, "missed": 0, "worst": None})
    row["checked"] += 1
    row["missed"] += not ok
    if row["worst"] is None or badness > row["worst"][0]:
        row["worst"] = (badness, figure)
    return check(ok, message)


def print_budgets() -> None:
    table(
        "Budgets",
        ["budget", "checked", "missed", "worst figure", ""],
        [
            [
                name,
                row["checked"],
                row["missed"],
                row["worst"][1],
                "MISSED" if row["missed"] else "ok",
            ]
            for name, row in budgets.items()
        ],
    )


def table(title: str, header: list[str], rows: list[list[object]], notes: tuple = ()) -> None:
    cells = [header, *[[str(cell) for cell in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if n == 0:
            print("  " + "  ".join("-" * width for width in widths))
    for note in notes:
        print(f"  {note}")
    sys.stdout.flush()


def setup_django(workdir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "STATIC_ROOT": str(workdir / "static"),
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    # The site as `make serve` runs it on one machine: SQLite and each worker's own cache.
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CONN_MAX_AGE", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the rate-limit counters without Redis
    call_command("load_content", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


# --- In process: queries and server time


def client_for(page):
    """A test client in the page's state: logged in as its member, or a visitor (prepared)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    if page.member:
        client.force_login(get_user_model().objects.get(username=page.member))
    if page.prepare:
        page.prepare(client)
    return client


def is_visitor(page) -> bool:
    """Not logged in: the public page cache may serve the page (members' never are)."""
    return page.member is None


def empty_caches() -> None:
    """Before a full render: every cache emptied (public pages, anything kept per member or
    per version), except the rate-limit counters and the sessions', which a running site keeps
    whatever it renders."""
    from django.conf import settings
    from django.core.cache import caches

    kept = {"counters"}
    if "cache" in settings.SESSION_ENGINE:
        kept.add(settings.SESSION_CACHE_ALIAS)
    for alias in settings.CACHES.keys() - kept:
        caches[alias].clear()


def get_ok(client, page):
    response = client.get(page.path)
    if response.status_code != 200:
        failures.append(f"{page.name}: {page.path} answered {response.status_code}")
    return response


def count_queries(pages) -> dict[str, tuple[int, int | None]]:
    """Per page: the queries of a full render (caches emptied first), and for visitors those
    of a cache hit too."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in pages:
        client = client_for(page)
        get_ok(client, page)  # warm the template loader and the connection as a running site
        empty_caches()
        with CaptureQueriesContext(connection) as rendered:
            get_ok(client, page)
        cached = None
        if is_visitor(page):
            with CaptureQueriesContext(connection) as hit:
                get_ok(client, page)
            cached = len(hit)
        counts[page.name] = (len(rendered), cached)
    return counts


def load_average() -> str:
    return ", ".join(f"{n:.1f}" for n in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def median_ms(client, page, *, render: bool) -> tuple[float, float]:
    """Medians of the wall-clock time and of this thread's CPU time per request, in ms: on a
    shared machine the CPU time shows what the page costs apart from waiting for a core."""
    wall, cpu = [], []
    for _ in range(TIMED_REQUESTS):
        if render:
            empty_caches()
        start, start_cpu = time.perf_counter(), time.thread_time()
        client.get(page.path)
        wall.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000


def time_pages(pages) -> dict[str, tuple[float, float, float | None]]:
    """Median server time of a full render (wall clock and CPU), and for visitors of a cache
    hit."""
    medians = {}
    for page in pages:
        client = client_for(page)
        get_ok(client, page)
        rendered, cpu = median_ms(client, page, render=True)
        cached = median_ms(client, page, render=False)[0] if is_visitor(page) else None
        medians[page.name] = (rendered, cpu, cached)
    return medians


# --- Served by gunicorn: throughput, memory, page weight


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


def fetch(port: int, path: str, headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def wait_for(process: subprocess.Popen, port: int, path: str) -> None:
    end = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"the server for port {port} exited with {process.returncode}")
        try:
            response, body = fetch(port, path)
        except OSError:
            time.sleep(0.2)  # polling a server that is starting up; bounded by the deadline
            continue
        if response.status != 200:
            raise RuntimeError(f"{path} on port {port} answered {response.status}: {body[:300]}")
        return
    raise RuntimeError(f"the server on port {port} did not start in {SERVER_START_SECONDS}s")


@contextmanager
def gunicorn(app: str, port: int, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """gunicorn with the site's config (as `make serve`), 2 workers, on 127.0.0.1 only."""
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
        try:
            process.wait(timeout=SERVER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=SERVER_STOP_SECONDS)


def wrk(port: int, path: str, cookie: str | None = None) -> float:
    args = ["wrk", "-t2", f"-c{WRK_CONNECTIONS}", f"-d{WRK_SECONDS}s", "--timeout", "5s"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    url = f"http://127.0.0.1:{port}{path}"
    output = subprocess.run(  # nosec B603 B607
        [*args, url], capture_output=True, text=True, check=True, timeout=WRK_SECONDS + 30
    ).stdout
    for problem in ("Non-2xx or 3xx responses", "Socket errors"):
        found = re.search(rf"{problem}: (.+)", output)
        if found:
            failures.append(f"{url}: {problem.lower()} under load: {found.group(1)}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def session_cookie(client) -> str | None:
    from django.conf import settings

    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return f"{settings.SESSION_COOKIE_NAME}={morsel.value}" if morsel else None


def worker_rss_mb(master_pid: int) -> dict[int, float]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = {}
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes[int(pid)] = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024
    return sizes


def drive(port: int, mix: list[tuple[str, dict[str, str]]], count: int) -> None:
    """`count` requests over the mix, from MEMORY_CLIENTS connections at once, in at most
    MEMORY_SECONDS."""
    errors: list[str] = []
    deadline = time.monotonic() + MEMORY_SECONDS

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            for n in range(offset, count, MEMORY_CLIENTS):
                if time.monotonic() > deadline:
                    errors.append(f"not done in {MEMORY_SECONDS}s")
                    return
                path, headers = mix[n % len(mix)]
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"{path} answered {response.status}")
        except OSError as error:
            errors.append(str(error))
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(MEMORY_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        failures.append(f"memory run: {len(errors)} failed requests, e.g. {errors[0]}")


def first_visit_kb(port: int) -> tuple[float, list[tuple[str, int]], list[str]]:
    """What a first visit to the home page transfers (compressed where the server compresses):
    the total in KB, each file's bytes, and the static files a repeat visit would fetch again
    (not cached for a year)."""
    accept = {"Accept-Encoding": "gzip, br"}
    response, body = fetch(port, "/", accept)
    files = [("/ (HTML)", len(body))]
    html = gzip.decompress(body) if response.getheader("Content-Encoding") == "gzip" else body
    assets = list(dict.fromkeys(re.findall(rb'(?:href|src)="(/static/[^"]+)"', html)))
    not_cached = []
    seen = set()
    while assets:
        asset = assets.pop(0).decode()
        if asset in seen:
            continue
        seen.add(asset)
        response, body = fetch(port, asset, accept)
        files.append((asset, len(body)))
        max_age = re.search(r"max-age=(\d+)", response.getheader("Cache-Control", ""))
        if response.status != 200 or not max_age or int(max_age.group(1)) < ONE_YEAR:
            not_cached.append(asset)
        if asset.endswith(".css"):
            # Fonts and images the stylesheet pulls in are part of the first visit too.
            text = gzip.decompress(body) if response.getheader("Content-Encoding") else body
            base = asset.rsplit("/", 1)[0]
            for ref in re.findall(rb"url\(['\"]?([^'\")]+)['\"]?\)", text):
                if not ref.startswith((b"data:", b"http:", b"https:", b"#")):
                    target = ref.decode() if ref.startswith(b"/") else f"{base}/{ref.decode()}"
                    assets.append(target.encode())
    return sum(size for _, size in files) / 1024, files, not_cached


# --- The run


def main() -> int:
    only_queries = sys.argv[1:] == ["queries"]
    if not only_queries and not shutil.which("wrk"):
        print("wrk is missing: apt-get update && apt-get install -y wrk", file=sys.stderr)
        return 2
    # `kill` (or make being stopped) unwinds through the finally blocks: servers stop, the
    # temporary folder goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="legs-bench-"))
    try:
        return run(workdir, only_queries=only_queries)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: Path, *, only_queries: bool = False) -> int:
    with phase("set-up and data"):
        setup_django(workdir)
        from tests.bench import pages as bench

        bench.build_small()
    with phase("queries"):
        small = count_queries(bench.pages())
    with phase("set-up and data"):
        bench.build_large()
        pages = bench.pages()
    with phase("queries"):
        large = count_queries(pages)
    rows = []
    for page in pages:
        (s, _), (n, hit) = small[page.name], large[page.name]
        most = QUERY_BUDGETS[page.kind]
        verdict = judge(
            f"queries <= {most} ({page.kind}), the same at both sizes",
            n <= most and s == n,
            f"{s} small, {n} large: {page.name}",
            max(n, s) + 1000 * (s != n),
            f"{page.name}: queries {s} small, {n} large (budget <= {most}, the same)",
        )
        rows.append([page.name, s, n, most, "-" if hit is None else hit, verdict])
    table(
        "Queries per page (at most the budget, the same at both sizes)",
        ["page", "small", "large", "budget", "cache hit", ""],
        rows,
        notes=(
            "small/large: a full render (caches emptied first);",
            "cache hit: a visitor served from the public page cache (a session visitor: by state);",
            f"'long diary' is one member with {bench.SMALL_DAYS} days of diary (small) "
            f"and {bench.LARGE_DAYS} days (large).",
        ),
    )
    if only_queries:
        return report()

    with phase("server time"):
        medians = time_pages(pages)
    rows = []
    for page in pages:
        rendered, cpu, hit = medians[page.name]
        most = RENDER_BUDGETS_MS[page.kind]
        verdict = judge(
            f"full render median <= {most:g} ms ({page.kind})",
            rendered <= most,
            f"{rendered:.1f} ms: {page.name}",
            rendered,
            f"{page.name}: full render {rendered:.1f} ms (budget <= {most:g} ms)",
        )
        rows.append(
            [
                page.name,
                f"{rendered:.2f}",
                f"{cpu:.2f}",
                f"{most:g}",
                verdict,
                "-" if hit is None else f"{hit:.2f}",
            ]
        )
    table(
        f"Median server time in ms, {TIMED_REQUESTS} in-process requests each (large data set)",
        ["page", "full render", "its CPU", "budget", "", "cache hit"],
        rows,
        notes=(
            "full render: every cache but the rate-limit counters emptied before each request;",
            "its CPU: the CPU time of the same requests (the budget is on the wall clock, which",
            f"waits for a core when the machine is busy: load average now {load_average()})",
        ),
    )
    week, week_cpu, _ = medians["dashboard (1 week)"]
    years, years_cpu, _ = medians["dashboard (long diary)"]
    ratio = years / week
    print(
        f"  dashboard with {bench.LARGE_DAYS} days / dashboard with {bench.SMALL_DAYS} days = "
        f"{ratio:.2f}x, in CPU time {years_cpu / week_cpu:.2f}x "
        f"(budget <= {DASHBOARD_RATIO_BUDGET}x) "
        + judge(
            f"5-year dashboard <= {DASHBOARD_RATIO_BUDGET}x the 1-week one",
            ratio <= DASHBOARD_RATIO_BUDGET,
            f"{ratio:.2f}x",
            ratio,
            f"dashboard ratio {ratio:.2f}",
        )
    )

    from django.db import connections

    from tests.bench.fortunes.urls import create_database

    fortunes_db = workdir / "fortunes.sqlite3"
    create_database(fortunes_db)
    env = {**os.environ, "FORTUNES_DB": str(fortunes_db)}
    fortunes_env = {**env, "DJANGO_SETTINGS_MODULE": "tests.bench.fortunes.settings"}
    site_port, fortunes_port = free_ports(2)
    cookies = {page.name: session_cookie(client_for(page)) for page in pages}
    connections.close_all()  # the servers get the database to themselves while measured
    with (
        gunicorn("config.wsgi:application", site_port, env) as site,
        gunicorn("tests.bench.fortunes.wsgi:application", fortunes_port, fortunes_env) as floor,
    ):
        wait_for(site, site_port, "/healthz")
        wait_for(floor, fortunes_port, "/fortunes/")
        with phase("throughput"):
            throughput(pages, cookies, site_port, fortunes_port)
        with phase("memory"):
            memory(pages, cookies, site, site_port)
        weight(site_port)
    return report()


def report() -> int:
    print_budgets()
    print(
        "\nTime taken: " + ", ".join(f"{name} {seconds:.0f}s" for name, seconds in timings.items())
    )
    if failures:
        print("\nBudgets missed:\n  " + "\n  ".join(failures))
        return 1
    print("\nAll budgets met.")
    return 0


def throughput(pages, cookies: dict[str, str | None], site_port: int, fortunes_port: int) -> None:
    rows = []
    for page in pages:
        cookie = cookies[page.name]
        # A page that redirected (a lost session, say) would be fast for the wrong reason.
        response, _ = fetch(site_port, page.path, {"Cookie": cookie} if cookie else None)
        if response.status != 200:
            failures.append(f"{page.name}: {page.path} answered {response.status} under gunicorn")
        site_rps, floor_rps = [], []
        for _ in range(2):  # A/B/A/B so drift in the machine's load hits both alike
            site_rps.append(wrk(site_port, page.path, cookie))
            floor_rps.append(wrk(fortunes_port, "/fortunes/"))
        ratio = statistics.mean(site_rps) / statistics.mean(floor_rps)
        floor = THROUGHPUT_FLOORS[page.kind]
        verdict = (
            "(no floor)"
            if floor is None
            else judge(
                f"{page.kind} pages >= {floor}x fortunes req/s",
                ratio >= floor,
                f"{ratio:.2f}x: {page.name}",
                -ratio,
                f"{page.name}: {ratio:.2f}x fortunes (budget >= {floor}x)",
            )
        )
        who = page.kind + ("+session" if page.prepare else "")
        rows.append(
            [
                page.name,
                who,
                f"{statistics.mean(site_rps):.0f}",
                f"{statistics.mean(floor_rps):.0f}",
                f"{ratio:.2f}",
                "-" if floor is None else f">= {floor}",
                verdict,
            ]
        )
    table(
        f"Throughput, wrk {WRK_CONNECTIONS} connections, {WRK_SECONDS}s x 2 alternating with "
        f"fortunes (ratio: the page's req/s over the fortunes page's)",
        ["page", "as", "req/s", "fortunes req/s", "ratio", "budget", ""],
        rows,
    )


def memory(pages, cookies: dict[str, str | None], site: subprocess.Popen, site_port: int) -> None:
    mix = [(page.path, {"Cookie": c} if (c := cookies[page.name]) else {}) for page in pages]
    drive(site_port, mix, MEMORY_REQUESTS // 2)
    middle = worker_rss_mb(site.pid)
    drive(site_port, mix, MEMORY_REQUESTS // 2)
    end = worker_rss_mb(site.pid)
    if middle.keys() != end.keys():
        failures.append("a gunicorn worker was replaced during the memory run")
    growth = max((end[pid] - middle[pid]) / middle[pid] for pid in end.keys() & middle.keys())
    largest = max(end.values())
    verdict = judge(
        f"worker memory < {RSS_BUDGET_MB} MB, growth < {RSS_GROWTH_BUDGET:.0%}",
        largest < RSS_BUDGET_MB and growth < RSS_GROWTH_BUDGET,
        f"{largest:.1f} MB, {growth:+.1%}",
        largest,
        "worker memory",
    )
    print(
        f"\nWorker memory after {MEMORY_REQUESTS} requests (every page above, in turn): "
        + ", ".join(f"{mb:.1f} MB" for mb in end.values())
        + f" (budget < {RSS_BUDGET_MB} MB); largest growth over the last "
        + f"{MEMORY_REQUESTS // 2}: {growth:+.1%} (budget < {RSS_GROWTH_BUDGET:.0%}) {verdict}"
    )


def weight(site_port: int) -> None:
    kb, files, not_cached = first_visit_kb(site_port)
    print(
        f"First visit to the home page: {kb:.1f} KB compressed "
        f"(budget <= {FIRST_VISIT_BUDGET_KB} KB) "
        + judge(
            f"first visit <= {FIRST_VISIT_BUDGET_KB} KB",
            kb <= FIRST_VISIT_BUDGET_KB,
            f"{kb:.1f} KB",
            kb,
            f"first visit {kb:.1f} KB",
        )
    )
    for name, size in files:
        print(f"  {size / 1024:7.1f} KB  {name}")
    print(
        "Repeat visit refetches: "
        + (", ".join(not_cached) or "no static file (hashed names, cached for a year)")
        + " "
        + judge(
            "static files cached for a year",
            not not_cached,
            f"{len(not_cached)} refetched",
            len(not_cached),
            "static files without far-future caching",
        )
    )


if __name__ == "__main__":
    sys.exit(main())
