"""The few writes that touch several models: keyword-only functions, each in one transaction."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from legs.models import (
    Checklist,
    ChecklistRun,
    ChecklistRunAnswer,
    ChecklistRunStep,
    ChecklistStep,
    TroubleshooterAnswer,
)

# --- checklists


class ChecklistRunFinished(Exception):
    """The member's current run of this checklist is finished: it takes no more ticks."""


def _current_run_for_update(*, user: User, checklist: Checklist) -> ChecklistRun | None:
    """The newest run (finished or not), locked so two tabs cannot change it at once."""
    return (
        ChecklistRun.objects.for_user(user)
        .filter(checklist=checklist)
        .order_by("-started", "-pk")
        .select_for_update()
        .first()
    )


def _open_run(*, user: User, checklist: Checklist) -> ChecklistRun:
    # get_or_create leans on the one-open-run constraint, so a double-click opens one run.
    run, _ = ChecklistRun.objects.get_or_create(
        user=user, checklist=checklist, finished__isnull=True
    )
    return run


def checklist_step_tick(
    *, user: User, checklist: Checklist, step: ChecklistStep, ticked: bool
) -> ChecklistRun:
    """Tick or untick a step in the member's current run, opening a run on the first tick.

    Raises ChecklistRunFinished when the current run is finished ("Start again" opens a new
    one) and ValueError for a step of another checklist; nothing is written in either case.
    """
    if step.checklist_id != checklist.pk:
        raise ValueError("The step belongs to another checklist.")
    with transaction.atomic():
        run = _current_run_for_update(user=user, checklist=checklist)
        if run is not None and run.is_finished:
            raise ChecklistRunFinished
        run = run or _open_run(user=user, checklist=checklist)
        if ticked:
            ChecklistRunStep.objects.get_or_create(run=run, step=step)
        else:
            ChecklistRunStep.objects.filter(run=run, step=step).delete()
    return run


def checklist_run_finish(*, user: User, checklist: Checklist) -> ChecklistRun:
    """Mark the member's current run finished; raises ChecklistRunFinished if it already is."""
    with transaction.atomic():
        run = _current_run_for_update(user=user, checklist=checklist)
        if run is not None and run.is_finished:
            raise ChecklistRunFinished
        run = run or _open_run(user=user, checklist=checklist)
        run.finished = timezone.now()
        run.save(update_fields=["finished"])
    return run


def checklist_run_restart(*, user: User, checklist: Checklist) -> ChecklistRun:
    """Drop the run in progress (the member asked to start again) and open an empty one.

    Finished runs are kept: they are the member's history.
    """
    with transaction.atomic():
        ChecklistRun.objects.for_user(user).filter(
            checklist=checklist, finished__isnull=True
        ).delete()
        return ChecklistRun.objects.create(user=user, checklist=checklist)


def troubleshooter_run_save(
    *, user: User, checklist: Checklist, answers: Sequence[TroubleshooterAnswer], ended: bool
) -> ChecklistRun:
    """Store the member's answers in order; the run is finished while they reach a result.

    Going back and changing an answer re-opens the run, as it is the same consultation.
    """
    with transaction.atomic():
        run = _current_run_for_update(user=user, checklist=checklist)
        run = run or _open_run(user=user, checklist=checklist)
        run.answer_rows.all().delete()
        ChecklistRunAnswer.objects.bulk_create(
            ChecklistRunAnswer(run=run, position=position, answer=answer)
            for position, answer in enumerate(answers)
        )
        run.finished = timezone.now() if ended else None
        run.save(update_fields=["finished"])
    return run
