"""What the load phases share: throwaway databases, gunicorn as `make serve` runs it, the
people, the figures, and the check of the database against the ledger of answered writes."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import subprocess  # nosec B404: starts gunicorn with fixed arguments
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tests.load.browser import Browser, Record, find_form
from tests.load.scenario import KINDS, Ledger, Member, Person, Site

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SECONDS = float(os.environ.get("LOADTEST_SECONDS", "60"))
USERS = int(os.environ.get("LOADTEST_USERS", "20"))
MEMBER_SHARE = 0.6
THINK_MAX = float(os.environ.get("LOADTEST_THINK_MAX", "0.5"))
POSTGRES_URL = os.environ.get("LOADTEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PG_CLUSTER = os.environ.get("LOADTEST_PG_CLUSTER", "")
# How long the stopped cluster is left down; stopping and starting it add a few seconds more.
OUTAGE_SECONDS = min(float(os.environ.get("LOADTEST_OUTAGE_SECONDS", "4")), 6.0)
QUIET_WAIT = float(os.environ.get("LOADTEST_QUIET_WAIT", "120"))
MEMBER_PASSWORD = secrets.token_urlsafe(16)
MEMBER_PREFIX = "load-member-"

failures: list[str] = []
pause = threading.Event()  # never set: its wait() is an interruptible, bounded pause


def check(ok: bool, message: str) -> bool:
    if not ok:
        failures.append(message)
        print(f"  FAILED: {message}")
    return ok


def say(text: str) -> None:
    print(text, flush=True)


# --- databases and servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers(url: str) -> bool:
    if url == "off":
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@contextlib.contextmanager
def postgres_database(name: str) -> Iterator[str]:
    """A database made for this run and dropped after it (never the suites' `test`)."""
    import psycopg

    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_URL}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def redis_prefix(url: str, prefix: str) -> Iterator[None]:
    """Delete the run's keys afterwards (never FLUSHDB: the Redis may be shared)."""
    try:
        yield
    finally:
        import redis

        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the rate-limit counters without Redis
    call_command("load_content", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def create_members(count: int) -> list[str]:
    from accounts.models import User

    probe = User()
    probe.set_password(MEMBER_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
    hashed = probe.password
    names = [f"{MEMBER_PREFIX}{n:02d}" for n in range(count)]
    User.objects.bulk_create(
        User(
            username=name,
            username_key=name,  # bulk_create skips save(), which keeps the folded keys
            email=f"{name}@example.com",
            email_key=f"{name}@example.com",
            password=hashed,
            time_zone="UTC",
        )
        for name in names
    )
    return names


def site_content(port: int) -> Site:
    from django.conf import settings

    from legs.models import Checklist, ChecklistKind, Tip

    return Site(
        port=port,
        tip_slugs=list(Tip.objects.published().values_list("slug", flat=True)),
        checklist_slugs=list(
            Checklist.objects.filter(kind=ChecklistKind.CHECKLIST).values_list("slug", flat=True)
        ),
        troubleshooter_slug=Checklist.objects.filter(kind=ChecklistKind.TROUBLESHOOTER)
        .values_list("slug", flat=True)
        .first(),
        search_words=["legs", "sleep", "iron", "stretch", "water", "warm", "hills", "café"],
        comment_min_seconds=settings.COMMENT_MIN_SECONDS,
        think_max=THINK_MAX,
    )


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def workers(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def server_errors(self) -> int:
        """5xx lines in gunicorn's access log: the server's own count, beside the clients'."""
        statuses = re.findall(r'" (\d{3}) ', self.log.read_text(errors="replace"))
        return sum(status.startswith("5") for status in statuses)


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workdir: Path) -> Iterator[Server]:
    port = free_port()
    log = workdir / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # nosec B603
            [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "config.wsgi"],
            cwd=ROOT,
            env=os.environ | env | {"GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, port, log)
    try:
        wait_until_healthy(port, deadline=60)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_until_healthy(port: int, deadline: float) -> float:
    """Poll /healthz until it answers 200; the seconds it took."""
    start = time.monotonic()
    probe = Browser(port, "probe", [])
    while time.monotonic() - start < deadline:
        if probe.get("/healthz", label="healthz").status == 200:
            return time.monotonic() - start
        pause.wait(0.1)
    raise RuntimeError(f"the server on port {port} did not become healthy in {deadline:.0f} s")


# --- the people


def log_in(browser: Browser, username: str) -> None:
    page = browser.get("/accounts/login/", label="log-in form")
    form = find_form(page.body, "/accounts/login/")
    if not check(form is not None, f"no log-in form for {username}: {page.status}"):
        return
    answer = browser.post(
        form.action,
        form.data(username=username, password=MEMBER_PASSWORD),
        label="log in",
        follow=False,
    )
    check(
        answer.status == 302 and "sessionid" in browser.cookies,
        f"{username} could not log in: {answer.status}",
    )


def keep_going(person: Person, stop: threading.Event) -> None:
    """One person's loop; a person who trips over something fails the run, not silently."""
    try:
        person.run(stop)
    except Exception as problem:
        check(False, f"{person.name} stopped: {problem!r}")
        raise


def people(
    site: Site, ledger: Ledger, members: list[str], records: list[Record], total: int = USERS
) -> list[Person]:
    """The members (logged in here, before any clock starts) and visitors up to `total`."""
    today = date.today()
    crowd: list[Person] = []
    for n, name in enumerate(members):
        browser = Browser(site.port, name, records)
        crowd.append(Member(name, site, ledger, browser, seed=n, today=today))
    for n in range(total - len(members)):
        name = f"load-visitor-{n:02d}"
        crowd.append(Person(name, site, ledger, Browser(site.port, name, records), seed=100 + n))
    threads = [
        threading.Thread(target=log_in, args=(person.browser, person.name))
        for person in crowd
        if isinstance(person, Member)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return crowd


@contextlib.contextmanager
def running(crowd: list[Person]) -> Iterator[threading.Event]:
    stop = threading.Event()
    threads = [
        threading.Thread(target=keep_going, args=(person, stop), daemon=True) for person in crowd
    ]
    for thread in threads:
        thread.start()
    try:
        yield stop
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)


# --- figures


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def latency_figures(records: list[Record], seconds: float) -> dict[str, float]:
    times = sorted(record.seconds * 1000 for record in records if record.status is not None)
    return {
        "requests": len(records),
        "rps": len(records) / seconds,
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
        "max": times[-1] if times else 0.0,
    }


def print_records(records: list[Record], seconds: float) -> dict[str, float]:
    figures = latency_figures(records, seconds)
    say(
        f"  {figures['requests']} requests in {seconds:.1f} s: {figures['rps']:.1f} requests/s; "
        f"latency p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms, "
        f"p99 {figures['p99']:.0f} ms, max {figures['max']:.0f} ms"
    )
    statuses = Counter(str(record.status or record.error) for record in records)
    say("  answers: " + ", ".join(f"{status} × {n}" for status, n in sorted(statuses.items())))
    by_label: dict[str, list[float]] = {}
    for record in records:
        by_label.setdefault(record.label, []).append(record.seconds * 1000)
    say(f"  {'request':<26}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for label, values in sorted(by_label.items(), key=lambda item: -len(item[1])):
        values.sort()
        say(
            f"  {label:<26}{len(values):>7}{percentile(values, 0.5):>9.0f}"
            f"{percentile(values, 0.95):>9.0f}{percentile(values, 0.99):>9.0f}"
        )
    return figures


def check_answers(phase: str, records: list[Record], server_5xx: int) -> dict[str, int]:
    """Every request answered, none with a 5xx (as the people and as gunicorn's log saw it),
    none with a 4xx: the people send only what the pages offer them, so a 4xx is a fault (CSRF,
    a lost session)."""
    errors = [record for record in records if record.status is None]
    five = [record for record in records if record.status and record.status >= 500]
    four = [record for record in records if record.status and 400 <= record.status < 500]
    check(not five, f"{phase}: {len(five)} answers were 5xx")
    check(not four, f"{phase}: {len(four)} answers were 4xx {four[:3]}")
    check(not errors, f"{phase}: {len(errors)} requests got no answer {errors[:3]}")
    check(not server_5xx, f"{phase}: gunicorn's access log holds {server_5xx} 5xx answers")
    return {"5xx": len(five), "no answer": len(errors)}


def check_refused(phase: str, ledger: Ledger) -> None:
    for kind in KINDS:
        check(not ledger.refused[kind], f"{phase}: {ledger.refused[kind]} {kind} refused")


# --- what the database holds


def database_writes() -> dict[str, object]:
    from django.db import connections

    from legs.models import CheckIn, ChecklistRunStep, Comment, Run

    connections.close_all()  # the server may have restarted since this process last asked
    comments = Counter(
        token
        for body in Comment.objects.filter(body__contains="load-c-").values_list("body", flat=True)
        for token in re.findall(r"load-c-[0-9a-f]{16}", body)
    )
    members = {"user__username__startswith": MEMBER_PREFIX}
    runs = Counter(
        (name, f"{km:.3f}")
        for name, km in Run.objects.filter(**members).values_list("user__username", "distance_km")
    )
    checkins = {
        (name, day): notes
        for name, day, notes in CheckIn.objects.filter(**members).values_list(
            "user__username", "date", "notes"
        )
    }
    ticks = Counter(
        ChecklistRunStep.objects.filter(run__user__username__startswith=MEMBER_PREFIX).values_list(
            "run__user__username", "run__checklist__slug", "step_id"
        )
    )
    return {"comments": comments, "runs": runs, "check-ins": checkins, "ticks": ticks}


def verify_writes(ledger: Ledger, *, show: bool = True) -> dict[str, dict[str, int]]:
    """The database against the ledger: every saved write there once, nothing unanswered.

    An ambiguous write (no answer, or a 5xx) may be there or not; without faults there is none.
    ``show=False`` checks without printing the table (the ramp checks after every step).
    """
    found = database_writes()
    table: dict[str, dict[str, int]] = {}

    def compare(kind: str, sure: set, maybe: set, present: set, duplicates: int) -> None:
        missing = sure - present
        extra = present - sure - maybe
        table[kind] = {
            "answered": ledger.answered[kind],
            "ambiguous": ledger.ambiguous[kind],
            "ambiguous found saved": len(maybe & present),
            "refused": ledger.refused[kind],
            "expected rows": len(sure),
            "rows found": len(present),
        }
        check(not missing, f"{kind}: {len(missing)} writes answered with success are missing")
        check(not extra, f"{kind}: {len(extra)} rows in the database nobody was told were saved")
        check(not duplicates, f"{kind}: {duplicates} writes saved twice")

    comments, runs = found["comments"], found["runs"]
    compare(
        "comments",
        {token for token, saved in ledger.comments.items() if saved},
        {token for token, saved in ledger.comments.items() if not saved},
        set(comments),
        sum(n - 1 for n in comments.values()),
    )
    compare(
        "runs",
        {key for key, saved in ledger.runs.items() if saved},
        {key for key, saved in ledger.runs.items() if not saved},
        set(runs),
        sum(n - 1 for n in runs.values()),
    )
    checkins = found["check-ins"]
    compare(
        "check-ins",
        {key for key, token in ledger.checkins.items() if token is not None},
        {key for key, token in ledger.checkins.items() if token is None},
        set(checkins),
        0,
    )
    stale = [
        key
        for key, token in ledger.checkins.items()
        if token is not None and key in checkins and checkins[key] != token
    ]
    check(not stale, f"check-ins: {len(stale)} days do not hold their last saved answers")
    table["check-ins"]["edits of an existing day"] = ledger.edits
    ticks = found["ticks"]
    compare(
        "ticks",
        {key for key, ticked in ledger.ticks.items() if ticked},
        {key for key, ticked in ledger.ticks.items() if ticked is None},
        set(ticks),
        sum(n - 1 for n in ticks.values()),
    )
    check(not ledger.contradictions, f"pages contradicted saved writes: {ledger.contradictions}")
    if show:
        print_writes(table)
    return table


def print_writes(table: dict[str, dict[str, int]]) -> None:
    say(
        f"  {'writes':<11}{'answered ok':>12}{'refused':>9}{'ambiguous':>11}{'(saved)':>9}"
        f"{'rows expected':>15}{'rows found':>12}"
    )
    for kind in KINDS:
        row = table[kind]
        edits = row.get("edits of an existing day")
        note = f"  ({edits} answered ok were edits of a day)" if edits is not None else ""
        say(
            f"  {kind:<11}{row['answered']:>12}{row['refused']:>9}{row['ambiguous']:>11}"
            f"{row['ambiguous found saved']:>9}{row['expected rows']:>15}{row['rows found']:>12}"
            f"{note}"
        )


# --- phases


def server_env(database_url: str, redis_url: str, prefix: str) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        # The 20 people share one IP address: the per-IP comment limit (5 per 10 minutes) would
        # refuse all but five of them. The time-trap keeps its 3 s: the people wait it out.
        "COMMENT_RATE_LIMIT": "100000",
    }
    if redis_url:
        env |= {"REDIS_URL": redis_url, "CACHE_KEY_PREFIX": prefix}
    return env


@contextlib.contextmanager
def environment(phase: str, workdir: Path, database: str = "") -> Iterator[dict[str, str]]:
    """The database (and cache) a phase runs on, made for it and removed after it: SQLite for
    the ``sqlite`` phase (or ``database="sqlite"``), PostgreSQL (with Redis) otherwise."""
    os.environ.pop("REDIS_URL", None)
    if (database or phase) == "sqlite":
        yield server_env(f"sqlite:///{workdir / 'load.sqlite3'}", "", "")
        return
    name = f"legs_{phase}_{os.getpid()}"
    redis_url = REDIS_URL if redis_answers(REDIS_URL) else ""
    prefix = f"legs-{phase}-{os.getpid()}"
    with postgres_database(name) as url:
        if not redis_url:
            yield server_env(url, "", "")
            return
        with redis_prefix(redis_url, prefix):
            yield server_env(url, redis_url, prefix)


def machine_load(client_cpu: float, seconds: float) -> str:
    """The machine may be shared, and the people run on it too: the figures mean more beside
    how busy it was and how much of it the load generator itself took."""
    one, five, _ = os.getloadavg()
    return (
        f"load average {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} CPUs; the load "
        f"generator used {client_cpu / seconds:.0%} of one CPU"
    )


def describe(env: dict[str, str]) -> str:
    database = "SQLite" if env["DATABASE_URL"].startswith("sqlite") else "PostgreSQL"
    cache = (
        "Redis (pages, sessions, counters)"
        if "REDIS_URL" in env
        else "local-memory pages, database counters"
    )
    return f"{database}, {cache}"
