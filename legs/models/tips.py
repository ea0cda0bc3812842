"""The catalogue: sources, causes, tips, reader questions and "Did you know?" facts."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from django.conf import settings
from django.db import models
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse

from legs.trials import Habit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# Letters that Unicode does not decompose into a base letter plus accents.
_PLAIN_LETTERS = str.maketrans(
    {"æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
    | {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)
SEARCH_TERMS_MAX = 10


def fold_for_search(text: str) -> str:
    """Lower-case `text` and strip its accents: "ÉCHAUFFEMENT" -> "echauffement".

    Stored search columns and typed words are folded by this one function, so matching is
    case- and accent-insensitive on every backend (neither SQLite nor PostgreSQL folds
    accents without an extension).
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_PLAIN_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def search_terms(query: str) -> list[str]:
    """The distinct folded words of a query, at most SEARCH_TERMS_MAX of them."""
    return list(dict.fromkeys(fold_for_search(query).split()))[:SEARCH_TERMS_MAX]


def matching_every_word(queryset: QuerySet, query: str, field: str = "search_text") -> QuerySet:
    """Rows whose folded ``field`` holds every word of ``query`` (case and accents folded)."""
    for term in search_terms(query):
        queryset = queryset.filter(**{f"{field}__icontains": term})
    return queryset


class FoldedForSearch(models.Model):
    """A model with search columns folded from its text (see fold_for_search).

    Kept current by save() and, for fixtures, by fold_fixture_rows; queryset.update() and
    bulk_create() bypass both, so these rows are written through save().
    """

    search_columns: ClassVar[tuple[str, ...]] = ("search_text",)
    # Each model says how its search columns are folded from its own text.
    refresh_search_fields: Callable[[], None]

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_search_fields()
        if kwargs.get("update_fields") is not None:
            # A partial save must write the refreshed search columns too.
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.search_columns}
        super().save(*args, **kwargs)


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

    def get_absolute_url(self) -> str:
        return reverse("source_detail", args=[self.slug])


class CauseQuerySet(models.QuerySet):
    def search(self, query: str) -> CauseQuerySet:
        """Causes whose name or summary holds every word of ``query``."""
        return matching_every_word(self, query)


class Cause(FoldedForSearch):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    summary = models.TextField(help_text="Short explanation in plain words.")
    order = models.PositiveSmallIntegerField(default=0)
    search_name = models.CharField(
        max_length=240, blank=True, editable=False, help_text="The name folded for search."
    )
    search_text = models.TextField(
        blank=True, editable=False, help_text="The name and summary folded for search."
    )

    search_columns = ("search_name", "search_text")
    objects = CauseQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cause_detail", args=[self.slug])

    @property
    def is_on_site(self) -> bool:
        """Whether a visitor sees it at get_absolute_url() (the admin's "view on site")."""
        return True

    def refresh_search_fields(self) -> None:
        self.search_name = fold_for_search(self.name)
        self.search_text = fold_for_search(f"{self.name}\n{self.summary}")


def new_comment_stamp() -> str:
    return secrets.token_hex(8)


class ContentStamp(models.Model):
    """Changed by every write to public content a tip's page shows (tips, causes, related
    tips, sources, facts): the key of every tip page's cached public parts (legs/tip_cache.py),
    read with the tip. One row, not a column on every tip: a write changes one row however
    many tips there are (updating every tip's row made building a catalogue quadratic)."""

    stamp = models.CharField(max_length=16, default=new_comment_stamp)

    def __str__(self) -> str:
        return self.stamp

    @classmethod
    def bump(cls) -> None:
        """A new stamp; the row is made when missing (a flushed database has none)."""
        if not cls.objects.update(stamp=new_comment_stamp()):
            cls.objects.create()


# Set only by their own queryset methods: a tip saved from an instance read before one of them
# changed must not put the old value back (a cache would serve what it retired).
STAMPS = ("comment_stamp",)


