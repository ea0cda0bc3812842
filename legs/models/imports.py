"""Imports: one upload of activity files (or a Strava export, or a large CSV) and its report.

The upload request stores the files privately and queues a task (``legs.tasks``); the task reads
them one at a time, writes an ``ImportItem`` per activity (or per CSV row it could not read)
beside the run it made, and moves the import from queued to running to done or failed. A member
has one import queued or running at a time, which the database enforces.

A worker that dies (killed, the machine restarted) leaves its import running with no one at it.
The task beats a heartbeat as it goes (each activity it reports); an import that has gone
``settings.IMPORT_STALE_MINUTES`` without one has stalled: its page says it stopped, and it no
longer holds the member's next import back (``services.import_start`` marks it stopped).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    # Its worker stopped before the end (see ``ImportQuerySet.stalled``).
    STOPPED = "stopped", "Stopped"


UNFINISHED = (ImportStatus.QUEUED, ImportStatus.RUNNING)
STOPPED_SUMMARY = (
    "The import stopped before it finished; files it had not reached were not imported. "
    "Upload them again: what is already in your diary is recognised and not added twice."
)


def _stall() -> Q:
    """Unfinished and no worker at it: running without a heartbeat for IMPORT_STALE_MINUTES,
    or queued that long while no import anywhere has had one (so no worker is running: a busy
    worker's queue just waits its turn, as the runner who sees "queued" expects)."""
    cutoff = timezone.now() - timedelta(minutes=settings.IMPORT_STALE_MINUTES)
    a_worker_is_busy = Exists(
        Import.objects.filter(status=ImportStatus.RUNNING, heartbeat__gte=cutoff)
    )
    return Q(status=ImportStatus.RUNNING, heartbeat__lt=cutoff) | Q(
        Q(status=ImportStatus.QUEUED, heartbeat__lt=cutoff) & ~a_worker_is_busy
    )


class ImportQuerySet(models.QuerySet):
    def for_user(self, user: User) -> ImportQuerySet:
        return self.filter(user=user)

    def unfinished(self) -> ImportQuerySet:
        return self.filter(status__in=UNFINISHED)

    def stalled(self) -> ImportQuerySet:
        """Imports left unfinished by a worker that stopped (see ``_stall``)."""
        return self.filter(_stall())

    def with_stall(self) -> ImportQuerySet:
        """Each import with ``stalled`` (see ``_stall``), for ``Import.shown_status``."""
        return self.annotate(stalled=ExpressionWrapper(_stall(), output_field=BooleanField()))

    def for_listing(self) -> ImportQuerySet:
        """Newest first, each with its count of runs imported (one query for the list)."""
        return (
            self.with_stall()
            .annotate(imported=Count("items", filter=Q(items__outcome=ItemOutcome.IMPORTED)))
            .order_by("-created", "-pk")
        )


class Import(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imports"
    )
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    # The uploaded files as the member named them, with the private name each is stored under
    # (in settings.IMPORT_UPLOAD_DIR / <pk>/): [{"name": "Morning Run.fit", "stored": "1.fit"}].
    files = models.JSONField(default=list)
    # Activities (or files) to read, and how many are read: n of m on the progress page. A
    # Strava export counts its activities once the task has opened it.
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    include_walks = models.BooleanField(default=False)
    # What the import did as a whole, or why it failed, in plain words (each activity's own
    # outcome is its item's).
    summary = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # The worker's last sign of life: queued, started, each activity reported. See _stall.
    heartbeat = models.DateTimeField(default=timezone.now)
    finished = models.DateTimeField(null=True, blank=True)

    objects = ImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created"], name="import_user_created"),
            models.Index(fields=["status", "heartbeat"], name="import_status_heartbeat"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status__in=UNFINISHED),
                name="import_one_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("import_detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status not in UNFINISHED

    @property
    def shown_status(self) -> str:
        """The status to show: an import read ``with_stall`` whose worker stopped reads as
        stopped before anything marks it so (the next import does)."""
        return ImportStatus.STOPPED if getattr(self, "stalled", False) else self.status

    @property
    def shown_status_label(self) -> str:
        return ImportStatus(self.shown_status).label

    @property
    def is_over(self) -> bool:
        """Nothing more will happen to it: finished, or stopped (its page stops polling)."""
        return self.shown_status not in UNFINISHED

    @property
    def file_names(self) -> list[str]:
        return [entry["name"] for entry in self.files]


class ItemOutcome(models.TextChoices):
    IMPORTED = "imported", "Imported"
    DUPLICATE = "duplicate", "Already in your diary"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Could not be read"


class ImportItemQuerySet(models.QuerySet):
    def for_report(self) -> ImportItemQuerySet:
        return self.select_related("run").order_by("position")


class ImportItem(models.Model):
    """One line of an import's report: an activity (a file, or a row of a Strava export)."""

    upload = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="items")
    # Its place in the upload (the n-th file, or the export's n-th activity): what makes a task
    # run again skip what it already did.
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=255)
    outcome = models.CharField(max_length=10, choices=ItemOutcome.choices)
    # Plain words: the type of a skipped activity, or why a file could not be read.
    message = models.CharField(max_length=300, blank=True)
    # The run made, or the run already in the diary that this activity is.
    run = models.ForeignKey(
        "legs.Run", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ImportItemQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "position"], name="import_item_once")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_outcome_display().lower()}"
