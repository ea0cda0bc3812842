"""The ramp phases: the mixed scenario at rising rates until the site stops keeping up.

``ramp-sqlite`` and ``ramp-postgres`` (``run.py ramp`` runs both) set up the same site as the
load phases (gunicorn as `make serve` runs it, on a throwaway SQLite file or a throwaway
PostgreSQL database with Redis when it answers) and log in every member the last step needs.
The first step's people then warm the site up for 10 s (not measured: each gunicorn worker
loads its templates), and the same people as the load phases run in steps of
``LOADTEST_RAMP_SECONDS``. Each step offers about ``LOADTEST_RAMP_GROWTH`` times the rate of the
one before, half of it from more people and half from shorter thinking: step n (from 0) has
``LOADTEST_RAMP_USERS × √growthⁿ`` people (60 % members, as in the load phases) who wait at most
``LOADTEST_RAMP_THINK ÷ √growthⁿ`` s between actions. The people and their ledger carry over
from step to step; only the figures start again.

A step holds when its p95 latency is at most ``LOADTEST_RAMP_P95_MS`` and it passes every check
of the load phases, as strict: no 5xx (as the people or gunicorn's access log saw it), no 4xx,
no request without an answer, no write refused, and the database holding exactly the writes
answered with success (checked after every step, while no one is writing). The ramp stops at the
first step that does not hold, or after ``LOADTEST_RAMP_STEPS``; a step missed on latency alone
is run once more first (on a shared machine a burst of other work can push one step over). It
prints every step, the highest that held (requests a second, p50/p95/p99) and the one that
broke, with why. A step that broke on latency alone is the ramp's answer, not a failure; one
that broke on an error or a lost write fails the run, as in the load phases.

Bounded: at most 12 steps of at most 60 s (8 of 20 s by default), each run at most twice, on
127.0.0.1 only. The people run on the same machine as the server, and the figures depend on what
else runs there: each step prints the load average and the load generator's own share of a CPU.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

from tests.load import harness
from tests.load.browser import Record
from tests.load.harness import say
from tests.load.scenario import Ledger, Member, Person, Site

STEPS = min(int(os.environ.get("LOADTEST_RAMP_STEPS", "8")), 12)
STEP_SECONDS = min(float(os.environ.get("LOADTEST_RAMP_SECONDS", "20")), 60.0)
FIRST_USERS = int(os.environ.get("LOADTEST_RAMP_USERS", "8"))
FIRST_THINK = float(os.environ.get("LOADTEST_RAMP_THINK", "0.8"))
GROWTH = float(os.environ.get("LOADTEST_RAMP_GROWTH", "1.6"))
P95_MS = float(os.environ.get("LOADTEST_RAMP_P95_MS", "250"))
WARM_UP_SECONDS = 10.0


def step_load(step: int) -> tuple[int, float]:
    """The people and their longest think time at a step (from 0)."""
    half = math.sqrt(GROWTH) ** step
    return max(2, round(FIRST_USERS * half)), FIRST_THINK / half


def members_of(people: int) -> int:
    return round(people * harness.MEMBER_SHARE)


def choose(crowd: list[Person], people: int) -> list[Person]:
    """The step's people: the first members and the first visitors of the whole crowd."""
    members = [person for person in crowd if isinstance(person, Member)]
    visitors = [person for person in crowd if not isinstance(person, Member)]
    wanted = members_of(people)
    return members[:wanted] + visitors[: people - wanted]