class TipQuerySet(models.QuerySet):
    def bump_comment_stamp(self) -> str:
        """Retire every cached page of these tips' comment threads (legs/comment_cache.py);
        the new stamp is returned."""
        stamp = new_comment_stamp()
        self.update(comment_stamp=stamp)
        return stamp

    def for_page(self, user: User | AnonymousUser, own_ids: Iterable[int]) -> TipQuerySet:
        """What a tip's page reads with the tip (one query): whether `user` saved it
        (`is_saved`) and whether they have comments on it only they see (`has_own_comments`,
        see CommentQuerySet.shown_only_to; a visitor's are `own_ids`, from their session)."""
        from legs.models.comments import Comment

        own = Comment.objects.filter(tip=OuterRef("pk")).shown_only_to(user, own_ids)
        saved = (
            Exists(SavedTip.objects.filter(tip=OuterRef("pk"), user=user))
            if user.is_authenticated
            else models.Value(False)
        )
        return self.defer("search_text").annotate(
            is_saved=saved,
            has_own_comments=Exists(own),
            content_stamp=Subquery(ContentStamp.objects.values("stamp")[:1]),
        )

    def published(self) -> TipQuerySet:
        return self.filter(is_published=True).select_related("source")

    def with_causes(self) -> TipQuerySet:
        return self.prefetch_related("causes")

    def in_phase(self, phase: str) -> TipQuerySet:
        return self.filter(phase=phase)

    def for_cause(self, cause: Cause) -> TipQuerySet:
        return self.filter(causes=cause)

    def search(self, query: str) -> TipQuerySet:
        """Tips matching every word of `query` in their text or in one of their causes' names.

        Case- and accent-insensitive on every backend: both sides are folded the same way
        (see `fold_for_search`). A cause-name match goes through EXISTS, so a tip is never repeated.
        """
        matches = self
        for term in search_terms(query):
            in_cause_name = Tip.causes.through.objects.filter(
                tip=OuterRef("pk"), cause__search_name__icontains=term
            )
            matches = matches.filter(Q(search_text__icontains=term) | Q(Exists(in_cause_name)))
        return matches


class Tip(FoldedForSearch):
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
    suits_rest = models.BooleanField(
        "fits a rest-and-get-checked result",
        default=False,
        help_text=(
            "Safe while a sore leg is rested and waits to be checked (sleep, water, food, rest). "
            "Leave unticked for tips that work the legs (stretching, massage, drills): under a "
            "physiotherapist or GP result they are shown only for after the check."
        ),
    )
    last_reviewed = models.DateField()
    order = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)
    trial_habit = models.CharField(
        "what trying it means",
        max_length=12,
        choices=[(habit.value, habit.label) for habit in Habit],
        default=Habit.TICK.value,
        help_text="What the diary counts as doing this tip while a member tries it.",
    )
    # Title, summary and body folded for search (see FoldedForSearch), so the database only
    # compares plain text.
    search_text = models.TextField(blank=True, editable=False)
    # Changed by every write to one of its comments: the key of its thread's cached pages.
    comment_stamp = models.CharField(max_length=16, default=new_comment_stamp, editable=False)

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

    def save(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("update_fields") is None and not (
            self._state.adding or kwargs.get("force_insert")
        ):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in STAMPS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("tip_detail", args=[self.slug])

    @property
    def is_on_site(self) -> bool:
        """Whether a visitor sees it at get_absolute_url() (the admin's "view on site")."""
        return self.is_published

    def refresh_search_fields(self) -> None:
        self.search_text = fold_for_search("\n".join([self.title, self.summary, self.body]))

    def prefetch_links(self) -> None:
        """Its causes and published related tips, for its page (two queries whatever their
        number)."""
        related = Tip.objects.filter(is_published=True).only("slug", "title", "summary")
        prefetch_related_objects([self], "causes", Prefetch("related", queryset=related))


class SourceGroup(NamedTuple):
    heading: str
    tips: list[Tip]


def group_by_source_heading(tips: Iterable[Tip]) -> list[SourceGroup]:
    """Tips in their article's order, under the headings the article puts them under."""
    groups: list[SourceGroup] = []
    for tip in sorted(tips, key=lambda tip: tip.source_number):
        if not groups or groups[-1].heading != tip.source_group:
            groups.append(SourceGroup(tip.source_group, []))
        groups[-1].tips.append(tip)
    return groups


class PhaseGroup(NamedTuple):
    phase: str
    label: str
    tips: list[Tip]


def group_by_phase(tips: Iterable[Tip]) -> list[PhaseGroup]:
    """Tips in phase order (before, during, after, remedy, lifestyle), empty phases left out."""
    by_phase: dict[str, list[Tip]] = {phase: [] for phase in Phase.values}
    for tip in tips:
        by_phase[tip.phase].append(tip)
    return [
        PhaseGroup(phase, Phase(phase).label, phase_tips)
        for phase, phase_tips in by_phase.items()
        if phase_tips
    ]


class QuestionQuerySet(models.QuerySet):
    def published(self) -> QuestionQuerySet:
        return self.filter(is_published=True).select_related("tip")

    def search(self, query: str) -> QuestionQuerySet:
        """Questions whose question or answer holds every word of ``query``."""
        return matching_every_word(self, query)


class Question(FoldedForSearch):
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
    search_text = models.TextField(blank=True, editable=False)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "-created"]
        indexes = [models.Index(fields=["is_published", "order"])]

    def __str__(self) -> str:
        return self.question[:80]

    def get_absolute_url(self) -> str:
        return f"{reverse('asked')}#question-{self.pk}"

    def refresh_search_fields(self) -> None:
        self.search_text = fold_for_search(f"{self.question}\n{self.answer}")

    @property
    def is_on_site(self) -> bool:
        """Whether a visitor sees it at get_absolute_url() (the admin's "view on site")."""
        return self.is_published


