"""A page of a tip's comment threads, drawn in Python.

A page holds some twenty threads, each comment with its report form: drawn through template
includes it cost some 20 ms, drawn here about a millisecond. Every piece of reader text goes
through `format_html` (escaped as the templates escaped it), bodies through the same
`linebreaksbr` and `urlize` filters the templates used.

A page is drawn as segments with a CSRF token due between each two (one per report form), so
the same page can be cached once for everyone (legs/comment_cache.py) and handed each reader
with their own token (`with_csrf`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass

from django.template.defaultfilters import linebreaksbr, urlize
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from legs import formats
from legs.models import Comment, Tip
from legs.models.comments import REPORT_NOTE_MAX_LENGTH, ReportReason

# ?order=oldest reads a tip's threads oldest first (the address keeps the reader's choice).
OLDEST_FIRST = "oldest"
# Where a report form's CSRF token goes, among the pieces of a page.
CSRF = object()
_ANY_PK = 987654321
# The report form's reasons: the same for every comment but for its id ({0}), so written into
# the form's markup once (the values and labels are the code's own).
_REASONS = "".join(
    '<div class="form-check"><input class="form-check-input" type="radio" name="reason" '
    f'value="{value}" id="report-{{0}}-{value}"{" checked" if n == 0 else ""}><label '
    f'class="form-check-label" for="report-{{0}}-{value}">{escape(label)}</label></div>'
    for n, (value, label) in enumerate(ReportReason.choices)
)


@dataclass(frozen=True)
class Pages:
    """Which page of threads this is, of how many (a `Page` without its rows)."""

    number: int
    count: int

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.count


def thread_url(tip: Tip, *, oldest_first: bool, page: int = 1) -> str:
    """The tip page's address for one page of threads in one order (no "?page=1": each page
    has one address, cached once)."""
    query: dict[str, object] = {"order": OLDEST_FIRST} if oldest_first else {}
    if page > 1:
        query["page"] = page
    return tip.get_absolute_url() + (f"?{urlencode(query)}" if query else "")


def _body(comment: Comment) -> SafeString:
    """Plain text: line breaks kept, nothing rendered as HTML; only a coach's links are links."""
    if comment.by_coach:
        return linebreaksbr(urlize(comment.body, autoescape=True), autoescape=True)
    return linebreaksbr(comment.body, autoescape=True)


def _article_head(comment: Comment, *, edit_url: str = "", item: bool = False) -> SafeString:
    """The comment up to its actions (avatar, name, badge, time, text), opening its list item
    in a thread (`item`)."""
    classes = "comment d-flex gap-3"
    if comment.by_coach:
        classes += " comment-coach"
    if comment.is_pending:
        classes += " comment-pending"
    # The classes are the code's own: written into the markup, not escaped as an argument.
    markup = (
        f'<article class="{classes}">{{}}<div class="comment-main flex-grow-1">'
        '<p class="comment-meta mb-1"><strong class="comment-author">{}</strong> '
    )
    if comment.by_coach:
        markup += '<span class="badge coach-badge">Coach</span> '
    markup += '<span aria-hidden="true">—</span> <time datetime="{}">{}</time>'
    if comment.edited:
        markup += ' <span class="comment-edited small text-body-secondary">(edited)</span>'
    args: list[object] = [
        formats.avatar(comment.name),
        comment.name,
        formats.machine_time(comment.created),
        formats.comment_time(comment.created),
    ]
    if edit_url:
        markup += (
            ' <a class="comment-edit-link small ms-1" href="{}">Edit'
            '<span class="visually-hidden"> your comment</span></a>'
        )
        args.append(edit_url)
    markup += "</p>"
    if comment.is_pending:
        markup += (
            '<p class="comment-pending-note small mb-1"><span class="badge text-bg-warning">'
            "Awaiting moderation</span> Only you can see this until a moderator approves it.</p>"
        )
    markup += '<div class="comment-body">{}</div>'
    args.append(_body(comment))
    if item:
        markup = '<li id="comment-{}" class="comment-item">' + markup
        args.insert(0, comment.pk)
    return format_html(markup, *args)


