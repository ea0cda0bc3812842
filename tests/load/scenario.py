"""What the simulated people do, and the ledger of every write the site said it saved.

Visitors read the home page, the tips list and search, tip pages, the checklists and the
troubleshooter, tick checklists in their session and comment. Members (logged in before the
clock starts) do the same and also add runs (full form and the dashboard's HTMX quick add),
check in (a day that already has a check-in is edited, not added) and tick checklist steps
(plain form and HTMX). Comment forms are posted only once they are older than the time-trap
(``COMMENT_MIN_SECONDS``): a person reads the tip, does something else, then comes back.

Each write leaves a mark the database can be searched for (a token in a comment or a check-in's
notes, a distance unique to the member's run, the step ticked), so afterwards the test checks
that the database holds exactly the writes that were answered with success. A write whose answer
never came (connection cut, 5xx) is "ambiguous": it may or may not be there.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import quote

from tests.load.browser import Browser, Form, Response, find_form, forms_of

COMMENT_BODY = "Does this help with heavy legs after long runs? Asking for the load test ({token})."
KINDS = ("comments", "runs", "check-ins", "ticks")
# After the time-trap, a little margin for the two clocks (signer and server) and rounding.
COMMENT_MARGIN = 0.5


@dataclass
class Site:
    """What the people browse: read once from the database before the run."""

    port: int
    tip_slugs: list[str]
    checklist_slugs: list[str]
    troubleshooter_slug: str
    search_words: list[str]
    comment_min_seconds: float
    think_max: float


@dataclass
class Ledger:
    """Every write answered, per kind; shared by all the threads, so changes take the lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    answered: Counter = field(default_factory=Counter)
    ambiguous: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    edits: int = 0
    # read-your-writes: a page shown after a write that contradicts it
    contradictions: list[str] = field(default_factory=list)
    comments: dict[str, bool] = field(default_factory=dict)  # token -> True saved, False maybe
    runs: dict[tuple[str, str], bool] = field(default_factory=dict)  # (member, km) -> ...
    checkins: dict[tuple[str, date], str | None] = field(default_factory=dict)  # token/None
    ticks: dict[tuple[str, str, int], bool | None] = field(default_factory=dict)

    def outcome(self, kind: str, response: Response, success: bool) -> str:
        """Classify one write's answer: "saved", "refused" (a clear no) or "ambiguous"."""
        with self.lock:
            if success:
                self.answered[kind] += 1
                return "saved"
            if response.status is None or response.status >= 500:
                self.ambiguous[kind] += 1
                return "ambiguous"
            self.refused[kind] += 1
            return "refused"

    def contradiction(self, text: str) -> None:
        with self.lock:
            self.contradictions.append(text)


