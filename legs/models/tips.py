"""The catalogue: sources, causes, tips, reader questions and "Did you know?" facts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


class Phase(models.TextChoices):
    BEFORE = "before", "Before your run"
    DURING = "during", "During your run"
    AFTER = "after", "After your run"
    REMEDY = "remedy", "Remedies"
    LIFESTYLE = "lifestyle", "Training & lifestyle"


class Evidence(models.TextChoices):
    GUIDELINE = "guideline", "General guideline"
    STUDIES = "studies", "Backed by studies"
    COACH = "coach", "Coach's view"
    BRAND = "brand", "Brand claim"


class Source(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    author = models.CharField(max_length=120)
    site = models.CharField(max_length=120)
    published = models.DateField(help_text="Publication or last-modified date given by the source.")
    url = models.URLField()

    class Meta:
        ordering = ["published"]

    def __str__(self) -> str:
        return f"{self.title} ({self.site})"


class Cause(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    summary = models.TextField(help_text="Short explanation in plain words.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cause_detail", args=[self.slug])


class TipQuerySet(models.QuerySet):
    def published(self) -> TipQuerySet:
        return self.filter(is_published=True).select_related("source")

    def with_causes(self) -> TipQuerySet:
        return self.prefetch_related("causes")


class Tip(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=160)
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Plain text; a blank line starts a new paragraph.")
    phase = models.CharField(max_length=12, choices=Phase.choices, db_index=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="tips")
    source_group = models.CharField(
        max_length=120, blank=True, help_text="The heading the tip sits under in its article."
    )
    source_number = models.PositiveSmallIntegerField(help_text="The tip's number in its article.")
    causes = models.ManyToManyField(Cause, related_name="tips", blank=True)
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    evidence = models.CharField(max_length=12, choices=Evidence.choices)
    evidence_note = models.CharField(max_length=300, blank=True)
    disagreement = models.TextField(
        blank=True, help_text="Where the two articles disagree on this advice, said plainly."
    )
    red_flag = models.TextField(blank=True, help_text="When to stop and see a professional.")
    last_reviewed = models.DateField()
    order = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)

    objects = TipQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_number"], name="tip_unique_source_number"
            )
        ]
        indexes = [models.Index(fields=["is_published", "phase", "order"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tip_detail", args=[self.slug])


class QuestionQuerySet(models.QuerySet):
    def published(self) -> QuestionQuerySet:
        return self.filter(is_published=True).select_related("tip")


class Question(models.Model):
    """A reader question with the coach's answer, shown on "What's being asked"."""

    question = models.TextField()
    answer = models.TextField()
    tip = models.ForeignKey(
        Tip, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "-created"]

    def __str__(self) -> str:
        return self.question[:80]


class Fact(models.Model):
    """A "Did you know?" fact."""

    text = models.TextField()
    tip = models.ForeignKey(
        Tip, on_delete=models.SET_NULL, null=True, blank=True, related_name="facts"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.text[:80]


class SavedTip(models.Model):
    """A tip a member keeps in "My tips"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_tips"
    )
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="saves")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["user", "tip"], name="saved_tip_unique")]

    def __str__(self) -> str:
        return f"{self.user} saved {self.tip}"
