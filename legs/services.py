"""The few writes that touch several models: keyword-only functions, each in one transaction.

Each function runs in its transaction (``@transaction.atomic``). A service that says no raises a
``Refused`` subclass, with nothing written and a message fit to show the person who asked; a
call that breaks its contract (a step of another checklist, an unknown status) is a bug in the
caller and raises ValueError.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, When
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from config.public_cache import bump_public_version
from legs import imports, moderation_mail, tasks
from legs.activities import same_run
from legs.diary_cache import bump_diary
from legs.diary_schema import CHECKIN_ANSWERS
from legs.models import (
    Block,
    BlockKind,
    CheckIn,
    Checklist,
    ChecklistRun,
    ChecklistRunAnswer,
    ChecklistRunStep,
    ChecklistStep,
    Comment,
    CommentReport,
    DigestHour,
    DisallowedWord,
    HeldEmails,
    Import,
    ImportItem,
    ImportStatus,
    ItemOutcome,
    ModerationAction,
    Question,
    Run,
    Status,
    Tip,
    Trial,
    TroubleshooterAnswer,
)
from legs.models.comments import (
    MODERATOR_PERMISSIONS,
    MODERATORS_GROUP,
    HeldReason,
    ReportReason,
    UsedEmailLink,
    count_links,
    email_hash,
)
from legs.models.diary import MAX_RUNS_PER_MEMBER
from legs.models.imports import STOPPED_SUMMARY


class Refused(Exception):
    """A service refused; nothing is written, and the message says why in plain words."""


# --- checklists


class ChecklistRunFinished(Refused):
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


@transaction.atomic
def checklist_step_tick(
    *, user: User, checklist: Checklist, step: ChecklistStep, ticked: bool
) -> ChecklistRun:
    """Tick or untick a step in the member's current run, opening a run on the first tick.

    Raises ChecklistRunFinished when the current run is finished ("Start again" opens a new
    one) and ValueError for a step of another checklist; nothing is written in either case.
    """
    if step.checklist_id != checklist.pk:
        raise ValueError("The step belongs to another checklist.")
    run = _current_run_for_update(user=user, checklist=checklist)
    if run is not None and run.is_finished:
        raise ChecklistRunFinished
    run = run or _open_run(user=user, checklist=checklist)
    if ticked:
        ChecklistRunStep.objects.get_or_create(run=run, step=step)
    else:
        ChecklistRunStep.objects.filter(run=run, step=step).delete()
    return run


@transaction.atomic
def checklist_run_finish(*, user: User, checklist: Checklist) -> ChecklistRun:
    """Mark the member's current run finished; raises ChecklistRunFinished if it already is."""
    run = _current_run_for_update(user=user, checklist=checklist)
    if run is not None and run.is_finished:
        raise ChecklistRunFinished
    run = run or _open_run(user=user, checklist=checklist)
    run.finished = timezone.now()
    run.save(update_fields=["finished"])
    return run


@transaction.atomic
def checklist_run_restart(*, user: User, checklist: Checklist) -> ChecklistRun:
    """Drop the run in progress (the member asked to start again) and open an empty one.

    Finished runs are kept: they are the member's history.
    """
    ChecklistRun.objects.for_user(user).filter(checklist=checklist, finished__isnull=True).delete()
    return ChecklistRun.objects.create(user=user, checklist=checklist)


@transaction.atomic
def troubleshooter_run_save(
    *, user: User, checklist: Checklist, answers: Sequence[TroubleshooterAnswer], ended: bool
) -> ChecklistRun:
    """Store the member's answers in order; the run is finished while they reach a result.

    Going back and changing an answer re-opens the run, as it is the same consultation.
    """
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


class ChecklistRunNotAttachable(Refused):
    """This checklist run cannot be linked to that diary run; the message says why, for members."""


@transaction.atomic
def checklist_run_attach(*, checklist_run: ChecklistRun, run: Run) -> ChecklistRun:
    """Link a finished run of an After-your-run checklist to one of the same member's diary runs.

    Linking a checklist run that is already linked moves it. Both rows are read again, locked,
    inside the transaction, so the checks see what is stored rather than what the caller holds.
    Raises ChecklistRunNotAttachable, with nothing written, when the two belong to different
    members, when the checklist is not one that goes with a run (``Checklist.attaches_to_run``),
    when it is not finished, or when either row has gone.
    """
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


