"""The faults phase: the PostgreSQL set-up under the same 20 people, and two things go wrong.

1. ``KILL_AT`` s in, one gunicorn worker is killed with SIGKILL. The master must start a new one
   and the run go on; only the request in flight on that worker (a sync worker serves one at a
   time) may fail, as a cut connection, never as a 5xx.
2. ``OUTAGE_AT`` s in, the PostgreSQL cluster is stopped (``pg_ctlcluster <version> <cluster>
   stop``, fast mode), left down ``LOADTEST_OUTAGE_SECONDS`` (4 s; stopping and starting add a
   few seconds, so the database is away for under 10 s) and started again in a ``finally``,
   whatever happens. The cluster may be shared with other work on the machine, so the stop waits
   (up to ``LOADTEST_QUIET_WAIT`` s) until no other client is busy on it. While it is down, pages
   that need the database answer 503 with the site's own error page and /healthz answers 503;
   once it is back, everything answers again without restarting gunicorn (the workers'
   persistent connections are health-checked: CONN_MAX_AGE with conn_health_checks).

A probe asks about five times a second throughout, to time the outage and the recovery:
/healthz; a member's diary (logged in: a page that must read the database, so 503 while it is
away); a checklist page as a visitor and the home page as a first visit (no cookies), both
public pages the page cache may serve without the database (200 while it is away, unless a
write retired the cached copy just before the stop).
"""

from __future__ import annotations

import os
import signal
import subprocess  # nosec B404: pg_ctlcluster with fixed arguments
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.load import harness
from tests.load.browser import Browser, Record
from tests.load.harness import check, say
from tests.load.scenario import KINDS, Ledger

KILL_AT = 8.0
OUTAGE_AT = 20.0
AFTER_OUTAGE = 15.0
REPLACE_DEADLINE = 30.0
PROBE_EVERY = 0.2
SITE_503_TITLE = "We are down for a moment"


def cluster() -> list[str]:
    """The cluster to stop: LOADTEST_PG_CLUSTER ("15 main"), else the newest version's main."""
    if harness.PG_CLUSTER:
        return harness.PG_CLUSTER.split()
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda name: int(name))
    return [versions[-1], "main"]


def pg_ctlcluster(action: str) -> None:
    extra = ["-m", "fast"] if action == "stop" else []
    subprocess.run(  # nosec B603 B607
        ["pg_ctlcluster", *cluster(), action, *extra],
        check=True,
        timeout=60,
        capture_output=True,
        start_new_session=True,  # out of the terminal's process group: Ctrl-C does not reach it
    )


