"""What the tip page caches of its comment thread, and the stamp that retires it.

The public thread (approved comments, no one's own) is the same for every reader, so each of
its pages is drawn once (legs/comment_html.py, without CSRF tokens) and cached under the tip's
``Tip.comment_stamp``, which every write to one of the tip's comments changes in the same
transaction: saves and deletes one by one (the forms, the admin, the services) through the
signals connected in legs/apps.py, ``update()`` and ``bulk_create()`` by CommentQuerySet. A
reader with comments only they see (waiting, or still editable) gets their thread drawn for
them, never from here.

Pages live in the `pages` cache alias with the public pages: bounded, and emptied with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import caches
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from legs.models import Comment, Tip

TIMEOUT = 24 * 3600  # a retired stamp's pages only wait to expire


@dataclass(frozen=True)
class Counts:
    """A tip's public comments (replies included) and its threads of them."""

    comments: int
    threads: int


def comment_written(sender, instance: Comment, **kwargs) -> None:
    """post_save/post_delete of a comment."""
    stamp = Tip.objects.filter(pk=instance.tip_id).bump_comment_stamp()
    # The instance's own tip object when it has one (the view's, for a post), so the rest of
    # that request already reads the new stamp.
    if type(instance).tip.is_cached(instance):
        instance.tip.comment_stamp = stamp


def _key(tip: Tip, *parts: object) -> str:
    return ":".join(str(part) for part in ("comments", tip.pk, tip.comment_stamp, *parts))


def counts(tip: Tip) -> Counts:
    """The public thread's counts: one query the first time for each stamp."""
    key = _key(tip, "counts")
    found = caches["pages"].get(key)
    if found is None:
        found = Counts(
            **Comment.objects.approved()
            .for_tip(tip)
            .aggregate(comments=Count("pk"), threads=Count("pk", filter=Q(parent__isnull=True)))
        )
        caches["pages"].set(key, found, TIMEOUT)
    return found


def page_key(tip: Tip, *, number: int, oldest_first: bool) -> str:
    # The addresses in it hold the slug; its times are in the current time zone and language.
    return _key(
        tip,
        tip.slug,
        "oldest" if oldest_first else "newest",
        number,
        timezone.get_current_timezone_name(),
        translation.get_language(),
    )


def get_page(key: str) -> list[SafeString] | None:
    return caches["pages"].get(key)


def put_page(key: str, segments: list[SafeString]) -> None:
    caches["pages"].set(key, segments, TIMEOUT)
