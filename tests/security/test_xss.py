"""Script payloads in every text field of every form come back escaped on every page showing them.

Each payload is typed into each field through the real form (as a member, a visitor or a
moderator would), then every page that shows the field is read as whoever sees it there,
the admin included: the payload's raw markup never appears, its escaped form does. Fields a
form only echoes back (a refused log-in, a bad filter) are checked on the answer itself.
Exports are data, not HTML: their Content-Type says so and the payload comes back intact.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from legs.diary_io import COLUMNS, _text_cell
from legs.models import (
    CannedReply,
    CheckIn,
    ChecklistRun,
    Comment,
    Import,
    Question,
    Run,
    Status,
)
from legs.models.diary import member_today
from tests.legs.comments_support import comment_data
from tests.legs.imports_support import STRAVA_CSV, real, strava_export
from tests.support import HTMX, PAYLOADS

# An attribute that would run a script (or fetch one) wherever it came from.
SCRIPT_URL = re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)


class Browsers:
    """One logged-in client per role, made on first use."""

    def __init__(self, world: SimpleNamespace) -> None:
        self.world = world
        self.clients: dict[str, Client] = {}

    def __getitem__(self, role: str) -> Client:
        if role not in self.clients:
            client = Client()
            if role != "visitor":
                client.force_login(getattr(self.world, role))
            self.clients[role] = client
        return self.clients[role]


@dataclass(frozen=True)
class Page:
    """A page that shows the field (`shows`), or one that must at least not run it."""

    role: str
    url: Callable[[SimpleNamespace, dict[str, Any]], str]
    shows: bool = True
    htmx: bool = False


@dataclass(frozen=True)
class Field:
    """How to type a payload into the field, and where it shows afterwards.

    `write` returns what the pages need (ids of what it made); its "answer" entry, if any,
    is the form's own answer, which must show the payload escaped too.
    """

    write: Callable[[Browsers, SimpleNamespace, str], dict[str, Any]]
    pages: tuple[Page, ...] = ()
    exports: tuple[str, ...] = field(default=())


def url(name: str, *keys: str) -> Callable[[SimpleNamespace, dict[str, Any]], str]:
    """A page's address; each key is looked up in what `write` returned, then in the world."""

    def build(world: SimpleNamespace, made: dict[str, Any]) -> str:
        args = [made[key] if key in made else getattr(world, key).pk for key in keys]
        return reverse(name, args=args)

    return build


def posted(response, status: int = 302):
    assert response.status_code == status, response.content.decode()[:2000]
    return response


# --- writers: each goes through the real form


def fill(value: str, payload: str, world) -> str:
    return {"PAYLOAD": payload, "PARENT": str(world.comment.pk)}.get(value, value)


def today(world) -> str:
    return member_today(world.owner).isoformat()


def run_data(world, **fields: str) -> dict[str, str]:
    return {
        "date": today(world),
        "distance_km": "7.5",
        "duration": "40:00",
        "kind": "easy",
        "surface": "road",
        "rpe": "4",
        "leg_heaviness": "3",
        "warm_up_minutes": "10",
        "cool_down_minutes": "5",
        "pain_location": "",
        "notes": "",
    } | fields


def write_run(text_field: str):
    def write(browsers: Browsers, world, payload: str) -> dict[str, Any]:
        posted(
            browsers["owner"].post(reverse("run_create"), run_data(world, **{text_field: payload}))
        )
        return {"run": Run.objects.filter(user=world.owner).latest("pk").pk}

    return write