class Person:
    """A visitor; ``Member`` adds the diary and saved checklist ticks."""

    weights: dict[str, int] = {
        "home": 3,
        "tip_list": 3,
        "search": 1,
        "tip_page": 4,
        "checklist_list": 1,
        "checklist": 2,
        "session_tick": 1,
        "troubleshooter": 2,
        "comment": 2,
    }

    def __init__(self, name: str, site: Site, ledger: Ledger, browser: Browser, seed: int):
        self.name = name
        self.site = site
        self.ledger = ledger
        self.browser = browser
        self.random = random.Random(seed)
        self.pending_comment: tuple[float, str, Form] | None = None  # (served at, slug, form)

    # --- the loop

    def run(self, stop: threading.Event) -> None:
        actions = list(self.weights)
        weights = [self.weights[name] for name in actions]
        while not stop.is_set():
            action = self.random.choices(actions, weights)[0]
            getattr(self, action)()
            stop.wait(self.random.uniform(0, self.site.think_max))

    # --- reads

    def home(self) -> None:
        self.browser.get("/", label="home")

    def tip_list(self) -> None:
        self.browser.get("/tips/", label="tips list")

    def search(self) -> None:
        word = self.random.choice(self.site.search_words)
        self.browser.get(f"/tips/?q={quote(word)}", label="tips search (htmx)", htmx=True)

    def tip_page(self) -> None:
        slug = self.random.choice(self.site.tip_slugs)
        response = self.browser.get(f"/tips/{slug}/", label="tip page")
        if response.status == 200 and self.pending_comment is None:
            form = find_form(response.body, f"/tips/{slug}/comments/")
            if form is not None:
                self.pending_comment = (time.monotonic(), slug, form)

    def checklist_list(self) -> None:
        self.browser.get("/checklists/", label="checklists list")

    def checklist(self) -> None:
        slug = self.random.choice(self.site.checklist_slugs)
        self.browser.get(f"/checklists/{slug}/", label="checklist page")

    def session_tick(self) -> None:
        """A visitor's tick lives in the session: a write, but not one the database counts."""
        slug = self.random.choice(self.site.checklist_slugs)
        page = self.browser.get(f"/checklists/{slug}/", label="checklist page")
        steps = [form for form in forms_of(page.body) if "/steps/" in form.action]
        if page.status == 200 and steps:
            form = self.random.choice(steps)
            self.browser.post(form.action, form.data(), label="tick (session)")

    def troubleshooter(self) -> None:
        """Answer the current question (or start again after a result), as a person clicks."""
        slug = self.site.troubleshooter_slug
        page = self.browser.get(f"/checklists/{slug}/", label="troubleshooter")
        if page.status == 302 and "/result/" in page.location:
            result = self.browser.get(page.location, label="troubleshooter result")
            form = find_form(result.body, f"/checklists/{slug}/restart/")
            if form is not None:
                self.browser.post(form.action, form.data(), label="troubleshooter restart")
            return
        form = find_form(page.body, f"/checklists/{slug}/answer/") if page.status == 200 else None
        if form is not None and form.options.get("answer"):
            answer = self.random.choice(form.options["answer"])
            self.browser.post(form.action, form.data(answer=answer), label="troubleshooter answer")

    # --- writes

    def comment_fields(self) -> dict[str, str]:
        return {"name": f"Visitor {self.name}", "email": f"{self.name}@example.com"}

    def comment(self) -> None:
        """Post the comment form read earlier, once it is older than the time-trap."""
        if self.pending_comment is None:
            self.tip_page()
            return
        served, slug, form = self.pending_comment
        if time.monotonic() - served < self.site.comment_min_seconds + COMMENT_MARGIN:
            self.tip_page()
            return
        self.pending_comment = None
        token = f"load-c-{uuid.uuid4().hex[:16]}"
        data = form.data(body=COMMENT_BODY.format(token=token), **self.comment_fields())
        htmx = self.random.random() < 0.5
        if htmx:
            response = self.browser.post(form.action, data, label="comment (htmx)", htmx=True)
            success = response.status == 200 and "Thank you!" in response.body
        else:
            response = self.browser.post(form.action, data, label="comment")
            success = response.status == 302 and f"/tips/{slug}/" in response.location
        result = self.ledger.outcome("comments", response, success)
        if result != "refused":
            self.ledger.comments[token] = result == "saved"


