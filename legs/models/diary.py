"""The private run-and-recovery diary: runs and daily check-ins, each owned by one member.

Distances are stored in kilometres (exactly as typed, see ``Run.distance_km``) and converted to
the member's unit (km or mi) only at the edges: forms, templates, CSV. Durations are whole
seconds. "Today" is the member's own date in their time zone (`member_today`), so a run logged
late in the evening in Sydney is not "in the future" for a server in London.
"""

from __future__ import annotations

import datetime
import inspect
import zoneinfo
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.models import Count, F, Func, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek, TruncYear
from django.utils import timezone

from accounts.models import User
from legs import trials
from legs.formats import distance, km_to
from legs.insights import WINDOW_DAYS, CheckInLike, RunLike

EARLIEST_DATE = datetime.date(1900, 1, 1)
MAX_DISTANCE_KM = Decimal(500)
MAX_DURATION = timedelta(hours=48)
MAX_EXTRA_MINUTES = 240  # warm-up or cool-down longer than 4 hours is a typing slip
MAX_WATER_ML = 10_000
MAX_SLEEP_HOURS = Decimal(24)
MAX_IRON_RICH_MEALS = 10
NOTES_MAX_LENGTH = 2000
# Imported runs: anything outside these is a recording glitch, not a run.
HEART_RATE_RANGE = (20, 250)
CADENCE_RANGE = (40, 260)  # steps per minute, both feet
MAX_CLIMB_M = 20_000
SOURCE_ID_MAX_LENGTH = 100
# A member's diary holds at most this many runs: 40 years of daily runs, with room to spare; an
# import stops there with a message rather than growing one member's data without end.
MAX_RUNS_PER_MEMBER = 50_000


def member_zone(user: User) -> zoneinfo.ZoneInfo:
    """The member's time zone (the site's if their profile names one this system lacks)."""
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def member_today(user: User) -> datetime.date:
    """Today's date where the member lives (their profile's time zone)."""
    return timezone.localdate(timezone=member_zone(user))


class RunKind(models.TextChoices):
    EASY = "easy", "Easy"
    LONG = "long", "Long"
    INTERVALS = "intervals", "Intervals"
    TEMPO = "tempo", "Tempo"
    RACE = "race", "Race"
    RECOVERY = "recovery", "Recovery"


class Surface(models.TextChoices):
    ROAD = "road", "Road"
    TREADMILL = "treadmill", "Treadmill"
    TRAIL = "trail", "Trail"
    TRACK = "track", "Track"


class RunSource(models.TextChoices):
    """Where a run came from: typed in, a CSV, or a watch's activity file."""

    MANUAL = "manual", "Typed in"
    CSV = "csv", "Lighter Legs CSV"
    GPX = "gpx", "GPX file"
    TCX = "tcx", "TCX file"
    FIT = "fit", "FIT file"
    STRAVA = "strava", "Strava export"


class SessionRPE(models.IntegerChoices):
    """Foster's modified 0-10 (CR-10) scale for the whole session; 6, 8 and 9 carry no words."""

    REST = 0, "0 · Rest"
    VERY_VERY_EASY = 1, "1 · Very, very easy"
    EASY = 2, "2 · Easy"
    MODERATE = 3, "3 · Moderate"
    SOMEWHAT_HARD = 4, "4 · Somewhat hard"
    HARD = 5, "5 · Hard"
    SIX = 6, "6"
    VERY_HARD = 7, "7 · Very hard"
    EIGHT = 8, "8"
    NINE = 9, "9"
    MAXIMAL = 10, "10 · Maximal"


class Heaviness(models.IntegerChoices):
    """Lighter Legs' own 0-10 heaviness scale (not a validated clinical scale)."""

    NONE = 0, "0 · Light, fresh legs"
    ONE = 1, "1"
    SLIGHT = 2, "2 · Slightly heavy"
    THREE = 3, "3"
    NOTICEABLE = 4, "4 · Noticeably heavy"
    HEAVY = 5, "5 · Heavy"
    SIX = 6, "6"
    VERY_HEAVY = 7, "7 · Very heavy"
    EIGHT = 8, "8"
    NINE = 9, "9"
    WORST = 10, "10 · Like running in wet sand"


