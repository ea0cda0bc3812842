"""Account-wide writes and reads: the member's data export and the account's deletion.

Both span every domain of the site. Each domain adds itself in one line: a JSON section to
``EXPORT_SECTIONS`` (a function of the member returning plain JSON data), and, if deleting an
account must do more than the database's cascade, a step in ``account_delete``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from legs import diary_io
from legs.models import ChecklistRun, ChecklistRunAnswer, ChecklistRunStep, SavedTip
from legs.models.comments import comments_json
from legs.services import comment_anonymise_author

from .models import User


def profile_json(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "email": user.email,
        "display_name": user.display_name,
        "units": user.units,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined.isoformat(),
    }


def saved_tips_json(user: User) -> list[dict[str, Any]]:
    return [
        {"tip": saved.tip.slug, "title": saved.tip.title, "saved": saved.created.isoformat()}
        for saved in SavedTip.objects.filter(user=user).select_related("tip")
    ]


def checklist_runs_json(user: User) -> list[dict[str, Any]]:
    """Each checklist or troubleshooter run: ticked steps in the checklist's order, answers in
    the order given, and the diary run it is linked to (its ``id`` is the one in ``runs``)."""
    runs = (
        ChecklistRun.objects.for_user(user)
        .select_related("checklist", "diary_run")
        .prefetch_related(
            Prefetch(
                "ticks",
                queryset=ChecklistRunStep.objects.select_related("step").order_by(
                    "step__order", "step__pk"
                ),
            ),
            Prefetch(
                "answer_rows",
                queryset=ChecklistRunAnswer.objects.select_related("answer__question"),
            ),
        )
        .order_by("started", "pk")
    )
    return [
        {
            "checklist": run.checklist.slug,
            "title": run.checklist.title,
            "started": run.started.isoformat(),
            "finished": run.finished.isoformat() if run.finished else None,
            "ticked_steps": [tick.step.text for tick in run.ticks.all()],
            "answers": [
                {"question": row.answer.question.text, "answer": row.answer.text}
                for row in run.answer_rows.all()
            ],
            "notes": run.notes,
            "diary_run": (
                {"id": run.diary_run.pk, "date": run.diary_run.date.isoformat()}
                if run.diary_run
                else None
            ),
        }
        for run in runs
    ]


# One line per domain: the key in the download and the function that fills it.
EXPORT_SECTIONS: dict[str, Callable[[User], Any]] = {
    "profile": profile_json,
    "runs": diary_io.runs_json,
    "checkins": diary_io.checkins_json,
    "saved_tips": saved_tips_json,
    "comments": comments_json,
    "checklist_runs": checklist_runs_json,
}


def account_export(*, user: User) -> dict[str, Any]:
    """Everything the member owns, as JSON-ready data."""
    data: dict[str, Any] = {
        "format": "lighter-legs-account-export",
        "version": 1,
        "exported": timezone.now().isoformat(),
    }
    data |= {name: section(user) for name, section in EXPORT_SECTIONS.items()}
    return data


def account_delete(*, user: User) -> None:
    """Delete the member and everything they own, in one transaction.

    The database cascade removes the diary (runs, check-ins), saved tips and checklist runs.
    Published comments are kept, anonymised as "former member" with the email erased, before
    the user row goes; comments that were never published go with it.
    """
    with transaction.atomic():
        comment_anonymise_author(user=user)
        user.delete()