class Member(Person):
    weights = Person.weights | {
        "session_tick": 0,
        "dashboard": 2,
        "run_form": 2,
        "quick_add": 1,
        "check_in": 2,
        "tick": 4,
    }

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.run_number = 0

    def comment_fields(self) -> dict[str, str]:
        return {}  # a member's name and email come from the account

    def dashboard(self) -> None:
        self.browser.get("/diary/", label="diary dashboard")

    def _next_distance(self) -> str:
        """A distance no other run of this member has, so each saved run can be found."""
        self.run_number += 1
        return f"{3 + self.run_number / 1000:.3f}"

    def _run_values(self, form: Form) -> dict[str, str]:
        return {
            "date": (self.today - timedelta(days=self.random.randint(2, 20))).isoformat(),
            "distance_km": self._next_distance(),
            "duration": f"{self.random.randint(20, 70)}:{self.random.randint(0, 59):02d}",
            "kind": self.random.choice(form.options.get("kind") or [""]),
            "rpe": str(self.random.randint(1, 9)),
            "leg_heaviness": str(self.random.randint(0, 10)),
        }

    def _record_run(self, values: dict[str, str], response: Response, success: bool) -> None:
        result = self.ledger.outcome("runs", response, success)
        if result != "refused":
            self.ledger.runs[(self.name, values["distance_km"])] = result == "saved"

    def run_form(self) -> None:
        page = self.browser.get("/diary/runs/new/", label="run form")
        form = find_form(page.body, "/diary/runs/new/") if page.status == 200 else None
        if form is None:
            return
        values = self._run_values(form)
        response = self.browser.post(form.action, form.data(**values), label="run (form)")
        self._record_run(
            values, response, response.status == 302 and response.location == "/diary/"
        )

    def quick_add(self) -> None:
        page = self.browser.get("/diary/", label="diary dashboard")
        form = find_form(page.body, "/diary/") if page.status == 200 else None
        if form is None:
            return
        values = self._run_values(form)
        response = self.browser.post(
            "/diary/", form.data(**values), label="run (htmx quick add)", htmx=True
        )
        self._record_run(values, response, response.status == 200 and "Run added" in response.body)

    def check_in(self) -> None:
        page = self.browser.get("/diary/checkins/new/", label="check-in form")
        form = find_form(page.body, "/diary/checkins/new/") if page.status == 200 else None
        if form is None:
            return
        day = self.today - timedelta(days=self.random.randint(2, 12))
        token = f"load-k-{uuid.uuid4().hex[:16]}"
        values = {
            "date": day.isoformat(),
            "sleep_hours": str(self.random.choice([6, 6.5, 7, 7.25, 8])),
            "leg_heaviness": str(self.random.randint(0, 10)),
            "soreness": str(self.random.randint(1, 7)),
            "fatigue": str(self.random.randint(1, 7)),
            "stress": str(self.random.randint(1, 7)),
            "notes": token,
        }
        key = (self.name, day)
        # None: an earlier write to this day got no clear answer, so edit or not is unknown.
        is_edit = key in self.ledger.checkins and self.ledger.checkins[key] is not None
        unknown = key in self.ledger.checkins and self.ledger.checkins[key] is None
        # Not followed here: the page it redirects to says whether a day was added or edited.
        response = self.browser.post(
            form.action, form.data(**values), label="check-in", follow=False
        )
        success = response.status == 302 and response.location == "/diary/"
        result = self.ledger.outcome("check-ins", response, success)
        if result == "saved":
            self.ledger.checkins[key] = token
            shown = self.browser.get("/diary/", label="redirect")
            said_edit = "it is updated" in shown.body
            if is_edit:
                with self.ledger.lock:
                    self.ledger.edits += 1
            if shown.status == 200 and not unknown and said_edit != is_edit:
                self.ledger.contradiction(
                    f"{self.name}: check-in of {day} edit={is_edit}, the page said {said_edit}"
                )
        elif result == "ambiguous":
            # Whether the day is there (if it was not before) and what it holds is not known.
            self.ledger.checkins[key] = None

    def tick(self) -> None:
        """Toggle one step, as its button does: plain form, or HTMX half of the time."""
        slug = self.random.choice(self.site.checklist_slugs)
        page = self.browser.get(f"/checklists/{slug}/", label="checklist page")
        steps = [form for form in forms_of(page.body) if "/steps/" in form.action]
        if page.status != 200 or not steps:
            return
        form = self.random.choice(steps)
        step = int(form.action.rstrip("/").rsplit("/", 1)[1])
        ticking = form.fields.get("ticked") == ["1"]
        key = (self.name, slug, step)
        known = self.ledger.ticks.get(key, False)
        if known is not None and known == ticking:
            self.ledger.contradiction(
                f"{self.name}: step {slug}/{step} ticked={known}, page shows otherwise"
            )
        htmx = self.random.random() < 0.5
        if htmx:
            response = self.browser.post(form.action, form.data(), label="tick (htmx)", htmx=True)
            success = response.status == 200 and "hx-redirect" not in response.headers
        else:
            response = self.browser.post(form.action, form.data(), label="tick")
            success = response.status == 302 and response.location.endswith(f"#step-{step}")
        result = self.ledger.outcome("ticks", response, success)
        if result == "saved":
            self.ledger.ticks[key] = ticking
        elif result == "ambiguous":
            self.ledger.ticks[key] = None