class PainScore(models.IntegerChoices):
    """The usual 0-10 numeric pain rating."""

    NONE = 0, "0 · No pain"
    ONE = 1, "1"
    TWO = 2, "2 · Mild"
    THREE = 3, "3"
    FOUR = 4, "4"
    MODERATE = 5, "5 · Moderate"
    SIX = 6, "6"
    SEVERE = 7, "7 · Severe"
    EIGHT = 8, "8"
    NINE = 9, "9"
    WORST = 10, "10 · Worst imaginable"


class Hooper(models.IntegerChoices):
    """Hooper index 1-7 for soreness, fatigue and stress (1 is best)."""

    VERY_VERY_LOW = 1, "1 · Very, very low"
    VERY_LOW = 2, "2 · Very low"
    LOW = 3, "3 · Low"
    AVERAGE = 4, "4 · Average"
    HIGH = 5, "5 · High"
    VERY_HIGH = 6, "6 · Very high"
    VERY_VERY_HIGH = 7, "7 · Very, very high"


class RecoveryAction(models.TextChoices):
    STRETCHING = "stretching", "Stretching"
    FOAM_ROLLING = "foam_rolling", "Foam rolling"
    MASSAGE = "massage", "Massage"
    REST = "rest", "Rest"
    ICE = "ice", "Ice"
    COMPRESSION = "compression", "Compression"
    ELEVATION = "elevation", "Elevation (legs up)"
    BATH = "bath", "Bath"
    HERBAL_GEL = "herbal_gel", "Herbal gel"
    COMPRESSION_SOCKS = "compression_socks", "Compression socks"


# How the totals group entries: a week starts on Monday on every database.
PERIOD_TRUNCS = {"week": TruncWeek, "month": TruncMonth, "year": TruncYear}
# The same in SQLite's own date(): Django's Trunc* call a Python function per row there, which
# over a five-year diary made the totals page's sums five times slower than the database's.
SQLITE_PERIOD_STARTS = {
    "week": "date(%(expressions)s, 'weekday 0', '-6 days')",  # the Sunday ending it, less 6
    "month": "date(%(expressions)s, 'start of month')",
    "year": "date(%(expressions)s, 'start of year')",
}


def _period_start(period: str, db: str) -> Func:
    """The first day of each entry's week (its Monday), month or year."""
    if connections[db].vendor == "sqlite":
        template = SQLITE_PERIOD_STARTS[period]
        return Func(F("date"), template=template, output_field=models.DateField())
    return PERIOD_TRUNCS[period]("date")


def _range(field: str, low: object, high: object) -> Q:
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


class DiaryQuerySet(models.QuerySet):
    """Reads shared by runs and check-ins: always through the owner, bounded by date. Each
    kind of entry says in ``_sums()`` what its ``totals()`` add up."""

    _sums: Callable[[], dict[str, Any]]

    def for_user(self, user: User) -> DiaryQuerySet:
        return self.filter(user=user)

    def in_window(self, today: datetime.date) -> DiaryQuerySet:
        """Entries the insight rules read: the WINDOW_DAYS days up to and including today."""
        return self.filter(date__gt=today - timedelta(WINDOW_DAYS), date__lte=today)

    def between(self, start: datetime.date, end: datetime.date) -> DiaryQuerySet:
        """Entries from start to end, both included."""
        return self.filter(date__gte=start, date__lte=end)

    def totals(
        self,
        period: str,
        start: datetime.date | None = None,
        end: datetime.date | None = None,
    ) -> dict[datetime.date, dict[str, Any]]:
        """This kind of entry's ``_sums()`` per week, month or year (``period``), computed in the
        database, newest first, keyed by the period's first day (weeks start on Monday); only
        entries from start to end when they are given."""
        return {start: _with_mean(sums) for start, sums in self._summed(period, start, end).items()}

    def months_and_years(
        self, end: datetime.date
    ) -> tuple[dict[datetime.date, dict[str, Any]], dict[datetime.date, dict[str, Any]]]:
        """``totals("month", end=end)`` and ``totals("year", end=end)`` from one grouped query:
        a year's sums are its months' (its mean heaviness their rated entries' sum over their
        count), so the whole diary is read once, not twice."""
        months = self._summed("month", None, end)
        years: dict[datetime.date, dict[str, Any]] = {}
        for month, sums in months.items():
            year = years.setdefault(month.replace(month=1), {})
            for name, value in sums.items():
                year[name] = _plus(year.get(name), value)
        return (
            {start: _with_mean(sums) for start, sums in months.items()},
            {start: _with_mean(sums) for start, sums in years.items()},
        )

    def _summed(
        self, period: str, start: datetime.date | None, end: datetime.date | None
    ) -> dict[datetime.date, dict[str, Any]]:
        """``_sums()`` per period, with the rated entries' heaviness summed and counted (see
        ``_with_mean``), newest first."""
        entries = self.filter(date__gte=start or EARLIEST_DATE)
        if end is not None:
            entries = entries.filter(date__lte=end)
        rows = (
            entries.annotate(period=_period_start(period, entries.db))
            .values("period")
            .annotate(
                **self._sums(),
                heaviness_sum=Sum("leg_heaviness"),
                rated=Count("leg_heaviness"),
            )
            .order_by("-period")
        )
        return {_as_date(row.pop("period")): row for row in rows}


