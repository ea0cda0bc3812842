"""Guided checklists (Before, During, After your run) and the heavy-legs troubleshooter.

A checklist is an ordered list of steps, some of them timed. The troubleshooter is a graph kept as
data: questions, each with answers; an answer either leads to a next question or ends the
questions, and it names the causes it points to and, when it applies, a triage level. Walking
the graph, checking it and ranking the result is the engine's work (``legs.troubleshooter``).

A run (``ChecklistRun``) is one member's go at a checklist or the troubleshooter: the steps ticked,
the answers given in order. Visitors keep the same state in their session (``legs.progress``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from legs import formats
from legs.troubleshooter import ENDING_TRIAGE, Triage

from .tips import Cause, Tip

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

# Caroline's article: hold each static stretch "for roughly 20 to 45 seconds".
STRETCH_MIN_SECONDS = 20
STRETCH_MAX_SECONDS = 45
STRETCH_DEFAULT_SECONDS = 30
# A timer longer than an hour is a typing mistake, not a warm-up.
TIMER_MAX_SECONDS = 60 * 60

# A URL word under /checklists/ that a checklist slug must not take.
RESERVED_SLUGS = frozenset({"runs"})


class ChecklistKind(models.TextChoices):
    CHECKLIST = "checklist", "Checklist"
    TROUBLESHOOTER = "troubleshooter", "Troubleshooter"


class ChecklistQuerySet(models.QuerySet):
    def checklists(self) -> ChecklistQuerySet:
        return self.filter(kind=ChecklistKind.CHECKLIST)

    def troubleshooters(self) -> ChecklistQuerySet:
        return self.filter(kind=ChecklistKind.TROUBLESHOOTER)


class Checklist(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    kind = models.CharField(
        max_length=16, choices=ChecklistKind.choices, default=ChecklistKind.CHECKLIST
    )
    summary = models.CharField(max_length=300, help_text="One or two sentences on the list page.")
    order = models.PositiveSmallIntegerField(default=0)
    # Named by a flag rather than by the "after-your-run" slug, so renaming the checklist (or
    # adding, say, an after-the-race one) in the admin does not silently change the rule.
    attaches_to_run = models.BooleanField(
        "can be linked to a diary run",
        default=False,
        help_text=(
            "Members can link a finished run of this checklist to a run in their diary "
            "(After your run)."
        ),
    )

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        indexes = [models.Index(fields=["kind", "order"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ChecklistKind.CHECKLIST) | Q(attaches_to_run=False),
                name="checklist_only_checklists_attach_to_runs",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("checklist_detail", args=[self.slug])

    @property
    def is_on_site(self) -> bool:
        """Whether a visitor sees it at get_absolute_url() (the admin's "view on site")."""
        return True

    @property
    def is_troubleshooter(self) -> bool:
        return self.kind == ChecklistKind.TROUBLESHOOTER

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is a page of its own: pick another."})
        if self.is_troubleshooter and self.attaches_to_run:
            raise ValidationError(
                {"attaches_to_run": "Only a checklist can be linked to a diary run."}
            )
        if self.pk is None:
            return
        if self.is_troubleshooter and self.steps.exists():
            raise ValidationError(
                {"kind": "This checklist has steps: remove them before making it a troubleshooter."}
            )
        if not self.is_troubleshooter and self.questions.exists():
            raise ValidationError({"kind": "This troubleshooter has questions: remove them first."})


class StepKind(models.TextChoices):
    TASK = "task", "Task (no timer)"
    STRETCH = "stretch", "Static stretch (20–45 s timer)"
    TIMED = "timed", "Timed activity (e.g. a 10-minute cool-down)"


class ChecklistStep(models.Model):
    checklist = models.ForeignKey(
        Checklist,
        on_delete=models.CASCADE,
        related_name="steps",
        limit_choices_to={"kind": ChecklistKind.CHECKLIST},
    )
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=160, help_text="A short instruction: what to do now.")
    why = models.TextField(help_text="Why it helps, in a sentence or two. Plain text.")
    tip = models.ForeignKey(
        Tip,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checklist_steps",
        help_text="The tip that explains this step.",
    )
    kind = models.CharField(max_length=8, choices=StepKind.choices, default=StepKind.TASK)
    duration_seconds = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=(
            f"Timer length. Stretches: {STRETCH_MIN_SECONDS}–{STRETCH_MAX_SECONDS} s, "
            f"{STRETCH_DEFAULT_SECONDS} s when left empty; on the site each runner holds every "
            "stretch for the time they choose (20, 30 or 45 s). Empty for tasks."
        ),
    )
    each_side = models.BooleanField(
        "held on each side",
        default=False,
        help_text="A stretch held on the left, then on the right (the guided timer says switch).",
    )
    opens_checklist = models.ForeignKey(
        Checklist,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A checklist or troubleshooter this step links to (e.g. the pain check).",
    )

    class Meta:
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["checklist", "order"])]
        constraints = [
            # The database keeps the hard limits; the 20–45 s stretch range is editorial advice
            # from the article, checked in clean() so the admin explains it.
            models.CheckConstraint(
                condition=(
                    Q(kind=StepKind.TASK, duration_seconds__isnull=True)
                    | (
                        ~Q(kind=StepKind.TASK)
                        # isnull=False spelt out: a CHECK on NULL >= 1 would pass.
                        & Q(
                            duration_seconds__isnull=False,
                            duration_seconds__gte=1,
                            duration_seconds__lte=TIMER_MAX_SECONDS,
                        )
                    )
                ),
                name="checklist_step_timer_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_timed(self) -> bool:
        return self.duration_seconds is not None

    @property
    def is_stretch(self) -> bool:
        return self.kind == StepKind.STRETCH

    @property
    def duration_display(self) -> str:
        """The timer's starting face, minutes:seconds ("0:30", "10:00")."""
        return formats.minutes_seconds(self.duration_seconds or 0)

    def clean(self) -> None:
        if self.kind == StepKind.STRETCH and self.duration_seconds is None:
            self.duration_seconds = STRETCH_DEFAULT_SECONDS
        if self.kind == StepKind.TASK and self.duration_seconds is not None:
            raise ValidationError(
                {"duration_seconds": "A task has no timer: leave this empty or pick a timed kind."}
            )
        if self.each_side and self.kind != StepKind.STRETCH:
            raise ValidationError({"each_side": "Only a stretch is held on each side."})
        if self.kind == StepKind.TIMED and self.duration_seconds is None:
            raise ValidationError({"duration_seconds": "A timed activity needs its length."})
        if self.kind == StepKind.STRETCH and not (
            STRETCH_MIN_SECONDS <= self.duration_seconds <= STRETCH_MAX_SECONDS
        ):
            raise ValidationError(
                {
                    "duration_seconds": (
                        f"Hold a static stretch for {STRETCH_MIN_SECONDS} to "
                        f"{STRETCH_MAX_SECONDS} seconds."
                    )
                }
            )
        if (
            self.kind == StepKind.TIMED
            and self.duration_seconds is not None
            and not 1 <= self.duration_seconds <= TIMER_MAX_SECONDS
        ):
            raise ValidationError(
                {"duration_seconds": f"A timer runs from 1 to {TIMER_MAX_SECONDS} seconds."}
            )
        if self.checklist_id and self.checklist.is_troubleshooter:
            raise ValidationError("A troubleshooter has questions, not steps.")


class TroubleshooterQuestionQuerySet(models.QuerySet):
    def graph(self) -> TroubleshooterQuestionQuerySet:
        """The questions with their answers: all the troubleshooter engine walks, so it never
        goes back to the database. The causes behind the answers are loaded apart, for the few
        answers a result is drawn from (``with_causes``): loading them for every answer of the
        graph was most of each troubleshooter page's time."""
        return self.prefetch_related("answers")


def with_causes(answers: Sequence[TroubleshooterAnswer]) -> None:
    """Load each answer's causes and their published tips, in two queries whatever the number
    of answers (none for answers that already hold them)."""
    prefetch_related_objects(
        list(answers),
        Prefetch(
            "causes",
            queryset=Cause.objects.prefetch_related(
                Prefetch("tips", queryset=Tip.objects.published())
            ),
        ),
    )


class TroubleshooterQuestion(models.Model):
    checklist = models.ForeignKey(
        Checklist,
        on_delete=models.CASCADE,
        related_name="questions",
        limit_choices_to={"kind": ChecklistKind.TROUBLESHOOTER},
    )
    slug = models.SlugField(help_text="Shown in the address bar: ?q=<slug>.")
    text = models.CharField(max_length=200)
    help_text = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(
        default=0, help_text="The question with the lowest order is the first one asked."
    )

    objects = TroubleshooterQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "slug"], name="troubleshooter_question_unique_slug"
            )
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.checklist_id and not self.checklist.is_troubleshooter:
            raise ValidationError({"checklist": "Questions belong to a troubleshooter."})