class FactQuerySet(models.QuerySet):
    def for_tip(self, tip: Tip, *, limit: int = 2) -> list[Fact]:
        """`limit` facts for a tip's page: its own first, then others, in one query."""
        own_first = models.Case(models.When(tip=tip, then=models.Value(0)), default=models.Value(1))
        return list(self.order_by(own_first, "order", "pk")[:limit])

    def search(self, query: str) -> FactQuerySet:
        return matching_every_word(self, query)


class Fact(FoldedForSearch):
    """A "Did you know?" fact."""

    text = models.TextField()
    tip = models.ForeignKey(
        Tip, on_delete=models.SET_NULL, null=True, blank=True, related_name="facts"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(default=0)
    search_text = models.TextField(blank=True, editable=False)

    objects = FactQuerySet.as_manager()

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return self.tip.get_absolute_url() if self.tip_id else f"{reverse('asked')}#facts"

    def refresh_search_fields(self) -> None:
        self.search_text = fold_for_search(self.text)

    @property
    def is_on_site(self) -> bool:
        """Whether a visitor sees it at get_absolute_url() (the admin's "view on site")."""
        return self.tip_id is None or self.tip.is_published


class Found(NamedTuple):
    """What a search found of one kind beside the tips: causes, reader questions, facts."""

    kind: str
    heading: str
    singular: str
    plural: str
    items: list[Cause] | list[Question] | list[Fact]

    @property
    def noun(self) -> str:
        return self.singular if len(self.items) == 1 else self.plural


def search_beyond_tips(query: str) -> list[Found]:
    """Causes, answered reader questions and facts holding every word of ``query``, with the
    same folding as the tips' search: one query per kind, whatever the catalogue's size.
    Kinds with nothing found are left out."""
    found = [
        Found("causes", "Causes", "cause", "causes", list(Cause.objects.search(query))),
        Found(
            "questions",
            "What’s being asked",
            "reader question",
            "reader questions",
            list(Question.objects.published().search(query)),
        ),
        Found(
            "facts",
            "Did you know?",
            "fact",
            "facts",
            list(Fact.objects.select_related("source").search(query)),
        ),
    ]
    return [kind for kind in found if kind.items]


class SavedTipQuerySet(models.QuerySet):
    def for_user(self, user: User) -> SavedTipQuerySet:
        """A member's own saved tips, with what their list shows (never anyone else's)."""
        return (
            self.filter(user=user, tip__is_published=True)
            .select_related("tip__source")
            .prefetch_related("tip__causes")
        )

    def tip_ids(self, user: User | AnonymousUser) -> set[int] | None:
        """The ids of the tips a member saved, for a list's save buttons (one query); None for
        a visitor, whose lists show no save buttons (and so stay one cached page for all)."""
        if not user.is_authenticated:
            return None
        return set(self.filter(user=user).values_list("tip_id", flat=True))


class SavedTip(models.Model):
    """A tip a member keeps in "My tips"."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_tips"
    )
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="saves")
    created = models.DateTimeField(auto_now_add=True)

    objects = SavedTipQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["user", "tip"], name="saved_tip_unique")]
        indexes = [models.Index(fields=["user", "-created"])]

    def __str__(self) -> str:
        return f"{self.user} saved {self.tip}"


@receiver(pre_save, sender=Tip)
@receiver(pre_save, sender=Cause)
@receiver(pre_save, sender=Question)
@receiver(pre_save, sender=Fact)
def fold_fixture_rows(
    sender: type[models.Model], instance: FoldedForSearch, raw: bool, **kwargs: Any
) -> None:
    """loaddata saves rows raw, without calling save(): fold their search columns here too.

    A signal only because Django offers no other hook into fixture loading; every other save
    goes through the models' save().
    """
    if raw:
        instance.refresh_search_fields()