@transaction.atomic
def checklist_run_detach(*, checklist_run: ChecklistRun) -> ChecklistRun:
    """Unlink a checklist run from its diary run (both stay)."""
    ChecklistRun.objects.filter(pk=checklist_run.pk).update(diary_run=None)
    checklist_run.diary_run = None
    return checklist_run


# --- diary


@transaction.atomic
def diary_run_create(*, run: Run, checklist_run: ChecklistRun | None = None) -> Run:
    """Save a new diary run (its owner already set) and link ``checklist_run`` to it.

    Both or neither: when the link is refused (ChecklistRunNotAttachable) the run is not saved.
    """
    run.save()
    if checklist_run is not None:
        checklist_run_attach(checklist_run=checklist_run, run=run)
    return run


class CheckInDayTaken(Refused):
    """Another of the member's check-ins has that day: one check-in per day."""


@dataclass(frozen=True)
class CheckInSaved:
    checkin: CheckIn  # the one saved: the day's earlier check-in when the answers went to it
    merged: bool  # the day had a check-in, now updated with these answers


def _copy_answers(source: CheckIn, target: CheckIn) -> bool:
    """Give ``target`` the answers of ``source`` (not its day); True if any changed."""
    changed = False
    for name in CHECKIN_ANSWERS:
        value = getattr(source, name)
        if getattr(target, name) != value:
            setattr(target, name, value)
            changed = True
    return changed


@transaction.atomic
def checkin_save(*, checkin: CheckIn) -> CheckInSaved:
    """Save a member's check-in (its owner already set), one per day.

    A new check-in for a day that already has one updates that one with its answers (the member
    answered the same questions again). Moving a check-in onto a day that has another raises
    CheckInDayTaken, as does losing a race with another request saving the same day, which the
    database's unique constraint catches.
    """
    existing = (
        CheckIn.objects.for_user(checkin.user)
        .filter(date=checkin.date)
        .exclude(pk=checkin.pk)
        .first()
    )
    merged = existing is not None
    if merged:
        if checkin.pk is not None:
            raise CheckInDayTaken(
                "You already have a check-in for that day. Edit that one, or pick another date."
            )
        _copy_answers(checkin, existing)
        checkin = existing
    try:
        with transaction.atomic():  # a savepoint: the clash is an answer, not a failure
            checkin.save()
    except IntegrityError:
        raise CheckInDayTaken(
            "A check-in for that day was saved a moment ago. Reload to edit it."
        ) from None
    return CheckInSaved(checkin=checkin, merged=merged)


class DiaryFull(Refused):
    """The member's diary is at MAX_RUNS_PER_MEMBER runs."""


def _refuse_past_the_cap(*, user: User, adding: int) -> None:
    held = Run.objects.for_user(user).count()
    if held + adding > MAX_RUNS_PER_MEMBER:
        raise DiaryFull(
            f"Your diary holds {held:,} runs, and at most {MAX_RUNS_PER_MEMBER:,} fit in one "
            "diary. Delete some old runs (or export your diary and start a new one) to import "
            "more."
        )


class _Twins:
    """The member's runs around some dates, to tell which new runs they already hold."""

    def __init__(self, runs: Iterable[Run]) -> None:
        self.by_date: dict[date, list[Run]] = defaultdict(list)
        for run in runs:
            self.add(run)

    def add(self, run: Run) -> None:
        self.by_date[run.date].append(run)

    def twin(self, run: Run) -> Run | None:
        for day in (run.date - timedelta(1), run.date, run.date + timedelta(1)):
            for held in self.by_date.get(day, ()):
                if same_run(run, held):
                    return held
        return None


@dataclass(frozen=True)
class DiaryImportResult:
    runs_added: int
    runs_already_there: int
    checkins_added: int
    checkins_updated: int


