"""Comment threads on tips: readers ask, coaches answer, moderators keep the spam out.

A thread is a top-level comment with replies one level deep under it, as in the article the
site is built from. Only approved comments that readers have not hidden by reports are public;
an author also sees their own comments while they wait for moderation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.text import Truncator

from .tips import Question, Tip, TipQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

UNSUBSCRIBE_SALT = "legs.comments.unsubscribe"

# Moderators answer and moderate comments, keep the canned replies and the disallowed words,
# and nothing else: no tips, no questions, no users.
MODERATORS_GROUP = "Moderators"
MODERATOR_PERMISSIONS = [
    "view_comment",
    "change_comment",
    "view_cannedreply",
    "add_cannedreply",
    "change_cannedreply",
    "delete_cannedreply",
    "view_disallowedword",
    "add_disallowedword",
    "change_disallowedword",
    "delete_disallowedword",
    "view_block",
    "change_block",
    "delete_block",
]

# Bare "http://", "https://" and "www." addresses: what spam bodies are made of.
LINK_PATTERN = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def count_links(text: str) -> int:
    return len(LINK_PATTERN.findall(text))


class Status(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    SPAM = "spam", "Spam"


class HeldReason(models.TextChoices):
    """Why a new comment waits for a moderator (or went to spam), as moderators are told."""

    FIRST = "first", "first comment from this person"
    LINKS = "links", "more than two links"
    WORD = "word", "a disallowed word"
    BLOCKED = "blocked", "the commenter is blocked"


# The moderation list's excerpt of a comment, in characters.
EXCERPT_CHARS = 80

# Shown for a comment hidden by readers' reports (worked out from `hidden`, not stored).
HIDDEN_BY_REPORTS = "three reports"


def email_hash(email: str) -> str:
    """A keyed hash of an address, any letter case: finds one commenter's comments and blocks
    them without keeping the address where a block is listed."""
    return salted_hmac("legs.comments.email", email.strip().lower()).hexdigest()[:32]


def ip_hash(ip: str) -> str:
    """A keyed hash of a network address: the only form in which one is kept."""
    return salted_hmac("legs.comments.ip", ip).hexdigest()[:32]


PUBLIC = Q(status=Status.APPROVED, hidden=False)

# Threads (a top-level comment and its replies) per page of a tip's comments: a tip with
# hundreds of comments would otherwise render them all (some 1.5 KB and 1 ms each) on every visit.
THREADS_PER_PAGE = 20
# How long after posting a commenter may change their comment.
EDIT_WINDOW = timedelta(minutes=15)


# What a thread shows and its Edit links check (legs/comment_html.py): loading a page of
# threads skips the moderation columns.
DRAWN_FIELDS = [
    "tip",
    "parent",
    "user",
    "name",
    "body",
    "created",
    "status",
    "by_coach",
    "hidden",
    "edited",
]


class CommentQuerySet(models.QuerySet):
    """Comments; their bulk writes also change their tips' `comment_stamp`, as saves and
    deletes one by one do through the signals connected in legs/apps.py."""

    def update(self, **kwargs: Any) -> int:
        with transaction.atomic(using=self.db):
            tip_ids = set(self.values_list("tip_id", flat=True))
            changed = super().update(**kwargs)
            Tip.objects.filter(pk__in=tip_ids).bump_comment_stamp()
        return changed

    def bulk_create(self, objs: Iterable[Comment], *args: Any, **kwargs: Any) -> list[Comment]:
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            Tip.objects.filter(pk__in={c.tip_id for c in created}).bump_comment_stamp()
        return created

    def approved(self) -> CommentQuerySet:
        """Public comments: approved, and not hidden by readers' reports."""
        return self.filter(PUBLIC)

    def for_tip(self, tip: Tip) -> CommentQuerySet:
        return self.filter(tip=tip)

    def top_level(self) -> CommentQuerySet:
        return self.filter(parent__isnull=True)

    def for_author(self, user: User) -> CommentQuerySet:
        return self.filter(user=user)

    def shown_only_to(
        self, user: User | AnonymousUser | None, own_ids: Iterable[int] = ()
    ) -> CommentQuerySet:
        """The reader's own comments that they see unlike anyone else: waiting for moderation,
        or young enough to be edited (their Edit link). A visitor's are the ids kept in their
        session; a member's are theirs by account."""
        own = Q(pk__in=list(own_ids))
        if user is not None and user.is_authenticated:
            own |= Q(user=user)
        young = Q(created__gte=timezone.now() - EDIT_WINDOW)
        return self.filter(own, Q(status=Status.PENDING) | young)

    def visible_to(
        self, user: User | AnonymousUser | None, own_ids: Iterable[int] = ()
    ) -> CommentQuerySet:
        """Public comments, plus the reader's own that still wait for moderation.

        A visitor's own comments are the ids kept in their session when they posted; a member's
        are theirs by account. Rejected and spam comments are shown to nobody.
        """
        own = Q(pk__in=list(own_ids))
        if user is not None and user.is_authenticated:
            own |= Q(user=user)
        return self.filter(PUBLIC | (own & Q(status=Status.PENDING)))

    def newer_than(self, comment: Comment) -> CommentQuerySet:
        """Comments before `comment` in the thread order (newest first, then highest id)."""
        return self.filter(
            Q(created__gt=comment.created) | Q(created=comment.created, pk__gt=comment.pk)
        )

    def coach_answers(self) -> CommentQuerySet:
        return self.filter(by_coach=True, status=Status.APPROVED)

    def with_answered(self) -> CommentQuerySet:
        """Annotate `answered`: whether a published coach reply sits under the comment."""
        answers = Comment.objects.coach_answers().filter(parent=OuterRef("pk"))
        return self.annotate(answered=Exists(answers))

    def unanswered(self) -> CommentQuerySet:
        """Readers' public questions still waiting for a coach, oldest first."""
        return (
            self.approved()
            .top_level()
            .filter(by_coach=False)
            .with_answered()
            .filter(answered=False)
            .order_by("created")
        )

    def threads(
        self,
        tip: Tip,
        *,
        user: User | AnonymousUser | None = None,
        own_ids: Iterable[int] = (),
        oldest_first: bool = False,
    ) -> CommentQuerySet:
        """A tip's threads as the reader sees them: newest first (or oldest first, as the
        reader may choose), replies oldest first.

        Two queries whatever the number of comments: the top-level comments, then all their
        replies through one prefetch.
        """
        own_ids = list(own_ids)
        # By parent first: the index on (parent, status, created) then finds and orders them
        # (ordered by time alone, SQLite walked every public comment of the site).
        replies = (
            Comment.objects.visible_to(user, own_ids)
            .only(*DRAWN_FIELDS)
            .order_by("parent_id", "created", "pk")
        )
        return (
            self.for_tip(tip)
            .top_level()
            .visible_to(user, own_ids)
            .only(*DRAWN_FIELDS)
            .prefetch_related(Prefetch("replies", queryset=replies))
            .order_by(*(("created", "pk") if oldest_first else ("-created", "-pk")))
        )