class TroubleshooterAnswer(models.Model):
    question = models.ForeignKey(
        TroubleshooterQuestion, on_delete=models.CASCADE, related_name="answers"
    )
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=200)
    next_question = models.ForeignKey(
        TroubleshooterQuestion,
        # A question others lead to cannot be deleted alone (that would leave dead ends), but
        # deleting a whole troubleshooter may take its questions and answers with it.
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="arrivals",
        help_text="Where this answer leads. Empty only when the answer ends the questions.",
    )
    ends = models.BooleanField(
        default=False,
        help_text=(
            "This answer ends the questions and shows the result. Emergency and urgent answers "
            "always end."
        ),
    )
    triage = models.CharField(max_length=12, choices=Triage.choices, blank=True)
    advice = models.TextField(
        blank=True,
        help_text=(
            "What this answer can mean and what to do, shown beside it in the result. "
            "Emergency and urgent answers must say it: each red flag explains itself."
        ),
    )
    causes = models.ManyToManyField(Cause, related_name="troubleshooter_answers", blank=True)

    class Meta:
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["question", "order"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(ends=True, next_question__isnull=True)
                    | Q(ends=False, next_question__isnull=False)
                ),
                name="troubleshooter_answer_ends_or_leads_on",
            ),
            models.CheckConstraint(
                condition=~Q(triage__in=ENDING_TRIAGE) | Q(ends=True),
                name="troubleshooter_answer_urgent_triage_ends",
            ),
            models.CheckConstraint(
                condition=~Q(triage__in=ENDING_TRIAGE) | ~Q(advice=""),
                name="troubleshooter_answer_red_flag_explained",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.triage in ENDING_TRIAGE:
            self.ends = True
            if not self.advice.strip():
                raise ValidationError(
                    {"advice": "Say what this red flag can mean and what to do about it."}
                )
        if self.ends and self.next_question_id:
            raise ValidationError(
                {"next_question": "An answer that ends the questions leads nowhere: clear this."}
            )
        if not self.ends and not self.next_question_id:
            raise ValidationError(
                {
                    "next_question": (
                        "Dead end: choose the question this answer leads to, or tick “ends”."
                    )
                }
            )
        if (
            self.next_question_id
            and self.question_id
            and self.next_question.checklist_id != self.question.checklist_id
        ):
            raise ValidationError(
                {"next_question": "The next question must belong to the same troubleshooter."}
            )


# --- Members' saved runs


class ChecklistRunQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> ChecklistRunQuerySet:
        """A member's own runs only: the one way views fetch runs, so others' ids are a 404."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def latest_for(self, checklist: Checklist) -> ChecklistRun | None:
        """The run a checklist page shows: the newest one, finished or not."""
        return (
            self.filter(checklist=checklist)
            .order_by("-started", "-pk")
            .select_related("diary_run")
            .prefetch_related("answer_rows" if checklist.is_troubleshooter else "ticks")
            .first()
        )

    def with_counts(self) -> ChecklistRunQuerySet:
        """Each run with its checklist, its ticks, its checklist's steps and its answers counted.

        Counted in correlated subqueries, not joins: a join of ticks × steps × answers grouped
        over all of a member's runs would be built in full before a page takes its newest few.
        """
        return self.select_related("checklist").annotate(**_run_counts())

    def for_listing(self) -> ChecklistRunQuerySet:
        """Runs worth listing ("My checklists", the diary), counted, with the linked diary run.

        A run in progress with nothing ticked or answered yet is left out: it is noise.
        """
        return (
            self.with_counts()
            .select_related("diary_run")
            .exclude(Q(finished__isnull=True) & Q(ticked_count=0) & Q(answer_count=0))
        )

    def attachable(self) -> ChecklistRunQuerySet:
        """Finished runs of a checklist meant to be linked to a diary run (After your run)."""
        return self.filter(checklist__attaches_to_run=True, finished__isnull=False)


@functools.cache
def _run_counts() -> dict[str, Coalesce]:
    """The counts' expressions, built once: a query resolves its own copy of each, and building
    their three subqueries was most of the time the diary's few listed runs took."""
    return {
        "ticked_count": _related_count(ChecklistRunStep, "run"),
        "step_count": _related_count(ChecklistStep, "checklist", outer="checklist_id"),
        "answer_count": _related_count(ChecklistRunAnswer, "run"),
    }


def _related_count(model: type[models.Model], field: str, *, outer: str = "pk") -> Coalesce:
    """How many ``model`` rows point (by ``field``) at the outer row's ``outer`` column."""
    rows = (
        model.objects.filter(**{field: OuterRef(outer)})
        .order_by()
        .values(field)
        .annotate(count=models.Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows), 0)


class ChecklistRun(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checklist_runs"
    )
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="runs")
    started = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)
    ticked_steps = models.ManyToManyField(
        ChecklistStep, through="ChecklistRunStep", related_name="runs", blank=True
    )
    notes = models.TextField(blank=True, max_length=2000)
    # The diary run this checklist went with (After your run). Deleting the diary run keeps the
    # checklist run, unlinked: it is still the member's record of what they did.
    diary_run = models.ForeignKey(
        "legs.Run",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checklist_runs",
        verbose_name="diary run",
    )

    objects = ChecklistRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started", "-pk"]
        indexes = [
            models.Index(fields=["user", "checklist", "-started"]),
            models.Index(fields=["user", "-started"]),
        ]
        constraints = [
            # One run in progress per member and checklist: a double-click cannot open two.
            models.UniqueConstraint(
                fields=["user", "checklist"],
                condition=Q(finished__isnull=True),
                name="checklist_run_one_open",
            ),
            models.CheckConstraint(
                condition=Q(finished__isnull=True) | Q(finished__gte=models.F("started")),
                name="checklist_run_finished_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checklist} by {self.user} on {self.started:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("checklist_run_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.finished is not None


class ChecklistRunStep(models.Model):
    run = models.ForeignKey(ChecklistRun, on_delete=models.CASCADE, related_name="ticks")
    step = models.ForeignKey(ChecklistStep, on_delete=models.CASCADE, related_name="ticks")
    ticked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["ticked_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "step"], name="checklist_run_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.step} ticked"


class ChecklistRunAnswer(models.Model):
    """One troubleshooter answer in a run, at its place in the order they were given."""

    run = models.ForeignKey(ChecklistRun, on_delete=models.CASCADE, related_name="answer_rows")
    position = models.PositiveSmallIntegerField()
    answer = models.ForeignKey(
        TroubleshooterAnswer, on_delete=models.CASCADE, related_name="run_rows"
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "position"], name="checklist_run_answer_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.answer}"