@transaction.atomic
def diary_import(*, user: User, runs: list[Run], checkins: list[CheckIn]) -> DiaryImportResult:
    """Write validated, unsaved runs and check-ins to the member's diary, all or nothing.

    A run already in the diary (``activities.same_run``: the same start time, or the same date,
    distance and time give or take a little) is not added again, so importing the same file
    twice changes nothing; DiaryFull refuses the lot past the diary's cap. A check-in for a day
    that already has one replaces that day's answers (one check-in per day, as
    ``checkin_save``), in bulk for the whole file.
    """
    twins = _Twins([])
    if runs:
        # One read over the file's span (not an IN list, which SQLite caps in length).
        twins = _Twins(
            Run.objects.for_user(user)
            .filter(
                date__gte=min(r.date for r in runs) - timedelta(1),
                date__lte=max(r.date for r in runs) + timedelta(1),
            )
            .only("date", "distance_km", "duration", "started_at")
        )
    new_runs = []
    for run in runs:
        if twins.twin(run) is not None:
            continue
        twins.add(run)
        run.user = user
        new_runs.append(run)
    _refuse_past_the_cap(user=user, adding=len(new_runs))
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
        elif _copy_answers(checkin, existing):
            existing.updated = timezone.now()  # bulk_update skips auto_now
            changed.append(existing)
    CheckIn.objects.bulk_create(new_checkins, batch_size=500)
    CheckIn.objects.bulk_update(changed, [*CHECKIN_ANSWERS, "updated"], batch_size=500)
    bump_diary(user)  # bulk writes send no signals
    return DiaryImportResult(
        runs_added=len(new_runs),
        runs_already_there=len(runs) - len(new_runs),
        checkins_added=len(new_checkins),
        checkins_updated=len(changed),
    )


# --- trying a tip


class TrialRunning(Refused):
    """The member is already trying this tip: one trial of a tip at a time."""


@transaction.atomic
def trial_start(*, trial: Trial) -> Trial:
    """Save a new trial (its owner, tip, start day and length already set).

    Refused while a trial of the same tip runs for the member, so each result rests on days of
    one trial; the member's trials of that tip are locked while checking, and the database's
    one-start-a-day constraint catches a double click.
    """
    mine = Trial.objects.filter(user=trial.user, tip=trial.tip).select_for_update()
    running = mine.running(trial.start).first()
    if running is not None:
        raise TrialRunning(
            f"You are already trying “{trial.tip.title}”: day "
            f"{running.day_number(trial.start)} of {running.length_days}. Stop that trial "
            "first to start it again."
        )
    try:
        with transaction.atomic():  # a savepoint: the clash is an answer, not a failure
            trial.save()
    except IntegrityError:
        raise TrialRunning(
            f"You started a trial of “{trial.tip.title}” today already. Delete it to start "
            "again today, or start again tomorrow."
        ) from None
    return trial


# --- imports (activity files, Strava exports, large CSVs: see legs.imports)


class ImportAlreadyRunning(Refused):
    """The member has an import queued or running: one at a time."""


class ImportStopped(Refused):
    """The import was marked stopped (its worker had gone quiet): a worker still at it writes
    nothing more."""


def _import_stop_stalled(user: User) -> None:
    """Mark the member's imports whose worker stopped (``ImportQuerySet.stalled``) as stopped,
    and delete their uploads once that is committed: what they imported stays."""
    stalled = list(Import.objects.for_user(user).stalled())
    Import.objects.filter(pk__in=[upload.pk for upload in stalled]).unfinished().update(
        status=ImportStatus.STOPPED,
        summary=STOPPED_SUMMARY,
        finished=timezone.now(),
        updated=timezone.now(),
    )
    for upload in stalled:
        transaction.on_commit(lambda upload=upload: imports.delete_uploads(upload))


@transaction.atomic
def import_start(*, user: User, uploads: Sequence[UploadedFile], include_walks: bool) -> Import:
    """Store the uploaded files privately and queue the task that imports them.

    The database backend queues the task in this same transaction, so the import and its task
    are committed together or not at all. ImportAlreadyRunning when the member has one
    unfinished (an import whose worker stopped is marked stopped first and holds nothing back).
    """
    message = (
        "Your last import is still running. Wait for it to finish (its page shows how far it "
        "is), then import these files."
    )
    _import_stop_stalled(user)
    if Import.objects.for_user(user).unfinished().exists():
        raise ImportAlreadyRunning(message)
    try:
        with transaction.atomic():
            upload = Import.objects.create(
                user=user, include_walks=include_walks, total=len(uploads)
            )
    except IntegrityError:  # another request started one a moment ago
        raise ImportAlreadyRunning(message) from None
    upload.files = imports.store_uploads(upload, uploads)
    upload.save(update_fields=["files"])
    tasks.import_files.enqueue(upload.pk)
    return upload