class Comment(models.Model):
    """A reader's comment on a tip, or a reply one level under one."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    # A deleted account leaves its published comments behind as "former member".
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    name = models.CharField(max_length=60)
    email = models.EmailField(blank=True, help_text="Never shown to readers.")
    body = models.TextField()
    created = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    notify_on_reply = models.BooleanField(
        "email me when someone replies", default=False, help_text="Only for top-level comments."
    )
    by_coach = models.BooleanField(
        "coach", default=False, help_text="Posted by a moderator: shown with the coach badge."
    )
    hidden = models.BooleanField(
        "hidden by reports",
        default=False,
        help_text="Hidden after enough reports, until a moderator approves it again.",
    )
    report_count = models.PositiveIntegerField(
        "reports", default=0, help_text="Reports since a moderator last approved it."
    )
    # The same reports weighed by who sent them (`CommentReport.weight`): what hides a comment.
    report_weight = models.PositiveIntegerField(default=0, editable=False)
    ip_hash = models.CharField(max_length=32, blank=True, editable=False)
    email_hash = models.CharField(max_length=32, blank=True, editable=False)
    # HeldReason values, space separated: why it waited (or went to spam) when it was posted.
    held_because = models.CharField(max_length=40, blank=True, editable=False)
    # Each email sent once: to moderators when it was held, to its author when it was published.
    moderators_emailed = models.BooleanField(default=False, editable=False)
    told_published = models.BooleanField(default=False, editable=False)
    # When its author last changed it (within EDIT_WINDOW of posting): shown as "edited".
    edited = models.DateTimeField(null=True, blank=True, editable=False)
    question = models.OneToOneField(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comment",
        help_text='The "What\'s being asked" entry this comment was promoted to.',
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="comment_status_valid"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
        ]
        indexes = [
            # The tip page: a tip's top-level comments by status, newest first.
            models.Index(fields=["tip", "status", "created"], name="comment_tip_status_created"),
            # Replies of many threads at once, by status, oldest first.
            models.Index(fields=["parent", "status", "created"], name="comment_parent_status"),
            # The moderation queue and its counts.
            models.Index(fields=["status", "created"], name="comment_status_created"),
            models.Index(fields=["hidden", "report_count"], name="comment_reported"),
            # "Has this member an approved comment already?"
            models.Index(fields=["user", "status"], name="comment_user_status"),
            # All comments by one email or one address, and "first comment from this person".
            models.Index(fields=["email_hash", "status"], name="comment_email_hash"),
            models.Index(fields=["ip_hash", "created"], name="comment_ip_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.name} on {self.tip}: {self.excerpt}"

    def get_absolute_url(self) -> str:
        return self.thread_url()

    @property
    def is_on_site(self) -> bool:
        """Whether a visitor sees it at get_absolute_url() (the admin's "view on site")."""
        return self.is_public and self.tip.is_published

    def thread_page(
        self, *, user: User | AnonymousUser | None = None, own_ids: Iterable[int] = ()
    ) -> int:
        """The page of the tip's comments (from 1) that shows this comment's thread to a
        reader (by default anyone: public comments only). One query."""
        root = self.parent or self
        newer = Comment.objects.threads(self.tip, user=user, own_ids=own_ids).newer_than(root)
        return newer.count() // THREADS_PER_PAGE + 1

    def thread_url(
        self, *, user: User | AnonymousUser | None = None, own_ids: Iterable[int] = ()
    ) -> str:
        """The tip page showing this comment to that reader, on the right page of comments."""
        page = self.thread_page(user=user, own_ids=own_ids)
        query = f"?page={page}" if page > 1 else ""
        return f"{self.tip.get_absolute_url()}{query}#comment-{self.pk}"

    @property
    def is_editable_now(self) -> bool:
        """Young enough for its author to change (they must still prove they wrote it)."""
        return self.created >= timezone.now() - EDIT_WINDOW

    @property
    def held_reasons(self) -> list[str]:
        """Why it waits, in words: the reasons noted when it was posted, and reports."""
        reasons = [HeldReason(code).label for code in self.held_because.split()]
        if self.hidden:
            reasons.append(HIDDEN_BY_REPORTS)
        return reasons

    @cached_property  # twice a row of the moderation list (its column, and str() for a label)
    def excerpt(self) -> str:
        text = unicodedata.normalize("NFC", " ".join(self.body.split()))
        # Truncator walks the text a character at a time: only for what may not fit.
        return text if len(text) <= EXCERPT_CHARS else Truncator(text).chars(EXCERPT_CHARS)

    @property
    def is_public(self) -> bool:
        return self.status == Status.APPROVED and not self.hidden

    @property
    def is_pending(self) -> bool:
        return self.status == Status.PENDING

    @property
    def thread_root(self) -> Comment:
        return self.parent or self

    @property
    def notification_email(self) -> str:
        """Where reply notifications go: a member's current address, else the one given."""
        return self.user.email if self.user_id else self.email

    def unsubscribe_token(self) -> str:
        return signing.dumps(self.pk, salt=UNSUBSCRIBE_SALT)

    @classmethod
    def from_unsubscribe_token(cls, token: str) -> Comment | None:
        try:
            pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        except signing.BadSignature:
            return None
        return cls.objects.select_related("tip").filter(pk=pk).first()


# How long a moderator can take back a status change ("Undo" in the list, or the z key).
UNDO_WINDOW = timedelta(minutes=10)


class ModerationActionQuerySet(models.QuerySet):
    def undoable(self, moderator: User) -> ModerationActionQuerySet:
        """The moderator's own changes of the last UNDO_WINDOW that are not undone yet."""
        return self.filter(
            moderator=moderator, undone__isnull=True, created__gte=timezone.now() - UNDO_WINDOW
        )


class ModerationAction(models.Model):
    """One moderator's change of one comment's status, with what it was before, so it can be
    undone (for UNDO_WINDOW, after a reload too). Approving also lifts a hide by reports and
    clears the report counts: those are kept to be restored as well."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="moderation_actions"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices)
    previous_status = models.CharField(max_length=8, choices=Status.choices)
    previous_hidden = models.BooleanField(default=False)
    previous_report_count = models.PositiveIntegerField(default=0)
    previous_report_weight = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)
    undone = models.DateTimeField(null=True, blank=True)

    objects = ModerationActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [
            # "My last change" (the z key) and each listed comment's undoable change.
            models.Index(fields=["moderator", "created"], name="moderation_by_moderator"),
            models.Index(fields=["comment", "created"], name="moderation_of_comment"),
        ]

    def __str__(self) -> str:
        return f"{self.get_previous_status_display()} → {self.get_status_display()}"


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam"
    RUDE = "rude", "Rude"
    UNSAFE = "unsafe", "Wrong or unsafe advice"
    OTHER = "other", "Something else"


# A reporter's note is kept on one line, this long at most.
REPORT_NOTE_MAX_LENGTH = 200


def report_reasons(comments: Iterable[Comment]) -> dict[int, list[tuple[str, int]]]:
    """Each comment's reports by reason, most first: {comment id: [("Rude", 2), ...]}. One
    query for a whole thread."""
    counts = (
        CommentReport.objects.filter(comment__in=[c.pk for c in comments])
        .values("comment", "reason")
        .annotate(n=Count("pk"))
        .order_by("comment", "-n", "reason")
    )
    found: dict[int, list[tuple[str, int]]] = {}
    for row in counts:
        found.setdefault(row["comment"], []).append((ReportReason(row["reason"]).label, row["n"]))
    return found


class CommentReport(models.Model):
    """One reader's report of one comment.

    An address and an account count together: a comment takes one report per address and one
    per account, so a member reporting from an address that reported already (or from a second
    address) adds nothing, however many accounts they make.
    """

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    # An hmac of the address the report came from, never the address itself.
    ip_hash = models.CharField(max_length=32, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comment_reports",
    )
    weight = models.PositiveSmallIntegerField(default=1)
    reason = models.CharField(max_length=8, choices=ReportReason.choices, default="other")
    note = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "ip_hash"],
                condition=~Q(ip_hash=""),
                name="report_once_per_address",
            ),
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=Q(user__isnull=False),
                name="report_once_per_account",
            ),
        ]

    def __str__(self) -> str:
        return f"Report on comment {self.comment_id}"


class DisallowedWord(models.Model):
    """A word or phrase that marks a comment as spam (whole words, any letter case)."""

    word = models.CharField(max_length=60)

    class Meta:
        ordering = ["word"]
        constraints = [models.UniqueConstraint(Lower("word"), name="disallowed_word_unique_ci")]

    def __str__(self) -> str:
        return self.word

    @classmethod
    def found_in(cls, *texts: str) -> list[str]:
        words = [w.strip() for w in cls.objects.values_list("word", flat=True) if w.strip()]
        if not words:
            return []
        text = "\n".join(texts)
        return [w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.I)]


class BlockKind(models.TextChoices):
    EMAIL = "email", "Email address"
    ADDRESS = "address", "Network address"


class BlockQuerySet(models.QuerySet):
    def active(self) -> BlockQuerySet:
        return self.filter(Q(expires__isnull=True) | Q(expires__gt=timezone.now()))

    def covering(self, *, email_hash: str = "", ip_hash: str = "") -> BlockQuerySet:
        """Active blocks of this email or this network address (given as their hashes)."""
        wanted = Q(pk__in=[])
        if email_hash:
            wanted |= Q(kind=BlockKind.EMAIL, value_hash=email_hash)
        if ip_hash:
            wanted |= Q(kind=BlockKind.ADDRESS, value_hash=ip_hash)
        return self.active().filter(wanted)


class Block(models.Model):
    """An email or a network address whose new comments go straight to spam, until `expires`.

    Only the keyed hash is kept (the same as on the comments), with a label saying which
    commenter it came from, so the list of blocks holds no addresses.
    """

    kind = models.CharField(max_length=8, choices=BlockKind.choices)
    value_hash = models.CharField(max_length=32, editable=False)
    label = models.CharField(max_length=120, editable=False)
    expires = models.DateTimeField(
        null=True, blank=True, help_text="Leave empty to block until someone removes the block."
    )
    note = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )

    objects = BlockQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "value_hash"], name="block_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.label}"

    @property
    def is_active(self) -> bool:
        return self.expires is None or self.expires > timezone.now()


class HeldEmails(models.TextChoices):
    EACH = "each", "An email for each held comment"
    HOURLY = "hourly", "One email an hour listing the held comments"
    NONE = "none", "No emails"


class ModeratorSettings(models.Model):
    """A moderator's choice of emails about held comments (no row: one for each)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_settings"
    )
    held_emails = models.CharField(
        "emails about held comments",
        max_length=6,
        choices=HeldEmails.choices,
        default=HeldEmails.EACH,
    )

    class Meta:
        verbose_name_plural = "moderator settings"

    def __str__(self) -> str:
        return f"{self.user}: {self.get_held_emails_display()}"


class DigestHour(models.Model):
    """An hour whose held comments go out in one digest: made by the first held comment of the
    hour, which enqueues the digest's task; `sent` keeps a second run from mailing again."""

    hour = models.DateTimeField(unique=True)
    sent = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Digest of {self.hour:%Y-%m-%d %H}:00"


class UsedEmailLink(models.Model):
    """The nonce of an email's Approve or Spam link once it has been used: each works once."""

    nonce = models.CharField(max_length=32, primary_key=True)
    used = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.nonce


class CannedReply(models.Model):
    """A coach's answer to start from in the admin's "Reply as coach" box."""

    title = models.CharField(max_length=80, unique=True)
    body = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]
        verbose_name_plural = "canned replies"

    def __str__(self) -> str:
        return self.title


def with_comment_counts(tips: TipQuerySet) -> TipQuerySet:
    """Annotate each tip with `comment_count`, its public comments (replies included).

    A correlated subquery rather than a join, so it adds no rows and no query to the tips list
    whatever else that list annotates or prefetches.
    """
    counts = (
        Comment.objects.approved()
        .filter(tip=OuterRef("pk"))
        .order_by()
        .values("tip")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return tips.annotate(comment_count=Coalesce(Subquery(counts), 0))