def write_checkin(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    data = {
        "date": today(world),
        "sleep_hours": "7.5",
        "leg_heaviness": "3",
        "soreness": "3",
        "fatigue": "3",
        "stress": "3",
        "iron_rich_meals": "1",
        "notes": payload,
    }
    posted(browsers["owner"].post(reverse("checkin_create"), data))
    return {"checkin": CheckIn.objects.get(user=world.owner, date=today(world)).pk}


def write_checklist_notes(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    ChecklistRun.objects.filter(pk=world.checklist_run.pk).update(finished=timezone.now())
    url = reverse("checklist_run_detail", args=[world.checklist_run.pk])
    posted(browsers["owner"].post(url, {"notes": payload}))
    return {}


def write_display_name(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    data = {
        "display_name": payload,
        "email": world.owner.email,
        "units": "km",
        "time_zone": "Europe/London",
        "stretch_hold": "30",
    }
    posted(browsers["owner"].post(reverse("profile"), data))
    # A member's comment carries the name; the first one waits, seen by its author and moderators.
    posted(
        browsers["owner"].post(
            reverse("comment_post", args=[world.tip.slug]), comment_data(body="Hello")
        )
    )
    return {"comment": Comment.objects.filter(user=world.owner).latest("pk").pk}


def approve(comment: Comment) -> None:
    comment.status = Status.APPROVED
    comment.save()  # saved, not updated: the cached tip pages are retired


def write_comment(**fields: str):
    def write(browsers: Browsers, world, payload: str) -> dict[str, Any]:
        data = comment_data(**{name: fill(value, payload, world) for name, value in fields.items()})
        posted(browsers["visitor"].post(reverse("comment_post", args=[world.tip.slug]), data))
        comment = Comment.objects.latest("pk")
        approve(comment)
        return {"comment": comment.pk, "root": comment.parent_id or comment.pk}

    return write


def write_coach_reply(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    url = reverse("admin:legs_comment_reply", args=[world.comment.pk])
    posted(browsers["moderator"].post(url, {"body": payload}))
    return {"root": world.comment.pk}


def write_reply_to_named(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    """The admin's message after a coach reply names the reader ("...under X's comment")."""
    made = write_comment(name="PAYLOAD")(browsers, world, payload)
    url = reverse("admin:legs_comment_reply", args=[made["comment"]])
    answer = browsers["moderator"].post(url, {"body": "Thanks."}, follow=True)
    assert answer.redirect_chain
    return made | {"answer": answer}


def write_row_action_on_named(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    """A row action's answer (the redrawn cell and what happened) names the reader."""
    made = write_comment(name="PAYLOAD")(browsers, world, payload)
    url = reverse("admin:legs_comment_moderate", args=[made["comment"], "spam"])
    answer = browsers["moderator"].post(url, headers=HTMX)
    assert answer.status_code == 200
    return made | {"htmx answer": answer}


def write_edited_comment(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    """The author's edit of their own comment, within its 15 minutes."""
    data = comment_data(body="First words")
    posted(browsers["visitor"].post(reverse("comment_post", args=[world.tip.slug]), data))
    comment = Comment.objects.latest("pk")
    edit = reverse("comment_edit", args=[world.tip.slug, comment.pk])
    posted(browsers["visitor"].post(edit, {"body": payload}))
    return {"comment": comment.pk}


def write_report_note(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    url = reverse("comment_report", args=[world.tip.slug, world.comment.pk])
    posted(browsers["visitor"].post(url, {"reason": "other", "note": payload}))
    return {}


def write_block_note(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    url = reverse("admin:legs_block_change", args=[world.block.pk])
    posted(browsers["moderator"].post(url, {"expires_0": "", "expires_1": "", "note": payload}))
    return {}


def write_promoted(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    write_coach_reply(browsers, world, "Rest for a week.")
    url = reverse("admin:legs_comment_promote", args=[world.comment.pk])
    posted(browsers["moderator"].post(url, {"question": payload, "answer": payload}))
    assert Question.objects.filter(question=payload.strip()).exists()
    return {}


def write_canned(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    url = reverse("admin:legs_cannedreply_add")
    posted(
        browsers["moderator"].post(url, {"title": payload, "body": "Plain answer.", "order": "0"})
    )
    return {"canned": CannedReply.objects.latest("pk").pk}


def write_disallowed_word(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    posted(browsers["moderator"].post(reverse("admin:legs_disallowedword_add"), {"word": payload}))
    return {}


def csv_file(*rows: dict[str, str]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("diary.csv", out.getvalue().encode(), content_type="text/csv")


def write_imported_run(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    row = {
        "type": "run",
        "date": today(world),
        "unit": "km",
        "distance": "6",
        "duration": "0:33:00",
        "kind": "easy",
        "surface": "road",
        "rpe": "3",
        "leg_heaviness": "2",
        "warm_up_minutes": "0",
        "cool_down_minutes": "0",
        # As the export writes a text cell: one starting as a formula would (here the payload
        # starting with an apostrophe) gets an apostrophe first, which the import takes off.
        "notes": _text_cell(payload),
        "pain_location": _text_cell(payload),
    }
    data = {"file": csv_file(row), "default_rpe": "3"}
    posted(browsers["owner"].post(reverse("diary_import"), data))
    return {"run": Run.objects.filter(user=world.owner).latest("pk").pk}


def write_bad_import_cells(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    rows = [{"type": payload, "date": today(world)}, {"type": "run", "unit": payload}]
    data = {"file": csv_file(*rows), "default_rpe": "3"}
    answer = posted(browsers["owner"].post(reverse("diary_import"), data), 200)
    assert not Run.objects.filter(user=world.owner, date=today(world)).exists()
    return {"answer": answer}


def write_strava_activity_name(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    """An activity named by the payload in a Strava export's activities.csv."""
    header, row = real(STRAVA_CSV).decode().splitlines()[:2]
    out = io.StringIO()
    cells = next(csv.reader([row]))
    cells[2] = payload  # Activity Name
    cells[0] = str(abs(hash(payload)))  # Activity ID: its own run each time
    csv.writer(out).writerow(cells)
    export = SimpleUploadedFile("export.zip", strava_export(f"{header}\n{out.getvalue()}"))
    posted(browsers["owner"].post(reverse("diary_import"), {"file": [export]}))
    upload = Import.objects.filter(user=world.owner).latest("pk")
    return {"upload": upload.pk, "run": upload.items.get().run.pk}


def write_activity_file_name(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    """An activity file named by the payload (the browser sends the name it has)."""
    fit = SimpleUploadedFile(f"{payload}.fit", real("gap_laufen_landal_park_run.fit"))
    posted(browsers["owner"].post(reverse("diary_import"), {"file": [fit]}))
    return {"upload": Import.objects.filter(user=world.owner).latest("pk").pk}


def echoed(url_name: str, role: str, **fields: str):
    """A form that refuses the payload and shows it back in its answer."""

    def write(browsers: Browsers, world, payload: str) -> dict[str, Any]:
        data = {name: fill(value, payload, world) for name, value in fields.items()}
        if url_name == "comment_post":
            data = comment_data(**data)
            args = [world.tip.slug]
        else:
            args = []
        answer = browsers[role].post(reverse(url_name, args=args), data)
        assert answer.status_code in (200, 429)
        return {"answer": answer}

    return write


def searched(parameter: str):
    def write(browsers: Browsers, world, payload: str) -> dict[str, Any]:
        address = f"{reverse('tip_list')}?{parameter}={quote(payload)}"
        return {
            "answer": browsers["visitor"].get(address),
            "htmx answer": browsers["visitor"].get(address, headers=HTMX),
        }

    return write


def write_trial_start(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    """A refused trial (no such tip, no such length) does not show the values back at all."""
    data = {"tip": payload, "length_days": payload}
    for headers in ({}, HTMX):
        answer = browsers["owner"].post(reverse("trial_start"), data, headers=headers)
        assert answer.status_code == 200
        assert_escaped(answer.content.decode(), payload, shows=False, where="trial_start")
    return {}


def nothing(browsers: Browsers, world, payload: str) -> dict[str, Any]:
    return {}


# --- where each field shows

DIARY_PAGES = (
    Page("owner", url("diary"), shows=False),
    Page("owner", url("diary"), shows=False, htmx=True),
)
COMMENT_ADMIN = (
    Page("moderator", url("admin:legs_comment_changelist")),
    Page("moderator", url("admin:legs_comment_change", "comment")),
    Page("moderator", url("admin:legs_comment_reply", "comment")),
)

FIELDS: dict[str, Field] = {
    "profile: display name": Field(
        write_display_name,
        pages=(
            Page("owner", url("profile")),
            Page("owner", url("diary")),  # the menu says who is logged in
            Page("owner", lambda world, made: world.tip.get_absolute_url()),
            Page("superuser", url("admin:accounts_user_changelist")),
            Page("superuser", url("admin:accounts_user_change", "owner")),
            *COMMENT_ADMIN,
        ),
        exports=("account",),
    ),
    "comment: name": Field(
        write_comment(name="PAYLOAD"),
        pages=(
            Page("visitor", lambda world, made: world.tip.get_absolute_url()),
            Page("visitor", lambda world, made: world.tip.get_absolute_url(), htmx=True),
            Page(
                "visitor",
                lambda world, made: reverse(
                    "comment_reply", args=[world.tip.slug, made["comment"]]
                ),
            ),
            Page(
                "visitor",
                lambda world, made: reverse(
                    "comment_reply", args=[world.tip.slug, made["comment"]]
                ),
                htmx=True,
            ),
            *COMMENT_ADMIN,
        ),
    ),
    "comment: body": Field(
        write_comment(body="PAYLOAD"),
        pages=(
            Page("visitor", lambda world, made: world.tip.get_absolute_url()),
            *COMMENT_ADMIN,
        ),
    ),
    "comment: reply body": Field(
        write_comment(body="PAYLOAD", parent="PARENT"),
        pages=(
            Page("visitor", lambda world, made: world.tip.get_absolute_url()),
            Page("moderator", url("admin:legs_comment_change", "comment")),
            Page("moderator", url("admin:legs_comment_change", "root")),
        ),
    ),
    "admin: reply as coach": Field(
        write_coach_reply,
        pages=(
            Page("visitor", lambda world, made: world.tip.get_absolute_url()),
            Page("moderator", url("admin:legs_comment_change", "root")),
            Page("moderator", url("admin:legs_comment_promote", "root")),
        ),
    ),
    "admin: message naming the reader after a coach reply": Field(write_reply_to_named),
    "comment: edited body": Field(
        write_edited_comment,
        pages=(
            Page("visitor", lambda world, made: world.tip.get_absolute_url()),
            Page(
                "visitor",
                lambda world, made: reverse("comment_edit", args=[world.tip.slug, made["comment"]]),
            ),
            Page("moderator", url("admin:legs_comment_change", "comment")),
        ),
    ),
    "comment report: note": Field(
        write_report_note,
        pages=(Page("moderator", url("admin:legs_comment_change", "comment")),),
    ),
    "admin: block note": Field(
        write_block_note,
        pages=(
            Page("moderator", url("admin:legs_block_changelist")),
            Page("moderator", url("admin:legs_block_change", "block")),
        ),
    ),
    "admin: row action naming the reader": Field(write_row_action_on_named, pages=COMMENT_ADMIN),
    "admin: promote to What's being asked": Field(
        write_promoted, pages=(Page("visitor", url("asked")),)
    ),
    "admin: canned reply title": Field(
        write_canned,
        pages=(
            Page("moderator", url("admin:legs_cannedreply_changelist")),
            Page("moderator", url("admin:legs_comment_change", "comment")),
        ),
    ),
    "admin: disallowed word": Field(
        write_disallowed_word,
        pages=(Page("moderator", url("admin:legs_disallowedword_changelist")),),
    ),
    "run: notes": Field(
        write_run("notes"),
        pages=(
            Page("owner", url("run_list")),
            Page("owner", url("run_edit", "run")),
            Page("owner", url("run_delete", "run"), shows=False),
            Page("superuser", url("admin:legs_run_change", "run")),
            *DIARY_PAGES,
        ),
        exports=("csv", "account"),
    ),
    "run: pain location": Field(
        write_run("pain_location"),
        pages=(
            Page("owner", url("run_list")),
            Page("owner", url("run_edit", "run")),
            Page("superuser", url("admin:legs_run_change", "run")),
            *DIARY_PAGES,
        ),
        exports=("csv", "account"),
    ),
    "check-in: notes": Field(
        write_checkin,
        pages=(
            Page("owner", url("checkin_list")),
            Page("owner", url("checkin_edit", "checkin")),
            Page("superuser", url("admin:legs_checkin_change", "checkin")),
            *DIARY_PAGES,
        ),
        exports=("csv", "account"),
    ),
    "checklist run: notes": Field(
        write_checklist_notes,
        pages=(
            Page("owner", url("checklist_run_detail", "checklist_run")),
            Page("owner", lambda world, made: world.checklist.get_absolute_url()),
            Page("owner", url("checklist_run_list"), shows=False),
            Page("superuser", url("admin:legs_checklistrun_change", "checklist_run")),
            *DIARY_PAGES,
        ),
        exports=("account",),
    ),
    "diary import: notes and pain cells": Field(
        write_imported_run,
        pages=(Page("owner", url("run_list")), Page("owner", url("run_edit", "run"))),
        exports=("csv", "account"),
    ),
    "diary import: bad cells shown in the error list": Field(write_bad_import_cells),
    "activity import: a Strava activity's name": Field(
        write_strava_activity_name,
        pages=(
            Page("owner", url("import_detail", "upload")),
            Page("owner", url("import_detail", "upload"), htmx=True),
            Page("owner", url("run_list")),
            Page("owner", url("run_edit", "run")),
            *DIARY_PAGES,
        ),
    ),
    # The name arrives cut at its last slash (Django keeps no folders), so it must not run
    # wherever it shows, as its shortened self.
    "activity import: an uploaded file's name": Field(
        write_activity_file_name,
        pages=(
            Page("owner", url("import_detail", "upload"), shows=False),
            Page("owner", url("diary_import"), shows=False),
        ),
    ),
    "tips: search box": Field(searched("q")),
    "tips: phase filter": Field(searched("phase")),
    "tips: cause filter": Field(searched("cause")),
    "troubleshooter: question in the address": Field(
        nothing,
        pages=(
            Page(
                "visitor",
                lambda world, made: (
                    f"{world.troubleshooter.get_absolute_url()}?q={quote(made['payload'])}"
                ),
                shows=False,
            ),
        ),
    ),
    "log-in: username shown back": Field(
        echoed("login", "visitor", username="PAYLOAD", password="wrong")
    ),
    "sign-up: username and email shown back": Field(
        echoed(
            "signup",
            "visitor",
            username="PAYLOAD",
            email="PAYLOAD",
            password1="stride-cadence-42-hills",
            password2="stride-cadence-42-hills",
        )
    ),
    "trial: tip and length refused": Field(
        write_trial_start,
        pages=(
            Page(
                "owner",
                lambda world, made: f"{reverse('trial_start')}?tip={quote(made['payload'])}",
                shows=False,
            ),
        ),
    ),
    "password reset: email shown back": Field(echoed("password_reset", "visitor", email="PAYLOAD")),
    "comment: email shown back": Field(echoed("comment_post", "visitor", email="PAYLOAD")),
}


def assert_escaped(html: str, payload: str, *, shows: bool, where: str) -> None:
    if any(char in payload for char in "<>\"'"):
        assert payload not in html, f"raw payload on {where}"
    assert not SCRIPT_URL.search(html), f"a javascript: URL on {where}"
    if shows:
        assert escape(payload) in html, f"escaped payload missing on {where}"


def strings(data: Any) -> set[str]:
    """Every string value in parsed JSON."""
    if isinstance(data, dict):
        return set().union(*map(strings, data.values()))
    if isinstance(data, list):
        return set().union(*map(strings, data))
    return {data} if isinstance(data, str) else set()


def assert_exported(browsers: Browsers, kind: str, payload: str) -> None:
    if kind == "csv":
        response = browsers["owner"].get(reverse("diary_export"))
        assert response["Content-Type"].startswith("text/csv")
        cells = {cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row}
        # A cell a spreadsheet would run as a formula is written with an apostrophe first.
        assert payload in cells or f"'{payload}" in cells
    else:
        response = browsers["owner"].get(reverse("account_export"))
        assert response["Content-Type"] == "application/json"
        assert payload in strings(response.json())
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"payload{n}" for n in range(len(PAYLOADS))])
@pytest.mark.parametrize("name", sorted(FIELDS))
def test_payload_comes_back_escaped_wherever_the_field_shows(name, payload, world):
    field_case = FIELDS[name]
    browsers = Browsers(world)
    made = field_case.write(browsers, world, payload) | {"payload": payload}
    checked = 0
    for label, answer in made.items():
        if label in ("answer", "htmx answer"):
            assert answer.status_code < 500
            assert_escaped(answer.content.decode(), payload, shows=True, where=label)
            checked += 1
    for page in field_case.pages:
        address = page.url(world, made)
        response = browsers[page.role].get(address, headers=HTMX if page.htmx else {})
        assert response.status_code in ((200,) if page.shows else (200, 404)), address
        assert_escaped(response.content.decode(), payload, shows=page.shows, where=address)
        checked += 1
    for kind in field_case.exports:
        assert_exported(browsers, kind, payload)
        checked += 1
    assert checked, "a field with nowhere to check"


def test_a_canned_reply_in_the_pages_json_cannot_end_its_script_element(world):
    """Canned replies reach the admin's JavaScript through json_script, never inline script."""
    payload = "</script><script>alert(1)</script>"
    browsers = Browsers(world)
    add = reverse("admin:legs_cannedreply_add")
    posted(browsers["moderator"].post(add, {"title": "T", "body": payload, "order": "0"}))
    url = reverse("admin:legs_comment_change", args=[world.comment.pk])
    html = browsers["moderator"].get(url).content.decode()
    assert payload not in html
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in html
