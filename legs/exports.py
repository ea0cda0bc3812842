"""The member's "My data" sections for everything in legs, registered in one place.

Each section is a function of the member returning plain JSON data: the diary (each entry's
fields as ``legs.diary_schema`` declares them), saved tips, comments and checklist runs.
``SECTIONS`` lists them in the order the download shows them; ``LegsConfig.ready`` registers
them with the account export (``accounts.services``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch

from accounts.models import User
from legs import diary_io
from legs.diary_schema import CHECKIN_SCHEMA, RUN_SCHEMA
from legs.models import (
    CheckIn,
    ChecklistRun,
    ChecklistRunAnswer,
    ChecklistRunStep,
    Comment,
    Import,
    ImportItem,
    Run,
    SavedTip,
    Trial,
)
from legs.models.diary import member_today
from legs.models.trials import trial_reports
from legs.trials import Comparison


def runs_json(user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": run.pk,  # what a checklist run's "diary_run" in the export refers to
            **diary_io.entry_json(run, RUN_SCHEMA),
            "created": run.created.isoformat(),
        }
        for run in Run.objects.for_user(user).order_by("date", "id").iterator(chunk_size=2000)
    ]


def checkins_json(user: User) -> list[dict[str, Any]]:
    return [
        {**diary_io.entry_json(checkin, CHECKIN_SCHEMA), "created": checkin.created.isoformat()}
        for checkin in CheckIn.objects.for_user(user).order_by("date").iterator(chunk_size=2000)
    ]


def saved_tips_json(user: User) -> list[dict[str, Any]]:
    return [
        {"tip": saved.tip.slug, "title": saved.tip.title, "saved": saved.created.isoformat()}
        for saved in SavedTip.objects.filter(user=user).select_related("tip")
    ]


def comments_json(user: User) -> list[dict[str, Any]]:
    """The member's comments, oldest first."""
    comments = Comment.objects.for_author(user).select_related("tip").order_by("created", "pk")
    return [
        {
            "tip": comment.tip.slug,
            "reply_to": comment.parent_id,
            "id": comment.pk,
            "name": comment.name,
            "body": comment.body,
            "created": comment.created.isoformat(),
            "status": comment.status,
            "notify_on_reply": comment.notify_on_reply,
        }
        for comment in comments
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


TRIAL_SIDES = ("waking", "runs")  # heaviness on waking (check-ins), during runs


def _rounded(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def _comparison_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "before": list(comparison.before),
        "during": list(comparison.during),
        "before_mean": _rounded(comparison.mean_before),
        "during_mean": _rounded(comparison.mean_during),
        "difference": _rounded(comparison.difference),
        "p_value": _rounded(comparison.p_value, 4),
        "verdict": comparison.verdict.value,
    }


def trials_json(user: User) -> list[dict[str, Any]]:
    """Each trial of a tip, oldest first, with its result as of today: the heaviness values
    before and during it on waking and in runs, and how often the tip was done."""
    trials = list(Trial.objects.for_user(user).order_by("start", "pk"))
    return [
        {
            "tip": report.trial.tip.slug,
            "title": report.trial.tip.title,
            "start": report.trial.start.isoformat(),
            "length_days": report.trial.length_days,
            "last_day": report.trial.last_day.isoformat(),
            "stopped_on": report.trial.stopped_on.isoformat() if report.trial.stopped_on else None,
            "done": report.result.adherence.done,
            "out_of": report.result.adherence.out_of,
            "adherence": report.result.adherence.text,
            "waking": _comparison_json(report.result.waking),
            "runs": _comparison_json(report.result.running),
        }
        for report in trial_reports(user, member_today(user), trials)
    ]


def imports_json(user: User) -> list[dict[str, Any]]:
    """Each import: the files as uploaded (the files themselves are deleted once read), what
    became of each activity, and the run it made or found (its ``id`` is the one in ``runs``)."""
    uploads = (
        Import.objects.for_user(user)
        .with_stall()
        .prefetch_related(Prefetch("items", queryset=ImportItem.objects.order_by("position")))
        .order_by("created", "pk")
    )
    return [
        {
            "created": upload.created.isoformat(),
            "status": upload.shown_status,
            "files": upload.file_names,
            "summary": upload.summary,
            "report": [
                {
                    "name": item.name,
                    "outcome": item.outcome,
                    "message": item.message,
                    "run": item.run_id,
                }
                for item in upload.items.all()
            ],
        }
        for upload in uploads
    ]


# One line per section: its key in the download and the function that fills it.
SECTIONS: dict[str, Callable[[User], Any]] = {
    "runs": runs_json,
    "checkins": checkins_json,
    "saved_tips": saved_tips_json,
    "comments": comments_json,
    "checklist_runs": checklist_runs_json,
    "trials": trials_json,
    "imports": imports_json,
}
