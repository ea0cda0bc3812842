"""`make loadtest`: 20 simulated people for 60 s against the production set-up, a ramp, faults.

Five phases, each in its own process (Django binds one database per process), each against a
throwaway database and its own gunicorn started as `make serve` does (prod settings,
collectstatic, gunicorn.conf.py, 127.0.0.1 only):

- ``sqlite``: a SQLite file in a temporary folder, local-memory cache;
- ``postgres``: a database created for the run on the local PostgreSQL (and Redis for cache,
  sessions and rate-limit counters when one answers on 127.0.0.1:6379, under its own key prefix);
- ``ramp-sqlite`` and ``ramp-postgres`` (``ramp`` names both): the same people at rising rates,
  step by step, until p95 passes 250 ms or an error or a lost write appears; the highest step
  that held and the one that broke (see tests/load/ramp.py);
- ``faults``: the PostgreSQL set-up again, with one gunicorn worker killed mid-run, then the
  database server stopped for a few seconds and started again (always, in a ``finally``).

Each load phase asserts no 5xx and no failed connection, then that the database holds exactly
the writes answered with success (see tests/load/scenario.py), and prints requests per second
and p50/p95/p99 latency. Exit status is non-zero when anything failed.

    .venv/bin/python tests/load/run.py              # every phase (make loadtest)
    .venv/bin/python tests/load/run.py ramp         # the ramp on both databases (make ramp)
    .venv/bin/python tests/load/run.py faults       # one phase (make faults)

Environment: LOADTEST_SECONDS (60), LOADTEST_USERS (20), LOADTEST_THINK_MAX (0.5 s between
actions), LOADTEST_POSTGRES_URL (postgres://postgres@127.0.0.1:5432), LOADTEST_REDIS_URL
(redis://127.0.0.1:6379/0; "off" to leave Redis out), LOADTEST_PG_CLUSTER ("15 main": the
cluster pg_ctlcluster stops), LOADTEST_OUTAGE_SECONDS (4, at most 6: how long it stays stopped;
stopping and starting add a few seconds), LOADTEST_QUIET_WAIT (120 s to wait for other clients of
the shared cluster to finish before stopping it). The ramp: LOADTEST_RAMP_STEPS (8, at most 12),
LOADTEST_RAMP_SECONDS (20 s a step, at most 60), LOADTEST_RAMP_USERS (8 people in the first
step), LOADTEST_RAMP_THINK (0.8 s: their longest think in the first step), LOADTEST_RAMP_GROWTH
(1.6: the rate each step offers over the one before), LOADTEST_RAMP_P95_MS (250).
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess  # nosec B404: runs each phase in its own process
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.load import harness  # noqa: E402
from tests.load.harness import say  # noqa: E402
from tests.load.ramp import ramp_phase, step_line  # noqa: E402
from tests.load.scenario import Ledger  # noqa: E402

PHASES = ("sqlite", "postgres", "ramp-sqlite", "ramp-postgres", "faults")
# Names that stand for several phases on the command line.
GROUPS = {"ramp": ("ramp-sqlite", "ramp-postgres")}


def load_phase(phase: str, workdir: Path) -> dict[str, object]:
    """20 people for LOADTEST_SECONDS: no 5xx, no lost answer, the database holds every write."""
    with harness.environment(phase, workdir) as env:
        harness.setup_django(env)
        members = harness.create_members(round(harness.USERS * harness.MEMBER_SHARE))
        from django.db import connections

        with harness.gunicorn(env, workdir) as server:
            site = harness.site_content(server.port)
            connections.close_all()
            say(
                f"\n== {phase}: {harness.describe(env)}; gunicorn with {len(server.workers)} "
                f"workers on 127.0.0.1:{server.port}"
            )
            ledger, records = Ledger(), []
            crowd = harness.people(site, ledger, members, records)
            records.clear()  # the figures are for the run, not the log-ins before it
            say(
                f"  {len(crowd)} people ({len(members)} members logged in), {harness.SECONDS:.0f} s"
            )
            start, cpu = time.monotonic(), time.process_time()
            with harness.running(crowd):
                harness.pause.wait(harness.SECONDS)
            seconds = time.monotonic() - start
            say(f"  during the run: {harness.machine_load(time.process_time() - cpu, seconds)}")
            server_5xx = server.server_errors()
        figures = harness.print_records(records, seconds)
        answers = harness.check_answers(phase, records, server_5xx)
        writes = harness.verify_writes(ledger)
        harness.check_refused(phase, ledger)
        return {
            "phase": phase,
            "setup": harness.describe(env),
            **figures,
            **answers,
            "writes": writes,
        }


def print_summary(results: list[dict]) -> None:
    say("\n== summary")
    for result in results:
        verdict = "FAILED" if result.get("failed") else "passed"
        if "steps" in result:
            say(f"  {result['phase']:<14}{verdict:<8}{result['setup']}")
            print_ramp(result)
            continue
        if "rps" not in result:
            say(f"  {result['phase']:<9}{verdict}")
            continue
        say(
            f"  {result['phase']:<9}{verdict:<8}{result['setup']}: {result['rps']:.1f} req/s, "
            f"p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, p99 {result['p99']:.0f} ms, "
            f"5xx {result['5xx']}{' outside the outage' if 'outage' in result else ''}"
        )
        for kind, row in result.get("writes", {}).items():
            say(
                f"           {kind}: {row['answered']} answered ok, {row['rows found']} rows found "
                f"({row['expected rows']} expected)"
            )
        for line in result.get("notes", []):
            say(f"           {line}")


def print_ramp(result: dict) -> None:
    for row in result["steps"]:
        say(f"           {step_line(row)}")
    held, broke = result["held"], result["broke"]
    say(
        "           highest step that held: "
        + (
            f"{held['step']} ({held['people']} people), {held['rps']:.1f} req/s, "
            f"p50 {held['p50']:.0f} ms, p95 {held['p95']:.0f} ms, p99 {held['p99']:.0f} ms"
            if held
            else "none"
        )
    )
    say(
        "           broke at: "
        + (f"step {broke['step']}: " + "; ".join(broke["why"]) if broke else "no step (all held)")
    )


def main() -> int:
    phases = [phase for name in sys.argv[1:] or list(PHASES) for phase in GROUPS.get(name, (name,))]
    unknown = set(phases) - set(PHASES)
    if unknown:
        say(f"unknown phase {sorted(unknown)}; choose from {', '.join([*PHASES, *GROUPS])}")
        return 2
    results, status = [], 0
    for phase in phases:
        with tempfile.TemporaryDirectory(prefix="legs-load-") as folder:
            out = Path(folder) / "summary.json"
            code = subprocess.run(  # nosec B603
                [sys.executable, __file__, "--phase", phase, str(out)], check=False
            ).returncode
            status = status or code
            result = json.loads(out.read_text()) if out.exists() else {"phase": phase}
            result["failed"] = result.get("failed", True) or code != 0
            results.append(result)
    print_summary(results)
    return status


def phase_main(phase: str, summary: Path) -> int:
    # A TERM (make interrupted, a CI timeout) still runs every `finally`: the database restarts,
    # gunicorn stops and the throwaway database is dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix=f"legs-{phase}-"))
    try:
        if phase == "faults":
            from tests.load.faults import faults_phase

            result = faults_phase(workdir)
        elif phase.startswith("ramp-"):
            result = ramp_phase(phase.removeprefix("ramp-"), workdir)
        else:
            result = load_phase(phase, workdir)
    finally:
        if harness.failures:
            say(f"  kept for a look: {workdir} (gunicorn.log)")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    result["failed"] = bool(harness.failures)
    summary.write_text(json.dumps(result, default=str))
    return 1 if harness.failures else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--phase":
        sys.exit(phase_main(sys.argv[2], Path(sys.argv[3])))
    sys.exit(main())