def _plus(total: Any, value: Any) -> Any:
    """Two sums added, where None is a sum of nothing (SQL's SUM over no values)."""
    return value if total is None else total if value is None else total + value


def _with_mean(sums: dict[str, Any]) -> dict[str, Any]:
    """A period's totals as shown: the mean heaviness of its rated entries (None without any)
    in place of their sum and count."""
    totals = dict(sums)
    heaviness, rated = totals.pop("heaviness_sum"), totals.pop("rated")
    totals["heaviness"] = heaviness / rated if rated else None
    return totals


class RunQuerySet(DiaryQuerySet):
    def for_insights(self) -> RunQuerySet:
        """Only the columns the rules and charts read (notes can be long): those the rules
        declare in ``insights.RunLike``."""
        return self.only(*inspect.get_annotations(RunLike)).order_by("date", "id")

    def for_dashboard(self) -> RunQuerySet:
        """The columns the insight rules, the charts and the running trials' counts read, so
        the dashboard reads its runs once for all three (oldest first)."""
        return self.only(*_columns(RunLike, trials.RunLike)).order_by("date", "id")

    def for_calendar(self) -> RunQuerySet:
        """The columns a calendar day shows, oldest first within a day."""
        return self.only("date", "distance_km", "duration", "kind", "leg_heaviness").order_by(
            "date", "id"
        )

    def waiting_for_effort(self) -> RunQuerySet:
        """Imported runs still without the runner's effort or heaviness, newest first, unless
        the runner said not to ask (these are never guessed: only the runner knows them)."""
        return (
            self.exclude(source=RunSource.MANUAL)
            .filter(Q(rpe__isnull=True) | Q(leg_heaviness__isnull=True), effort_dismissed=False)
            .order_by("-date", "-id")
        )

    def near(self, day: datetime.date) -> RunQuerySet:
        """Runs the day before, on, or after ``day``: where an imported run's twin can be (a
        start time within a minute can fall on the next date where the member lives)."""
        return self.filter(date__gte=day - timedelta(1), date__lte=day + timedelta(1))

    def _sums(self) -> dict[str, Any]:
        """A period's distance (km), time and number of runs (``totals`` adds the mean heaviness
        during its runs)."""
        return {"km": Sum("distance_km"), "time": Sum("duration"), "runs": Count("id")}


class CheckInQuerySet(DiaryQuerySet):
    def for_insights(self) -> CheckInQuerySet:
        """The columns the rules declare in ``insights.CheckInLike``."""
        return self.only(*inspect.get_annotations(CheckInLike)).order_by("date")

    def for_dashboard(self) -> CheckInQuerySet:
        """As ``RunQuerySet.for_dashboard``: what the rules, the charts and the trials read."""
        return self.only(*_columns(CheckInLike, trials.CheckInLike)).order_by("date")

    def for_calendar(self) -> CheckInQuerySet:
        """The columns a calendar day shows of its check-in."""
        return self.only("date", "sleep_hours", "leg_heaviness", "rest_day")

    def _sums(self) -> dict[str, Any]:
        """A period's number of check-ins (``totals`` adds the mean heaviness on waking)."""
        return {"checkins": Count("id")}


def _columns(*protocols: type) -> list[str]:
    """The fields the duck-typed readers declare (``RunLike`` and the like), each once."""
    return list(dict.fromkeys(name for kind in protocols for name in inspect.get_annotations(kind)))


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    # Truncating a DateField gives a date on every backend, but be sure before using it as a key.
    return value.date() if isinstance(value, datetime.datetime) else value