@transaction.atomic
def imported_run_save(
    *, upload: Import, position: int, name: str, run: Run, message: str = ""
) -> ImportItem:
    """Save one validated, unsaved run from an import with its line in the report, both or
    neither: a worker killed between the two leaves neither, and the task run again writes the
    run once. A run the diary already holds is reported with a link to it, not saved again."""
    twin = _Twins(Run.objects.for_user(upload.user).near(run.date)).twin(run)
    if twin is not None:
        outcome = ItemOutcome.DUPLICATE
        message = message or "already in your diary"
        run = twin
    else:
        _refuse_past_the_cap(user=upload.user, adding=1)
        run.user = upload.user
        run.save()
        outcome = ItemOutcome.IMPORTED
    return import_item_record(
        upload=upload, position=position, name=name, outcome=outcome, message=message, run=run
    )


@transaction.atomic
def import_item_record(
    *,
    upload: Import,
    position: int,
    name: str,
    outcome: str,
    message: str = "",
    run: Run | None = None,
) -> ImportItem:
    """One line of an import's report, the import's count of activities done and its
    heartbeat. ImportStopped (and nothing written) when the import is no longer unfinished:
    marked stopped while this worker was thought gone."""
    now = timezone.now()
    beating = Import.objects.filter(pk=upload.pk).unfinished()
    if not beating.update(done=F("done") + 1, updated=now, heartbeat=now):
        raise ImportStopped("This import was stopped; nothing more is written to it.")
    return ImportItem.objects.create(
        upload=upload,
        position=position,
        name=name[:255],
        outcome=outcome,
        message=message[:300],
        run=run,
    )


# --- comments


