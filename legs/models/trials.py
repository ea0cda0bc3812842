"""Try a tip: a member's trials of a tip (served under /diary/experiments/).

A trial is a tip, a start day and a length; its last day is stored beside them so "running"
is one indexed filter. The result is worked out from the diary each time it is shown
(``legs.trials``), so editing an entry of those days changes it, as it should.
"""

from __future__ import annotations

import datetime
import inspect
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from accounts.models import User
from legs import diary_cache, trials
from legs.models.diary import EARLIEST_DATE, CheckIn, Run
from legs.models.tips import Tip


class TrialLength(models.IntegerChoices):
    WEEK = 7, "7 days"
    TWO_WEEKS = 14, "14 days"
    THREE_WEEKS = 21, "21 days"
    FOUR_WEEKS = 28, "28 days"


class TrialQuerySet(models.QuerySet):
    def for_user(self, user: User) -> TrialQuerySet:
        """A member's own trials with their tips (never anyone else's)."""
        return self.filter(user=user).select_related("tip")

    def running(self, today: datetime.date) -> TrialQuerySet:
        return self.filter(stopped_on__isnull=True, last_day__gte=today)


class Trial(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trials"
    )
    # An editor deleting a tip that members have tried is refused (unpublish it instead): the
    # members' trials are theirs.
    tip = models.ForeignKey(Tip, on_delete=models.PROTECT, related_name="trials")
    start = models.DateField()
    length_days = models.PositiveSmallIntegerField("length", choices=TrialLength.choices)
    last_day = models.DateField(editable=False, help_text="start + length - 1, set on save.")
    stopped_on = models.DateField(
        null=True, blank=True, help_text="The last day of a trial stopped before its end."
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = TrialQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-pk"]
        indexes = [
            models.Index(fields=["user", "-start"], name="trial_user_start"),
            models.Index(fields=["user", "last_day"], name="trial_user_last_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(length_days__in=trials.LENGTHS), name="trial_length_choices"
            ),
            models.CheckConstraint(condition=Q(start__gte=EARLIEST_DATE), name="trial_start_min"),
            models.CheckConstraint(condition=Q(last_day__gte=F("start")), name="trial_last_day"),
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True)
                | Q(stopped_on__gte=F("start"), stopped_on__lte=F("last_day")),
                name="trial_stopped_within",
            ),
            # One running trial per tip is the service's rule (``services.trial_start``); the
            # database catches the double click that starts two on the same day.
            models.UniqueConstraint(fields=["user", "tip", "start"], name="trial_one_start_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.tip} for {self.length_days} days from {self.start:%d %b %Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.last_day = self.start + timedelta(self.length_days - 1)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "last_day"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("trial_detail", args=[self.pk])

    def is_running(self, today: datetime.date) -> bool:
        return self.stopped_on is None and self.last_day >= today

    def stop(self, today: datetime.date) -> None:
        """End a running trial today; its result is then over the days it ran."""
        if self.is_running(today):
            self.stopped_on = max(today, self.start)
            self.save(update_fields=["stopped_on"])

    def so_far(self, today: datetime.date) -> trials.Span:
        return trials.so_far(
            start=self.start, last_day=self.last_day, stopped_on=self.stopped_on, today=today
        )

    def day_number(self, today: datetime.date) -> int:
        """Day n of the trial (1 on its first day), for a running trial."""
        return self.so_far(today).days

    @property
    def habit(self) -> trials.Habit:
        return trials.Habit(self.tip.trial_habit)


def diary_for_trials(user: User, spans: list[trials.Span]) -> tuple[list[Run], list[CheckIn]]:
    """The runs and check-ins the results of trials over ``spans`` read, in two queries: only
    the days each reads (``trials.reads_from``), whatever the length of the diary."""
    if not spans:
        return [], []
    days = reduce(
        or_, (Q(date__gte=trials.reads_from(span), date__lte=span.last) for span in spans)
    )
    runs = Run.objects.for_user(user).filter(days).only(*inspect.get_annotations(trials.RunLike))
    checkins = (
        CheckIn.objects.for_user(user)
        .filter(days)
        .only(*inspect.get_annotations(trials.CheckInLike))
    )
    return list(runs.order_by("date", "id")), list(checkins.order_by("date"))


@dataclass(frozen=True)
class TrialReport:
    """A trial as of ``today``, with its result so far (or only how often it was done)."""

    trial: Trial
    today: datetime.date
    result: trials.Result | None = None
    adherence: trials.Adherence | None = None
    muddled_by: tuple[Trial, ...] = ()  # the member's other trials over the same days

    @property
    def running(self) -> bool:
        return self.trial.is_running(self.today)

    @property
    def day(self) -> int:
        return self.trial.day_number(self.today)

    @property
    def so_far(self) -> trials.Span:
        return self.trial.so_far(self.today)


def trial_reports(
    user: User,
    today: datetime.date,
    page: list[Trial],
    *,
    results: bool = True,
    diary: tuple[list[Run], list[CheckIn]] | None = None,
) -> list[TrialReport]:
    """Reports on the member's trials in ``page``, in three queries at most whatever their
    number or the diary's length: the days their results read (none when every result is
    cached), and the member's trials near them.

    ``results=False`` (the dashboard) gives how often each was done, without the comparison
    and its permutation test; ``diary`` is then the runs and check-ins the caller has already
    read (those of the ``trials.reads_from`` days at least), and no query is made.
    """
    spans = {trial.pk: trial.so_far(today) for trial in page}
    if not results:
        runs, checkins = diary or diary_for_trials(user, list(spans.values()))
        return [
            TrialReport(
                trial,
                today,
                adherence=trials.adherence(
                    trial.habit, span=spans[trial.pk], runs=runs, checkins=checkins
                ),
            )
            for trial in page
        ]
    outcomes = _results(user, page, spans)
    nearby = _nearby(user, today, list(spans.values()))
    reports = []
    for trial in page:
        result = outcomes[trial.pk]
        compared = trials.Span(result.baseline.first, spans[trial.pk].last)
        muddled_by = tuple(
            other
            for other in nearby
            if other.pk != trial.pk and other.so_far(today).overlaps(compared)
        )
        reports.append(TrialReport(trial, today, result, result.adherence, muddled_by))
    return reports


def _results(
    user: User, page: list[Trial], spans: dict[int, trials.Span]
) -> dict[int, trials.Result]:
    """Each trial's result, worked out from the diary only for the trials whose result is not
    cached: a result reads nothing but the member's diary (retired with its stamp), the trial's
    habit, its days so far and its seed (its pk), and the key holds them all."""
    keys = {
        trial.pk: diary_cache.key(
            "trial", user, trial.pk, trial.habit, spans[trial.pk].first, spans[trial.pk].last
        )
        for trial in page
    }
    cached = diary_cache.get_many(list(keys.values()))
    outcomes = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [trial for trial in page if trial.pk not in outcomes]
    if missing:
        runs, checkins = diary_for_trials(user, [spans[trial.pk] for trial in missing])
        for trial in missing:
            outcomes[trial.pk] = trials.result(
                trial.habit, span=spans[trial.pk], runs=runs, checkins=checkins, seed=trial.pk
            )
            diary_cache.put(keys[trial.pk], outcomes[trial.pk])
    return outcomes


def _nearby(user: User, today: datetime.date, spans: list[trials.Span]) -> list[Trial]:
    """The member's trials that may overlap the spans or the days before them."""
    if not spans:
        return []
    first = min(span.before().first for span in spans)
    last = max(span.last for span in spans)
    return list(Trial.objects.for_user(user).filter(start__lte=last, last_day__gte=first))