def comment_article(comment: Comment) -> SafeString:
    """A comment alone, without its actions (the reply page shows the one being answered)."""
    return format_html("{}</div></article>", _article_head(comment))


def _address_of(name: str, slug: str) -> Callable[[int], str]:
    """`reverse(name, args=[slug, pk])` for any pk, reversed once for a whole page: the pk is
    the address's last number."""
    head, _, tail = reverse(name, args=[slug, _ANY_PK]).rpartition(str(_ANY_PK))
    return lambda pk: f"{head}{pk}{tail}"


@dataclass(frozen=True)
class _Addresses:
    """Where a comment's Edit, Reply and Report go, given its id."""

    edit: Callable[[int], str]
    reply: Callable[[int], str]
    report: Callable[[int], str]

    @classmethod
    def on(cls, tip: Tip) -> _Addresses:
        return cls(
            **{
                what: _address_of(f"comment_{what}", tip.slug)
                for what in ("edit", "reply", "report")
            }
        )


def _comment(
    comment: Comment, *, addresses: _Addresses, can_reply: bool, editable: bool, after: str
) -> Iterator[SafeString | object]:
    """A comment in its list item, with Reply (top-level ones) and Report when it is public,
    and the markup `after` it."""
    head = _article_head(
        comment, edit_url=addresses.edit(comment.pk) if editable else "", item=True
    )
    # Escaped once for the several places below.
    pk, name = escape(comment.pk), escape(comment.name)
    if not comment.is_public:
        yield format_html("{}</div></article>" + after, head)
        return
    reply = ""
    if can_reply:
        # Reply: hx-get fetches the reply form into the slot under this comment; the plain
        # link opens the reply page.
        reply = format_html(
            '<a class="comment-reply-link" href="{0}" hx-get="{0}" hx-target="#reply-slot-{1}">'
            'Reply<span class="visually-hidden"> to {2}</span></a>\n',
            addresses.reply(comment.pk),
            pk,
            name,
        )
    # Report: hx-post swaps this small form for a thank-you in place; without JS it posts and
    # comes back.
    yield format_html(
        '{0}<div class="comment-actions small">{1}<details class="comment-report-box"><summary '
        'class="text-body-secondary">Report<span class="visually-hidden"> this comment by {2}'
        '</span></summary><form class="comment-report" method="post" action="{3}" '
        'hx-post="{3}" hx-target="this" hx-swap="outerHTML">',
        head,
        reply,
        name,
        addresses.report(comment.pk),
    )
    yield CSRF
    yield format_html(
        '<fieldset><legend class="small mb-1">What is wrong with it?</legend>'
        + _REASONS
        + '</fieldset><label class="form-label small mt-1" for="report-{0}-note">A short note '
        '(optional)</label><input class="form-control form-control-sm" type="text" '
        f'name="note" id="report-{{0}}-note" maxlength="{REPORT_NOTE_MAX_LENGTH}"><button '
        'type="submit" class="btn btn-outline-secondary btn-sm mt-2">Send report</button>'
        "</form></details></div></div></article>" + after,
        pk,
    )


def _order_links(tip: Tip, *, oldest_first: bool) -> SafeString:
    """Order: hx-get redraws only the thread in the chosen order and keeps it in the address;
    the plain link loads the page so."""
    link = '<a href="{0}#comments" hx-get="{0}" hx-push-url="{0}">{1}</a>'
    if oldest_first:
        markup = link + ' · <strong aria-current="true">oldest first</strong>'
        address, words = thread_url(tip, oldest_first=False), "newest first"
    else:
        markup = '<strong aria-current="true">newest first</strong> · ' + link
        address, words = thread_url(tip, oldest_first=True), "oldest first"
    return format_html(
        '<p class="comment-order small mt-4 mb-0">Show: ' + markup + "</p>", address, words
    )