class DiaryEntry(models.Model):
    """What runs and check-ins share: ranges enforced by the database, checked by the forms."""

    class Meta:
        abstract = True

    def get_constraints(self) -> list[tuple[type[models.Model], list[models.BaseConstraint]]]:
        """The constraints full_clean() validates in Python: all but the range checks.

        The diary's forms check every range field by field, with a message beside the field;
        letting full_clean() evaluate each CheckConstraint as well costs one query per
        constraint per entry (a five-year CSV import would run some 30,000 of them). The
        database still enforces every CheckConstraint on each write.
        """
        return [
            (model, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
            for model, constraints in super().get_constraints()
        ]


class Run(DiaryEntry):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="runs"
    )
    date = models.DateField()
    # Nine decimals keep any distance typed with up to three, in km or miles, exactly
    # (formats.STORED_KM), so the CSV writes back what was typed.
    distance_km = models.DecimalField(max_digits=12, decimal_places=9)
    # Moving time: stops (traffic lights, a tied lace) left out, as watches and Strava count it.
    duration = models.DurationField("moving time", help_text="Whole seconds.")
    kind = models.CharField(max_length=10, choices=RunKind.choices, default=RunKind.EASY)
    surface = models.CharField(max_length=10, choices=Surface.choices, default=Surface.ROAD)
    # Empty only on imported runs: the runner's own rating, asked for afterwards, never invented.
    rpe = models.PositiveSmallIntegerField(
        "session effort (RPE)",
        choices=SessionRPE.choices,
        null=True,
        blank=True,
        help_text="Foster's modified 0-10 scale: how hard was the whole session?",
    )
    leg_heaviness = models.PositiveSmallIntegerField(
        "leg heaviness during the run",
        choices=Heaviness.choices,
        null=True,
        blank=True,
        help_text="Our own 0-10 scale: 0 is light, fresh legs; 10 is like running in wet sand.",
    )
    warm_up_minutes = models.PositiveSmallIntegerField(default=0)
    cool_down_minutes = models.PositiveSmallIntegerField(default=0)
    stretched_after = models.BooleanField("stretched after", default=False)
    water_ml = models.PositiveIntegerField("water taken (ml)", null=True, blank=True)
    notes = models.TextField(max_length=NOTES_MAX_LENGTH, blank=True)
    pain_location = models.CharField(max_length=80, blank=True)
    pain_score = models.PositiveSmallIntegerField(
        "pain (0-10)", choices=PainScore.choices, null=True, blank=True
    )
    # What the watch recorded; empty on runs typed in without it.
    elapsed_time = models.DurationField(
        "elapsed time", null=True, blank=True, help_text="Start to finish, stops included."
    )
    started_at = models.DateTimeField("start time", null=True, blank=True)
    avg_heart_rate = models.PositiveSmallIntegerField(
        "average heart rate (bpm)", null=True, blank=True
    )
    max_heart_rate = models.PositiveSmallIntegerField(
        "maximum heart rate (bpm)", null=True, blank=True
    )
    avg_cadence = models.PositiveSmallIntegerField(
        "average cadence (steps per minute)", null=True, blank=True
    )
    climb_m = models.PositiveIntegerField("total climb (m)", null=True, blank=True)
    source = models.CharField(max_length=10, choices=RunSource.choices, default=RunSource.MANUAL)
    source_id = models.CharField(max_length=SOURCE_ID_MAX_LENGTH, blank=True)
    # The runner chose not to rate this imported run (the dashboard stops asking).
    effort_dismissed = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["user", "date"], name="run_user_date"),
            models.Index(fields=["user", "started_at"], name="run_user_started"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(distance_km__gt=0, distance_km__lte=MAX_DISTANCE_KM),
                name="run_distance_range",
            ),
            models.CheckConstraint(
                condition=Q(duration__gt=timedelta(0), duration__lte=MAX_DURATION),
                name="run_duration_range",
            ),
            models.CheckConstraint(condition=Q(date__gte=EARLIEST_DATE), name="run_date_min"),
            models.CheckConstraint(
                condition=Q(rpe__isnull=True) | _range("rpe", 0, 10), name="run_rpe_range"
            ),
            models.CheckConstraint(
                condition=Q(leg_heaviness__isnull=True) | _range("leg_heaviness", 0, 10),
                name="run_heaviness_range",
            ),
            models.CheckConstraint(
                condition=_range("warm_up_minutes", 0, MAX_EXTRA_MINUTES),
                name="run_warm_up_range",
            ),
            models.CheckConstraint(
                condition=_range("cool_down_minutes", 0, MAX_EXTRA_MINUTES),
                name="run_cool_down_range",
            ),
            models.CheckConstraint(
                condition=Q(water_ml__isnull=True) | _range("water_ml", 0, MAX_WATER_ML),
                name="run_water_range",
            ),
            models.CheckConstraint(
                condition=Q(pain_score__isnull=True) | _range("pain_score", 0, 10),
                name="run_pain_range",
            ),
            models.CheckConstraint(
                condition=Q(elapsed_time__isnull=True)
                | Q(elapsed_time__gt=timedelta(0), elapsed_time__lte=MAX_DURATION),
                name="run_elapsed_range",
            ),
            models.CheckConstraint(
                condition=Q(avg_heart_rate__isnull=True)
                | _range("avg_heart_rate", *HEART_RATE_RANGE),
                name="run_avg_heart_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(max_heart_rate__isnull=True)
                | _range("max_heart_rate", *HEART_RATE_RANGE),
                name="run_max_heart_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(avg_cadence__isnull=True) | _range("avg_cadence", *CADENCE_RANGE),
                name="run_cadence_range",
            ),
            models.CheckConstraint(
                condition=Q(climb_m__isnull=True) | _range("climb_m", 0, MAX_CLIMB_M),
                name="run_climb_range",
            ),
        ]

    def __str__(self) -> str:
        kind = self.get_kind_display().lower()
        return f"{self.date:%d %b %Y}: {distance(self.distance_km, 'km')} {kind}"

    def pace_seconds(self, unit: str) -> float | None:
        """Seconds per kilometre or per mile."""
        distance = km_to(self.distance_km, unit)
        return self.duration.total_seconds() / distance if distance > 0 else None