def _is_moderator(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_moderator


def _initial_status(
    *, user: User | None, name: str, email: str, body: str, hashes: dict[str, str]
) -> tuple[str, list[str]]:
    """Where a new comment starts (published, held for a moderator, or set aside as spam),
    and why it is not published (HeldReason values).

    Moderators publish at once. A blocked email or address, or a disallowed word, makes it
    spam; more than COMMENT_MAX_LINKS links hold it, whoever posts it. A member with an
    approved comment already is trusted; everyone else waits for a moderator, and a commenter
    with nothing published yet is marked as new.
    """
    if _is_moderator(user):
        return Status.APPROVED, []
    if Block.objects.covering(**hashes).exists():
        return Status.SPAM, [HeldReason.BLOCKED]
    if DisallowedWord.found_in(name, email, body):
        return Status.SPAM, [HeldReason.WORD]
    member = user is not None and user.is_authenticated
    mine = Q(user=user) if member else Q(email_hash=hashes["email_hash"])
    known = bool(hashes["email_hash"] or member) and (
        Comment.objects.filter(mine, status=Status.APPROVED).exists()
    )
    reasons = [] if known else [HeldReason.FIRST]
    if count_links(body) > settings.COMMENT_MAX_LINKS:
        return Status.PENDING, [*reasons, HeldReason.LINKS]
    if member and known:
        return Status.APPROVED, []
    return Status.PENDING, reasons


@transaction.atomic
def comment_post(
    *,
    tip: Tip,
    body: str,
    name: str = "",
    email: str = "",
    notify_on_reply: bool = False,
    parent: Comment | None = None,
    user: User | None = None,
    ip_hash: str = "",
) -> Comment:
    """Save a reader's comment or reply with the status its author earns.

    A member's name and email come from the account. A reply must sit under a top-level
    comment of the same tip; a reply published at once notifies the thread's author.
    """
    if parent is not None and (parent.tip_id != tip.pk or parent.parent_id is not None):
        raise ValueError("A reply goes under a top-level comment of the same tip.")
    member = user if user is not None and user.is_authenticated else None
    if member is not None:
        name, email = member.public_name, member.email
    hashes = {"email_hash": email_hash(email) if email else "", "ip_hash": ip_hash}
    status, reasons = _initial_status(user=member, name=name, email=email, body=body, hashes=hashes)
    comment = Comment.objects.create(
        tip=tip,
        parent=parent,
        user=member,
        name=name,
        email=email,
        body=body,
        notify_on_reply=notify_on_reply and parent is None,
        by_coach=_is_moderator(member),
        status=status,
        held_because=" ".join(reasons),
        **hashes,
    )
    if comment.status == Status.APPROVED:
        _notify_reply(comment)
    elif comment.status == Status.PENDING:
        transaction.on_commit(lambda: _tell_moderators(comment.pk), robust=True)
    return comment


def _tell_moderators(comment_id: int) -> None:
    """A held comment: an email now to moderators who want each one, and the hour's digest
    enqueued by its first held comment, to run at the hour's end (no cron needed)."""
    tasks.email_held_comment.enqueue(comment_id)
    if not moderation_mail.moderators(HeldEmails.HOURLY).exists():
        return
    hour = moderation_mail.digest_hour(timezone.now())
    _, first = DigestHour.objects.get_or_create(hour=hour)
    if first:
        digest = tasks.email_held_digest.using(run_after=hour + timedelta(hours=1))
        digest.enqueue(hour.isoformat())


@transaction.atomic
def comment_edit(*, comment: Comment, body: str) -> Comment:
    """The author's new wording. An edit that adds links past COMMENT_MAX_LINKS or a disallowed
    word goes back to moderation like a new comment (held, or spam), and moderators are told;
    any other edit keeps the comment where it was."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    more_links = count_links(body) > max(count_links(comment.body), settings.COMMENT_MAX_LINKS)
    comment.body, comment.edited = body, timezone.now()
    if comment.by_coach:
        reason = None
    elif DisallowedWord.found_in(body):
        comment.status, reason = Status.SPAM, HeldReason.WORD
    elif more_links:
        comment.status, reason = Status.PENDING, HeldReason.LINKS
    else:
        reason = None
    if reason:
        comment.held_because = reason
        comment.moderators_emailed = False
        if comment.status == Status.PENDING:
            transaction.on_commit(lambda: _tell_moderators(comment.pk), robust=True)
    comment.save(update_fields=["body", "edited", "status", "held_because", "moderators_emailed"])
    return comment


@transaction.atomic
def comment_reply_as_coach(*, comment: Comment, moderator: User, body: str) -> Comment:
    """Publish a moderator's answer under the comment's thread, with the coach badge.

    Answering a comment that still waits (or was hidden by reports) publishes it too: the
    answer would make no sense under a question nobody can see.
    """
    root = comment.thread_root
    if not root.is_public:
        _approve(root)
    reply = Comment.objects.create(
        tip_id=root.tip_id,
        parent=root,
        user=moderator,
        name=moderator.public_name,
        email=moderator.email,
        body=body,
        status=Status.APPROVED,
        by_coach=True,
    )
    _notify_reply(reply)
    return reply


def _approve(comment: Comment) -> bool:
    """Publish (or un-hide) one comment; True when it was not approved before."""
    newly = comment.status != Status.APPROVED
    comment.status, comment.hidden = Status.APPROVED, False
    comment.report_count = comment.report_weight = 0
    comment.save(update_fields=["status", "hidden", "report_count", "report_weight"])
    return newly


@dataclass
class Moderated:
    """What a status change did: each comment changed (with its undoable record), the coach
    replies a bulk action left alone, and the "What's being asked" entries taken down."""

    actions: list[ModerationAction]
    skipped_coach: int = 0
    taken_down: list[Question] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.actions)


def _set_status(comment: Comment, status: str) -> bool:
    """One comment to `status`; approving also lifts a hide by reports. True if it changed."""
    if status == Status.APPROVED:
        was_hidden, was_held = comment.hidden, comment.status == Status.PENDING
        if _approve(comment):
            _notify_reply(comment)
            if was_held:
                _notify_published(comment)
            return True
        return was_hidden
    if comment.status == status:
        return False
    comment.status = status
    comment.save(update_fields=["status"])
    return True


def _take_down_promoted(comment: Comment) -> Question | None:
    """The thread's "What's being asked" entry, unpublished, when the comment spammed or
    rejected is its question or a coach answer in it: the public page must never show an
    answer that the thread no longer shows. The thread can be promoted again afterwards."""
    root = comment.thread_root
    if root.question_id is None or (comment.parent_id is not None and not comment.by_coach):
        return None
    entry = root.question
    entry.is_published = False
    entry.save(update_fields=["is_published"])
    Comment.objects.filter(pk=root.pk).update(question=None)
    root.question = None
    return entry


@transaction.atomic
def comment_moderate(
    *,
    comments: Iterable[Comment],
    status: str,
    moderator: User | None = None,
    include_coach: bool = True,
) -> Moderated:
    """Set the status of each comment; approving also lifts a hide by reports.

    Each comment is read again under a row lock, so a double click changes it (and mails)
    once. A reply that becomes approved notifies its thread's author, once. Spam and
    reject pass over coach replies unless `include_coach`, and take a promoted thread's
    entry off "What's being asked". Each change is recorded for undo.
    """
    if status not in Status.values:
        raise ValueError(f"Unknown comment status {status!r}.")
    ids = [comment.pk for comment in comments]
    locked = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("parent", "tip")
        .filter(pk__in=ids)
    )
    result = Moderated(actions=[])
    for comment in locked.order_by("pk"):
        if not include_coach and comment.by_coach and status in (Status.SPAM, Status.REJECTED):
            result.skipped_coach += 1
            continue
        before = ModerationAction(
            comment=comment,
            moderator=moderator,
            status=status,
            previous_status=comment.status,
            previous_hidden=comment.hidden,
            previous_report_count=comment.report_count,
            previous_report_weight=comment.report_weight,
        )
        if not _set_status(comment, status):
            continue
        before.save()
        result.actions.append(before)
        if status in (Status.SPAM, Status.REJECTED) and (entry := _take_down_promoted(comment)):
            result.taken_down.append(entry)
    return result


class LinkUsed(Refused):
    """An email link that has been used already: each works once."""


@transaction.atomic
def comment_moderate_from_link(
    *, comment: Comment, status: str, moderator: User, nonce: str
) -> Moderated:
    """A moderator's email link, used: its nonce is spent in the same transaction as the
    change, so two clicks at once change (and mail) once and the second is refused."""
    try:
        with transaction.atomic():
            UsedEmailLink.objects.create(nonce=nonce)
    except IntegrityError:
        raise LinkUsed("This link has been used already.") from None
    return comment_moderate(comments=[comment], status=status, moderator=moderator)


class NotUndoable(Refused):
    """The change is older than the undo window, undone already, or overtaken by another."""


@transaction.atomic
def comment_undo(*, action: ModerationAction, moderator: User) -> ModerationAction:
    """Put a comment back as it was before one of this moderator's changes.

    Refused when the change is not the moderator's, is older than UNDO_WINDOW, was undone
    already, or the comment has changed since (undoing would overwrite someone's later call).
    """
    action = (
        ModerationAction.objects.select_for_update()
        .undoable(moderator)
        .select_related("comment")
        .filter(pk=action.pk)
        .first()
    )
    if action is None:
        raise NotUndoable("That change can no longer be undone (ten minutes have passed).")
    comment = Comment.objects.select_for_update().get(pk=action.comment_id)
    later = comment.moderation_actions.filter(undone__isnull=True, created__gt=action.created)
    if comment.status != action.status or later.exists():
        raise NotUndoable("This comment has been changed since: that change cannot be undone.")
    comment.status = action.previous_status
    comment.hidden = action.previous_hidden
    comment.report_count = action.previous_report_count
    comment.report_weight = action.previous_report_weight
    comment.save(update_fields=["status", "hidden", "report_count", "report_weight"])
    action.undone = timezone.now()
    action.save(update_fields=["undone"])
    action.comment = comment
    return action


class NothingToBlock(Refused):
    """A comment without the email or address asked for (a coach's, or an old one)."""


@transaction.atomic
def commenter_block(
    *, comment: Comment, kind: str, moderator: User, expires: datetime | None
) -> Block:
    """Block the email or the network address a comment came from: new comments from it go
    to spam until `expires` (never, if None). Blocking again replaces the expiry."""
    value = comment.email_hash if kind == BlockKind.EMAIL else comment.ip_hash
    if not value:
        raise NothingToBlock(f"This comment has no {BlockKind(kind).label.lower()} to block.")
    block, _ = Block.objects.update_or_create(
        kind=kind,
        value_hash=value,
        defaults={
            "expires": expires,
            "label": f"{comment.name} (comment {comment.pk})"[:120],
            "created_by": moderator,
            "created": timezone.now(),
        },
    )
    return block


# What a trusted member's report weighs (see _report_weight); anyone else's weighs 1.
TRUSTED_REPORT_WEIGHT = 2


def _report_weight(user: User | None) -> int:
    """What one report weighs toward COMMENT_REPORTS_TO_HIDE.

    A trusted member (an approved comment, and an account at least COMMENT_REPORT_TRUSTED_DAYS
    old) weighs TRUSTED_REPORT_WEIGHT; a visitor, or a member who is new or has never been
    published, weighs 1: accounts are free to make, so a young one adds no more than a visit.
    """
    if user is None:
        return 1
    joined_before = timezone.now() - timedelta(days=settings.COMMENT_REPORT_TRUSTED_DAYS)
    if user.date_joined > joined_before:
        return 1
    published = Comment.objects.for_author(user).filter(status=Status.APPROVED).exists()
    return TRUSTED_REPORT_WEIGHT if published else 1


@transaction.atomic
def comment_report(
    *,
    comment: Comment,
    ip_hash: str,
    user: User | None = None,
    reason: str = ReportReason.OTHER,
    note: str = "",
) -> bool:
    """Record one reader's report; reports weighing COMMENT_REPORTS_TO_HIDE hide the comment.

    The reader is an address (`ip_hash`) and, for a member, an account: a report from an
    address or an account that reported this comment already is not counted. A coach's reply
    is never hidden: its reports put it at the head of the moderators' queue, where a moderator
    decides. Returns whether this report counted.
    """
    weight = _report_weight(user)
    try:
        with transaction.atomic():  # a savepoint: a second report is an answer, not a failure
            CommentReport.objects.create(
                comment=comment,
                ip_hash=ip_hash,
                user=user,
                weight=weight,
                reason=reason,
                note=note,
            )
            # One UPDATE counts and hides (its CASE reads the weight before this report), so
            # two reports at the same moment both count.
            threshold = settings.COMMENT_REPORTS_TO_HIDE - weight
            Comment.objects.filter(pk=comment.pk).update(
                report_count=F("report_count") + 1,
                report_weight=F("report_weight") + weight,
                hidden=Case(
                    When(by_coach=False, report_weight__gte=threshold, then=True),
                    default=F("hidden"),
                ),
            )
    except IntegrityError:
        return False
    was_hidden = comment.hidden
    comment.refresh_from_db(fields=["report_count", "report_weight", "hidden"])
    if comment.hidden and not was_hidden:
        bump_public_version()  # the UPDATE sent no post_save: retire the cached tip pages
    return True


class CommentNotPromotable(Refused):
    """The thread cannot go to "What's being asked": it is there already, or has no answer."""


@transaction.atomic
def comment_promote_to_question(
    *, comment: Comment, question: str = "", answer: str = ""
) -> Question:
    """Turn a reader's question and the coach's answer into a "What's being asked" entry.

    The asker's name is not carried over. By default the question is the comment's text and
    the answer the latest published coach reply; the moderator may pass edited wording.
    Raises CommentNotPromotable when the thread is there already or has no coach answer.
    """
    root = comment.thread_root
    if root.question_id is not None:
        raise CommentNotPromotable('This comment is already on "What\'s being asked".')
    if not answer:
        latest = root.replies.coach_answers().order_by("-created").first()
        if latest is None:
            raise CommentNotPromotable(
                "Answer it as coach first: a question needs an answer to go there."
            )
        answer = latest.body
    entry = Question.objects.create(
        question=question or root.body, answer=answer, tip_id=root.tip_id, is_published=True
    )
    root.question = entry
    root.save(update_fields=["question"])
    return entry


@transaction.atomic
def comment_unsubscribe(*, comment: Comment) -> None:
    comment.notify_on_reply = False
    comment.save(update_fields=["notify_on_reply"])


@transaction.atomic
def comment_anonymise_author(*, user: User) -> int:
    """Before an account is deleted: its published comments stay as "former member".

    Their email is erased; comments that were never published go. Returns how many stay.
    """
    Comment.objects.for_author(user).filter(~Q(status=Status.APPROVED)).delete()
    kept = (
        Comment.objects.for_author(user)
        .filter(status=Status.APPROVED)
        .update(user=None, name="Former member", email="", notify_on_reply=False, ip_hash="")
    )
    bump_public_version()  # the UPDATE sent no post_save: retire the cached tip pages
    return kept


def _same_author(a: Comment, b: Comment) -> bool:
    if a.user_id and b.user_id:
        return a.user_id == b.user_id
    return bool(a.email) and a.email.lower() == b.email.lower()


def _wrap(text: str) -> str:
    return "\n".join(textwrap.fill(line, width=72) for line in text.splitlines())


def _email_commenter(comment: Comment, *, subject: str, lines: list[str]) -> None:
    """A plain-text email to a commenter who asked for emails, with the one-click unsubscribe.

    Built here rather than in a template: nothing in it is ever read as HTML. It goes once the
    transaction commits (never for a rolled-back change); a mail server failure is logged, not
    shown to the moderator or reader who set it off.
    """
    unsubscribe_url = settings.SITE_URL + reverse(
        "comment_unsubscribe", args=[comment.unsubscribe_token()]
    )
    body = "\n".join(
        [
            f"Hello {comment.name},",
            "",
            *lines,
            "",
            "You get this email because you asked to hear about replies to your comment.",
            f"To stop these emails with one click: {unsubscribe_url}",
            "",
            "Lighter Legs",
        ]
    )
    message = EmailMessage(
        # One line whatever the names hold: a line break in a header would be refused.
        subject=" ".join(subject.split()),
        body=body,
        to=[comment.notification_email],
        headers={
            # RFC 8058: mail programs offer their own one-click unsubscribe button.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    transaction.on_commit(message.send, robust=True)


def _notify_published(comment: Comment) -> None:
    """Tell the author of a held comment that it is published, once, if they asked for
    emails (with the same one-click unsubscribe as reply notifications)."""
    if not comment.notify_on_reply or comment.told_published or not comment.notification_email:
        return
    comment.told_published = True
    comment.save(update_fields=["told_published"])
    _email_commenter(
        comment,
        subject=f'Your comment on "{comment.tip.title}" is published',
        lines=[
            f'Your comment on "{comment.tip.title}" has been approved and is published:',
            "",
            textwrap.indent(_wrap(comment.body), "  "),
            "",
            f"Read it: {settings.SITE_URL}{comment.get_absolute_url()}",
        ],
    )


def _notify_reply(reply: Comment) -> None:
    """Email the thread's author about a published reply, if they asked and did not write it."""
    parent = reply.parent
    if (
        parent is None
        or reply.status != Status.APPROVED
        or not parent.notify_on_reply
        or parent.status != Status.APPROVED
        or _same_author(parent, reply)
        or not parent.notification_email
    ):
        return
    _email_commenter(
        parent,
        subject=f'{reply.name} replied to your comment on "{reply.tip.title}"',
        lines=[
            f"{reply.name}{' (coach)' if reply.by_coach else ''} replied to your comment on "
            f'"{reply.tip.title}":',
            "",
            textwrap.indent(_wrap(reply.body), "  "),
            "",
            f"Read the thread: {settings.SITE_URL}{parent.get_absolute_url()}",
        ],
    )


@transaction.atomic
def moderators_group_sync() -> Group:
    """The Moderators group with exactly its comment permissions (as the data migration)."""
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="legs", codename__in=MODERATOR_PERMISSIONS
        )
    )
    return group


@transaction.atomic
def moderator_make(*, user: User) -> User:
    """Make a member a moderator: staff (to reach the admin) in the Moderators group."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(moderators_group_sync())
    return user
