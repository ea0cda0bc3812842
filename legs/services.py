"""The few writes that touch several models: keyword-only functions, each in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from legs.models import (
    CheckIn,
    Checklist,
    ChecklistRun,
    ChecklistRunAnswer,
    ChecklistRunStep,
    ChecklistStep,
    Run,
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


class ChecklistRunNotAttachable(ValueError):
    """This checklist run cannot be linked to that diary run; the message says why, for members."""


def checklist_run_attach(*, checklist_run: ChecklistRun, run: Run) -> ChecklistRun:
    """Link a finished run of an After-your-run checklist to one of the same member's diary runs.

    Linking a checklist run that is already linked moves it. Both rows are read again, locked,
    inside the transaction, so the checks see what is stored rather than what the caller holds.
    Raises ChecklistRunNotAttachable, with nothing written, when the two belong to different
    members, when the checklist is not one that goes with a run (``Checklist.attaches_to_run``),
    when it is not finished, or when either row has gone.
    """
    with transaction.atomic():
        stored = (
            ChecklistRun.objects.select_for_update(of=("self",))
            .filter(pk=checklist_run.pk)
            .values("user_id", "finished", "checklist__attaches_to_run")
            .first()
        )
        if stored is None:
            raise ChecklistRunNotAttachable("That checklist run no longer exists.")
        if not stored["checklist__attaches_to_run"]:
            raise ChecklistRunNotAttachable(
                f"Only an After-your-run checklist can be linked to a diary run, "
                f"not “{checklist_run.checklist.title}”."
            )
        if stored["finished"] is None:
            raise ChecklistRunNotAttachable("Finish the checklist first, then link it to your run.")
        # The run is looked up through the checklist run's owner: someone else's is not there.
        owned = Run.objects.select_for_update().filter(pk=run.pk, user_id=stored["user_id"])
        if run.pk is None or not owned.exists():
            raise ChecklistRunNotAttachable("That run is not in your diary.")
        ChecklistRun.objects.filter(pk=checklist_run.pk).update(diary_run=run)
    checklist_run.diary_run = run
    return checklist_run


def checklist_run_detach(*, checklist_run: ChecklistRun) -> ChecklistRun:
    """Unlink a checklist run from its diary run (both stay)."""
    ChecklistRun.objects.filter(pk=checklist_run.pk).update(diary_run=None)
    checklist_run.diary_run = None
    return checklist_run


# --- diary


def diary_run_create(*, run: Run, checklist_run: ChecklistRun | None = None) -> Run:
    """Save a new diary run (its owner already set) and link ``checklist_run`` to it.

    Both or neither: when the link is refused (ChecklistRunNotAttachable) the run is not saved.
    """
    with transaction.atomic():
        run.save()
        if checklist_run is not None:
            checklist_run_attach(checklist_run=checklist_run, run=run)
    return run


CHECKIN_IMPORT_FIELDS = [
    "sleep_hours",
    "leg_heaviness",
    "soreness",
    "fatigue",
    "stress",
    "rest_day",
    "recovery_actions",
    "iron_rich_meals",
    "notes",
]


@dataclass(frozen=True)
class DiaryImportResult:
    runs_added: int
    runs_already_there: int
    checkins_added: int
    checkins_updated: int
    checkins_unchanged: int


def diary_import(*, user: User, runs: list[Run], checkins: list[CheckIn]) -> DiaryImportResult:
    """Write validated, unsaved runs and check-ins to the member's diary, all or nothing.

    A run already in the diary (same date, distance and time) is not added again, so importing
    the same file twice changes nothing. A check-in for a day that already has one replaces that
    day's values (one check-in per day, as in the form).
    """
    with transaction.atomic():
        seen = set()
        if runs:
            # One read over the file's span (not an IN list, which SQLite caps in length).
            seen = set(
                Run.objects.for_user(user)
                .filter(date__gte=min(r.date for r in runs), date__lte=max(r.date for r in runs))
                .values_list("date", "distance_km", "duration")
            )
        new_runs = []
        for run in runs:
            key = (run.date, run.distance_km, run.duration)
            if key in seen:
                continue
            seen.add(key)
            run.user = user
            new_runs.append(run)
        Run.objects.bulk_create(new_runs, batch_size=500)

        by_date = {}
        if checkins:
            dates = [c.date for c in checkins]
            by_date = {
                checkin.date: checkin
                for checkin in CheckIn.objects.for_user(user).filter(
                    date__gte=min(dates), date__lte=max(dates)
                )
            }
        new_checkins, changed = [], []
        for checkin in checkins:
            existing = by_date.get(checkin.date)
            if existing is None:
                checkin.user = user
                new_checkins.append(checkin)
                continue
            values = {name: getattr(checkin, name) for name in CHECKIN_IMPORT_FIELDS}
            if any(getattr(existing, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(existing, name, value)
                existing.updated = timezone.now()  # bulk_update skips auto_now
                changed.append(existing)
        CheckIn.objects.bulk_create(new_checkins, batch_size=500)
        CheckIn.objects.bulk_update(changed, [*CHECKIN_IMPORT_FIELDS, "updated"], batch_size=500)
    return DiaryImportResult(
        runs_added=len(new_runs),
        runs_already_there=len(runs) - len(new_runs),
        checkins_added=len(new_checkins),
        checkins_updated=len(changed),
        checkins_unchanged=len(checkins) - len(new_checkins) - len(changed),
    )