class CheckIn(DiaryEntry):
    """One per member per day: how they slept and how their legs feel on waking."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    date = models.DateField()
    sleep_hours = models.DecimalField("hours slept last night", max_digits=4, decimal_places=2)
    leg_heaviness = models.PositiveSmallIntegerField(
        "leg heaviness on waking",
        choices=Heaviness.choices,
        help_text="Our own 0-10 scale: 0 is light, fresh legs; 10 is like running in wet sand.",
    )
    soreness = models.PositiveSmallIntegerField(choices=Hooper.choices)
    fatigue = models.PositiveSmallIntegerField(choices=Hooper.choices)
    stress = models.PositiveSmallIntegerField(choices=Hooper.choices)
    rest_day = models.BooleanField("rest day", default=False)
    tip_done = models.BooleanField(
        "done today: the tip I am trying",
        default=False,
        help_text="For a tip whose doing the diary cannot see in your runs and check-ins.",
    )
    recovery_actions = models.JSONField(
        default=list, blank=True, help_text="Values of RecoveryAction, in the order listed there."
    )
    iron_rich_meals = models.PositiveSmallIntegerField(default=0)
    notes = models.TextField(max_length=NOTES_MAX_LENGTH, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = "check-in"
        ordering = ["-date"]
        indexes = [models.Index(fields=["user", "date"], name="checkin_user_date")]
        constraints = [
            models.UniqueConstraint(fields=["user", "date"], name="checkin_one_per_day"),
            models.CheckConstraint(condition=Q(date__gte=EARLIEST_DATE), name="checkin_date_min"),
            models.CheckConstraint(
                condition=_range("sleep_hours", 0, MAX_SLEEP_HOURS), name="checkin_sleep_range"
            ),
            models.CheckConstraint(
                condition=_range("leg_heaviness", 0, 10), name="checkin_heaviness_range"
            ),
            models.CheckConstraint(
                condition=_range("soreness", 1, 7), name="checkin_soreness_range"
            ),
            models.CheckConstraint(condition=_range("fatigue", 1, 7), name="checkin_fatigue_range"),
            models.CheckConstraint(condition=_range("stress", 1, 7), name="checkin_stress_range"),
            models.CheckConstraint(
                condition=_range("iron_rich_meals", 0, MAX_IRON_RICH_MEALS),
                name="checkin_iron_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.date:%d %b %Y}"

    def get_recovery_actions_display(self) -> list[str]:
        labels = dict(RecoveryAction.choices)
        return [labels.get(value, value) for value in self.recovery_actions]