def ramp_phase(database: str, workdir: Path) -> dict[str, object]:
    phase = f"ramp-{database}"
    most = step_load(STEPS - 1)[0]
    with harness.environment(phase, workdir, database) as env:
        harness.setup_django(env)
        members = harness.create_members(members_of(most))
        from django.db import connections

        with harness.gunicorn(env, workdir) as server:
            site = harness.site_content(server.port)
            connections.close_all()
            say(
                f"\n== {phase}: {harness.describe(env)}; gunicorn with {len(server.workers)} "
                f"workers on 127.0.0.1:{server.port}"
            )
            say(
                f"  at most {STEPS} steps of {STEP_SECONDS:.0f} s, each offering {GROWTH}x the "
                f"rate of the one before; a step holds with p95 <= {P95_MS:.0f} ms, no error "
                f"and no lost write"
            )
            ledger = Ledger()
            crowd = harness.people(site, ledger, members, [], total=most)
            steps = run_steps(phase, site, ledger, crowd, server)
        say("  writes over the whole ramp:")
        harness.verify_writes(ledger)
    held = [step for step in steps if step["held"]]
    return {
        "phase": phase,
        "setup": harness.describe(env),
        "steps": steps,
        "held": held[-1] if held else None,
        "broke": None if steps[-1]["held"] else steps[-1],
    }


def run_steps(phase: str, site: Site, ledger: Ledger, crowd: list[Person], server) -> list[dict]:
    """Step after step until one does not hold; one missed on latency alone is run again
    first (the machine may be shared: a burst of other work can push one step's p95 over)."""
    warm_up(site, crowd)
    steps: list[dict] = []
    held = broke = None  # (row, records, seconds): the last step that held, the one that broke
    for step in range(1, STEPS + 1):
        row, records, seconds = measure_step(phase, site, ledger, crowd, server, step)
        steps.append(row)
        if not row["held"] and not row["errors"]:
            say("        run again: it missed on latency alone")
            row, records, seconds = measure_step(phase, site, ledger, crowd, server, step)
            steps.append(row)
        if not row["held"]:
            broke = (row, records, seconds)
            break
        held = (row, records, seconds)
    for row, records, seconds in filter(None, (held, broke)):
        say(f"\n  step {row['step']} ({'held' if row['held'] else 'broke'}), by request:")
        harness.print_records(records, seconds)
    return steps


def measure_step(
    phase: str, site: Site, ledger: Ledger, crowd: list[Person], server, step: int
) -> tuple[dict, list[Record], float]:
    """One step (from 1): its figures, and whether it held and why not."""
    people, think = step_load(step - 1)
    site.think_max = think
    chosen = choose(crowd, people)
    records: list[Record] = []
    for person in chosen:
        person.browser.records = records
    failures, server_5xx = len(harness.failures), server.server_errors()
    start, cpu = time.monotonic(), time.process_time()
    with harness.running(chosen):
        harness.pause.wait(STEP_SECONDS)
    seconds = time.monotonic() - start
    load = harness.machine_load(time.process_time() - cpu, seconds)
    figures = harness.latency_figures(records, seconds)
    label = f"{phase} step {step}"
    harness.check_answers(label, records, server.server_errors() - server_5xx)
    harness.verify_writes(ledger, show=False)
    harness.check_refused(label, ledger)
    errors = harness.failures[failures:]
    slow = [f"p95 {figures['p95']:.0f} ms > {P95_MS:.0f} ms"] if figures["p95"] > P95_MS else []
    row = {
        "step": step,
        "people": len(chosen),
        "think": think,
        **figures,
        "held": not (slow or errors),
        "errors": errors,
        "why": slow + errors,
        "load": load,
    }
    say(f"  {step_line(row)}\n        {load}")
    return row, records, seconds


def warm_up(site: Site, crowd: list[Person]) -> None:
    """The first step's people for WARM_UP_SECONDS, not measured: every gunicorn worker loads
    its templates and opens its connections before the first step's clock starts (their writes
    are in the ledger and checked with the rest)."""
    people, site.think_max = step_load(0)
    chosen = choose(crowd, people)
    for person in chosen:
        person.browser.records = []
    with harness.running(chosen):
        harness.pause.wait(WARM_UP_SECONDS)


def step_line(row: dict) -> str:
    verdict = "held" if row["held"] else "BROKE: " + "; ".join(row["why"])
    return (
        f"step {row['step']}: {row['people']:>3} people, think <= {row['think']:.2f} s: "
        f"{row['rps']:6.1f} req/s, p50 {row['p50']:4.0f} ms, p95 {row['p95']:5.0f} ms, "
        f"p99 {row['p99']:5.0f} ms  {verdict}"
    )