def busy_clients(database: str) -> int:
    """Other people's sessions on the shared cluster that a stop would break: any session in a
    test database (pytest-django holds transactions open) or busy anywhere else."""
    import psycopg

    with psycopg.connect(f"{harness.POSTGRES_URL}/postgres", autocommit=True) as admin:
        row = admin.execute(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
              AND datname IS DISTINCT FROM %s
              AND (state <> 'idle' OR datname LIKE 'test%%')
            """,
            [database],
        ).fetchone()
    return row[0]


def wait_for_quiet(database: str) -> bool:
    start, told = time.monotonic(), False
    while time.monotonic() - start < harness.QUIET_WAIT:
        busy = busy_clients(database)
        if not busy:
            if told:
                say(f"  the cluster is quiet after {time.monotonic() - start:.0f} s")
            return True
        if not told:
            say(f"  waiting (at most {harness.QUIET_WAIT:.0f} s): {busy} other sessions busy on it")
            told = True
        harness.pause.wait(2)
    return False


@dataclass
class Timeline:
    start: float = 0.0
    kill: float = 0.0
    replaced: float = 0.0
    stop: float = 0.0
    down: float = 0.0
    restart: float = 0.0
    up: float = 0.0


def kill_a_worker(server: harness.Server, times: Timeline) -> dict[str, object]:
    before = server.workers
    victim = before[len(before) // 2]
    os.kill(victim, signal.SIGKILL)
    times.kill = time.monotonic()
    while time.monotonic() - times.kill < REPLACE_DEADLINE:
        now = server.workers
        if victim not in now and len(now) == len(before):
            times.replaced = time.monotonic()
            return {"victim": victim, "replacement": sorted(set(now) - set(before))}
        harness.pause.wait(0.05)
    check(False, f"worker {victim} was not replaced within {REPLACE_DEADLINE:.0f} s")
    return {"victim": victim, "replacement": []}


def stop_the_database(times: Timeline) -> None:
    """Stop the cluster, keep it down OUTAGE_SECONDS, and start it again whatever happens."""
    times.stop = time.monotonic()
    try:
        pg_ctlcluster("stop")
        times.down = time.monotonic()
        harness.pause.wait(harness.OUTAGE_SECONDS)
    finally:
        times.restart = time.monotonic()
        # Nothing may interrupt the start: not Ctrl-C, not a CI runner's TERM (the cluster is
        # shared); they take effect once it is up.
        previous = {
            sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            for attempt in range(3):
                try:
                    pg_ctlcluster("start")
                    break
                except subprocess.SubprocessError as problem:
                    say(f"  starting PostgreSQL again failed (attempt {attempt + 1}): {problem}")
                    harness.pause.wait(2)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        times.up = time.monotonic()


PROBE_HEALTH = "probe /healthz"
PROBE_PAGE = "probe diary, member"  # must read the database
PROBE_CACHED = "probe checklist, visitor"  # a public page, cached for visitors
PROBE_FIRST_VISIT = "probe home, first visit"


def probe(
    port: int, slug: str, member: Browser, records: list[Record], stop: threading.Event
) -> None:
    visitor = Browser(port, "probe", records)
    while not stop.is_set():
        visitor.get("/healthz", label=PROBE_HEALTH)
        member.get("/diary/", label=PROBE_PAGE)
        visitor.get(f"/checklists/{slug}/", label=PROBE_CACHED)
        # A first visit (no cookies at all) may be served a cached public page without the database.
        Browser(port, "probe", records).get("/", label=PROBE_FIRST_VISIT)
        stop.wait(PROBE_EVERY)


def first_ok_after(records: list[Record], label: str, moment: float) -> float | None:
    times = [r.start + r.seconds for r in records if r.label == label and r.status == 200]
    later = [t for t in times if t >= moment]
    return min(later) if later else None


def during(records: list[Record], begin: float, end: float) -> list[Record]:
    """Requests that were answered (or failed) between begin and end."""
    return [r for r in records if begin <= r.start + r.seconds and r.start <= end]


def outage_answer(record: Record) -> bool:
    """The answers expected while the database is away: the site's 503 page, and /healthz's
    JSON 503 for load balancers."""
    if record.label == PROBE_HEALTH:
        return record.status == 503 and '"unavailable"' in record.detail
    return record.status == 503 and SITE_503_TITLE in record.detail


def failed(record: Record) -> bool:
    return record.status is None or record.status >= 500


def faults_phase(workdir: Path) -> dict[str, object]:
    with harness.environment("faults", workdir) as env:
        harness.setup_django(env)
        # One member more than the crowd has: the probe's, reading their diary throughout.
        members = harness.create_members(round(harness.USERS * harness.MEMBER_SHARE) + 1)
        probe_member = members.pop()
        from django.db import connections

        database = connections["default"].settings_dict["NAME"]
        with harness.gunicorn(env, workdir) as server:
            site = harness.site_content(server.port)
            connections.close_all()
            workers = len(server.workers)
            say(
                f"\n== faults: {harness.describe(env)}; gunicorn with {workers} workers on "
                f"127.0.0.1:{server.port}; PostgreSQL cluster {' '.join(cluster())}"
            )
            ledger, records, probes = Ledger(), [], []
            crowd = harness.people(site, ledger, members, records)
            member_probe = Browser(server.port, probe_member, probes)
            harness.log_in(member_probe, probe_member)
            records.clear()
            probes.clear()
            master = server.process.pid
            times = Timeline()
            outage_ran = False
            probe_stop = threading.Event()
            prober = threading.Thread(
                target=probe,
                args=(server.port, site.checklist_slugs[0], member_probe, probes, probe_stop),
            )
            cpu = time.process_time()
            with harness.running(crowd):
                times.start = time.monotonic()
                prober.start()
                try:
                    harness.pause.wait(KILL_AT)
                    killed = kill_a_worker(server, times)
                    say(
                        f"  {times.kill - times.start:.1f} s: killed worker {killed['victim']}; "
                        f"replaced by {killed['replacement']} after "
                        f"{times.replaced - times.kill:.2f} s"
                    )
                    harness.pause.wait(max(0.0, times.start + OUTAGE_AT - time.monotonic()))
                    if wait_for_quiet(database):
                        outage_ran = True
                        stop_the_database(times)
                        say(
                            f"  {times.stop - times.start:.1f} s: PostgreSQL stopped "
                            f"(took {times.down - times.stop:.1f} s), down "
                            f"{times.restart - times.down:.1f} s, started again "
                            f"(took {times.up - times.restart:.1f} s)"
                        )
                    else:
                        check(False, "the shared PostgreSQL cluster stayed busy: not stopped")
                    harness.pause.wait(AFTER_OUTAGE)
                finally:
                    probe_stop.set()
                    prober.join(timeout=60)
                end = time.monotonic()
            client_cpu = time.process_time() - cpu
            say(f"  during the run: {harness.machine_load(client_cpu, end - times.start)}")
            workers_after = server.workers
            master_alive = server.process.poll() is None
        result = analyse(records, probes, ledger, times, end, outage_ran)
        check(master_alive, "the gunicorn master died")
        check(
            len(workers_after) == workers,
            f"{len(workers_after)} workers at the end, {workers} at the start",
        )
        result |= {
            "phase": "faults",
            "setup": harness.describe(env),
            "master": master,
            "worker replaced after s": round(times.replaced - times.kill, 2),
        }
        return result


def analyse(
    records: list[Record],
    probes: list[Record],
    ledger: Ledger,
    times: Timeline,
    end: float,
    outage_ran: bool,
) -> dict[str, object]:
    everything = records + probes
    figures = harness.print_records(records, end - times.start)
    # The outage, as the site saw it: from the stop until the first healthy answer after start.
    healthy = first_ok_after(probes, PROBE_HEALTH, times.up) if outage_ran else None
    page_ok = first_ok_after(probes, PROBE_PAGE, times.up) if outage_ran else None
    outage_end = healthy or times.up
    in_outage = set(map(id, during(everything, times.stop, outage_end))) if outage_ran else set()
    outside = [r for r in everything if id(r) not in in_outage]

    # 1. The killed worker: only what was in flight on it may fail, and never as a 5xx.
    kill_failures = [r for r in outside if failed(r)]
    in_flight = [r for r in kill_failures if r.start <= times.kill <= r.start + r.seconds + 0.5]
    say(
        f"  worker kill: {len(kill_failures)} requests failed outside the outage "
        f"({', '.join(sorted(r.error or str(r.status) for r in kill_failures)) or 'none'})"
    )
    check(
        len(kill_failures) <= 1 and len(in_flight) == len(kill_failures),
        f"{len(kill_failures)} requests failed outside the outage, {len(in_flight)} of them "
        "in flight on the killed worker (at most that one may fail)",
    )
    check(
        all(r.status is None for r in kill_failures),
        "a request failed with a 5xx outside the outage",
    )

    four = [r for r in everything if r.status and 400 <= r.status < 500]
    check(not four, f"{len(four)} answers were 4xx (none is expected, outage or not): {four[:3]}")

    notes = [f"worker kill: {len(kill_failures)} request(s) failed (in flight on the worker)"]
    outage: dict[str, object] = {}
    if outage_ran:
        fully_down = during(everything, times.down, times.restart)
        answers = Counter(str(r.status or r.error) for r in during(records, times.stop, outage_end))
        five = [r for r in everything if id(r) in in_outage and r.status and r.status >= 500]
        wrong = [r for r in five if not outage_answer(r)]
        health = [r for r in fully_down if r.label == PROBE_HEALTH]
        pages = [r for r in fully_down if r.label == PROBE_PAGE]
        cached = Counter(str(r.status or r.error) for r in fully_down if r.label == PROBE_CACHED)
        lost = [r for r in everything if id(r) in in_outage and r.status is None]
        after = [r for r in everything if r.start > outage_end + 1.0]
        first_visits = Counter(
            str(r.status or r.error) for r in fully_down if r.label == PROBE_FIRST_VISIT
        )
        outage = {
            "answers during the outage": dict(answers),
            "503 as expected": len(five) - len(wrong),
            "other 5xx": len(wrong),
            "database away s": round(times.up - times.stop, 1),
            "healthz 503 while down": sum(r.status == 503 for r in health),
            "healthz probes while down": len(health),
            "recovered after s (healthz)": round(healthy - times.up, 2) if healthy else None,
            "recovered after s (page)": round(page_ok - times.up, 2) if page_ok else None,
            "failures after recovery": sum(map(failed, after)),
            "cached checklist while down": dict(cached),
            "first-visit home while down": dict(first_visits),
        }
        say(
            "  database stopped: people's answers meanwhile "
            + ", ".join(f"{status} × {n}" for status, n in sorted(answers.items()))
        )
        say(
            f"  {len(five) - len(wrong)} answers were the expected 503 (site page, or /healthz "
            f"JSON), {len(wrong)} other 5xx; /healthz answered 503 to "
            f"{outage['healthz 503 while down']} of {len(health)} probes while down; a "
            "member's diary (a page that must read the database) answered 503 to "
            f"{sum(r.status == 503 for r in pages)} of {len(pages)} probes"
        )
        say(
            "  checklist page for a visitor while fully down: "
            + ", ".join(f"{status} × {n}" for status, n in sorted(cached.items()))
            + " (200: the cached public page; 503 only if a write had just retired it)"
        )
        say(
            "  home page for a first visit (no cookies) while fully down: "
            + ", ".join(f"{status} × {n}" for status, n in sorted(first_visits.items()))
            + " (200: the cached public page)"
        )
        say(
            f"  back: /healthz 200 {outage['recovered after s (healthz)']} s and a page 200 "
            f"{outage['recovered after s (page)']} s after PostgreSQL started; "
            f"{outage['failures after recovery']} failures afterwards (no gunicorn restart)"
        )
        check(not wrong, f"{len(wrong)} outage answers were not the site's 503 page: {wrong[:3]}")
        check(not lost, f"{len(lost)} requests got no answer during the outage: {lost[:3]}")
        check(health and all(r.status == 503 for r in health), "/healthz did not answer 503")
        check(
            pages and all(r.status == 503 for r in pages),
            "a page that must read the database did not answer 503",
        )
        check(healthy is not None and page_ok is not None, "the site did not come back")
        check(not outage["failures after recovery"], "requests failed after the recovery")
        notes.append(
            f"database stop: away {outage['database away s']} s, {outage['503 as expected']} × 503 "
            f"(site page / healthz), {len(wrong)} other 5xx, healthz 503 "
            f"{outage['healthz 503 while down']}/{len(health)}, back after "
            f"{outage['recovered after s (healthz)']} s, "
            f"{outage['failures after recovery']} failures afterwards"
        )
    writes = harness.verify_writes(ledger)
    for kind in KINDS:
        check(not ledger.refused[kind], f"faults: {ledger.refused[kind]} {kind} refused")
    return {
        **figures,
        "5xx": sum(1 for r in outside if r.status and r.status >= 500),
        "worker kill failures": len(kill_failures),
        "outage": outage,
        "writes": writes,
        "notes": notes,
    }