def _page_links(tip: Tip, pages: Pages, *, oldest_first: bool) -> SafeString | str:
    """Long threads come a page at a time: plain links, each page its own cacheable address."""
    if pages.count <= 1:
        return ""
    later, earlier = ("Newer", "Older") if oldest_first else ("Older", "Newer")
    link = '<li class="page-item"><a class="page-link" href="{}#comments">{} comments</a></li>'
    previous = next_ = ""
    if pages.has_previous():
        page = pages.number - 1
        previous = format_html(link, thread_url(tip, oldest_first=oldest_first, page=page), earlier)
    if pages.has_next():
        page = pages.number + 1
        next_ = format_html(link, thread_url(tip, oldest_first=oldest_first, page=page), later)
    return format_html(
        '<nav class="comment-pages" aria-label="Pages of comments"><ul class="pagination">{}'
        '<li class="page-item disabled"><span class="page-link" aria-current="page">Page {} of '
        "{}</span></li>{}</ul></nav>",
        previous,
        pages.number,
        pages.count,
        next_,
    )


def _pieces(
    tip: Tip,
    threads: list[Comment],
    pages: Pages,
    *,
    oldest_first: bool,
    editable_ids: Collection[int],
    reply_slot: Callable[[Comment], SafeString | str],
) -> Iterator[SafeString | object]:
    if not threads:
        yield format_html(
            '<p class="{}">No comments yet. Ask the first question: a coach reads every one.</p>',
            "text-body-secondary mt-4",
        )
        return
    yield format_html(
        '{}<ol class="comment-list list-unstyled mt-4">',
        _order_links(tip, oldest_first=oldest_first),
    )
    addresses = _Addresses.on(tip)
    for thread in threads:
        editable = thread.pk in editable_ids
        yield from _comment(
            thread, addresses=addresses, can_reply=True, editable=editable, after=""
        )
        replies = list(thread.replies.all())
        slot = '<div id="reply-slot-{}" class="reply-slot">{}</div>'
        yield format_html(
            slot + ('<ol class="comment-replies list-unstyled">' if replies else "</li>"),
            thread.pk,
            reply_slot(thread),
        )
        for n, reply in enumerate(replies, start=1):
            editable = reply.pk in editable_ids
            after = "</li></ol></li>" if n == len(replies) else "</li>"
            yield from _comment(
                reply, addresses=addresses, can_reply=False, editable=editable, after=after
            )
    yield format_html("</ol>{}", _page_links(tip, pages, oldest_first=oldest_first))


def _join(pieces: Iterable[SafeString]) -> SafeString:
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def draw(
    tip: Tip,
    threads: list[Comment],
    pages: Pages,
    *,
    oldest_first: bool,
    editable_ids: Collection[int] = (),
    reply_slot: Callable[[Comment], SafeString | str] = lambda thread: "",
) -> list[SafeString]:
    """One page of threads (or the invitation to ask the first question), with their order
    and page links: the segments between which the report forms' CSRF tokens go.

    `editable_ids` get an Edit link and `reply_slot(thread)` fills the slot under a thread:
    both are the reader's own, so a page drawn for everyone has neither.
    """
    segments: list[SafeString] = []
    run: list[SafeString] = []
    for piece in _pieces(
        tip,
        threads,
        pages,
        oldest_first=oldest_first,
        editable_ids=editable_ids,
        reply_slot=reply_slot,
    ):
        if piece is CSRF:
            segments.append(_join(run))
            run = []
        else:
            run.append(piece)
    segments.append(_join(run))
    return segments


def with_csrf(segments: list[SafeString], token: str) -> SafeString:
    """The drawn page with the reader's CSRF token in each report form."""
    field = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
    return format_html_join(field, "{}", ((segment,) for segment in segments))
