"""Comment threads under tips: reading, posting, replying in place, checking, reporting.

The tip page shows its thread with one addition to its view's context,
`| thread_context(request, tip)`, and one line in its template,
`{% include "legs/comments/_thread.html" %}`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import reswap, retarget

from config.htmx import render_page, wants_fragment
from config.throttle import client_ip, report_throttle
from legs import comment_cache, comment_html, services
from legs.forms.comments import CHECKED_FIELDS, CommentEditForm, CommentForm
from legs.models import Comment, Status, Tip
from legs.models.comments import (
    EDIT_WINDOW,
    REPORT_NOTE_MAX_LENGTH,
    THREADS_PER_PAGE,
    ReportReason,
    ip_hash,
)

# The session remembers a visitor's own comments so they can see them while they wait.
SESSION_KEY = "own_comment_ids"
SESSION_KEEP = 50
EDIT_TOKENS_KEY = "comment_edit_tokens"
EDIT_SALT = "legs.comments.edit"

HELD_NOTICE = (
    "Thank you! Your comment is awaiting moderation. You can see it below; others will once "
    "a moderator has approved it."
)
PUBLISHED_NOTICE = "Thank you! Your comment is published."
HELD_AFTER_EDIT = (
    "Your comment is changed. It now waits for a moderator, as a new comment with links would; "
    "you can see it below."
)
REPORTS_REFUSED = (
    "You have sent many reports in a short time. Please wait an hour before you report more; "
    "the comments you have reported are with a moderator."
)


@dataclass
class Thread:
    """Everything the thread template needs, under one name in the page's context."""

    tip: Tip
    count: int
    # The page of threads with its order and page links (legs/comment_html.py).
    entries: SafeString
    form: CommentForm
    notice: str = ""


def own_comment_ids(request: HttpRequest) -> list[int]:
    return [pk for pk in request.session.get(SESSION_KEY, []) if isinstance(pk, int)]


def _remember(request: HttpRequest, comment: Comment) -> None:
    request.session[SESSION_KEY] = [*own_comment_ids(request), comment.pk][-SESSION_KEEP:]
    if not request.user.is_authenticated:
        # A visitor proves a comment is theirs, to edit it, by a signed token in their session.
        tokens = dict(list(request.session.get(EDIT_TOKENS_KEY, {}).items())[-SESSION_KEEP:])
        tokens[str(comment.pk)] = signing.dumps(comment.pk, salt=EDIT_SALT)
        request.session[EDIT_TOKENS_KEY] = tokens


def _may_edit(request: HttpRequest, comment: Comment) -> bool:
    """The author, within EDIT_WINDOW of posting: a member by account, a visitor by the
    signed token their session got when they posted it."""
    if not comment.is_editable_now:
        return False
    if request.user.is_authenticated:
        return comment.user_id == request.user.pk
    token = request.session.get(EDIT_TOKENS_KEY, {}).get(str(comment.pk), "")
    try:
        return signing.loads(token, salt=EDIT_SALT, max_age=EDIT_WINDOW) == comment.pk
    except signing.BadSignature:
        return False


def _editable_ids(request: HttpRequest, threads: list[Comment]) -> set[int]:
    """The comments on this page of threads their reader may still edit (no query)."""
    shown = [c for thread in threads for c in (thread, *thread.replies.all())]
    return {c.pk for c in shown if _may_edit(request, c)}


def _ip_hash(request: HttpRequest) -> str:
    return ip_hash(client_ip(request))


def _published_tip(slug: str) -> Tip:
    return get_object_or_404(Tip.objects.published(), slug=slug)


def thread_context(
    request: HttpRequest,
    tip: Tip,
    *,
    form: CommentForm | None = None,
    notice: str = "",
    showing: Comment | None = None,
) -> dict[str, Thread]:
    """The tip's thread as this reader sees it; a bound reply `form` is shown in its place.

    One page of threads (newest first, or oldest first as asked): the page holding
    `showing`'s thread (a comment just posted), else the page asked for in ``?page=`` (a bad
    number gets the nearest page). A reader who sees only public comments gets the page
    everyone gets, cached (legs/comment_cache.py); anyone else's is drawn for them.
    """
    reply_form = form if form is not None and form.reply_to is not None else None
    if form is None or reply_form is not None:
        form = CommentForm(tip=tip, user=request.user, request=request)
    own_ids = own_comment_ids(request)
    if showing is None and reply_form is not None:
        showing = reply_form.reply_to
    # A comment just posted is shown where it lands in the usual order, newest first.
    oldest_first = showing is None and request.GET.get("order") == comment_html.OLDEST_FIRST
    personal = showing is not None or _has_own_comments(request, tip, own_ids)
    if personal:
        count, segments = _personal_page(
            request,
            tip,
            own_ids=own_ids,
            showing=showing,
            reply_form=reply_form,
            oldest_first=oldest_first,
        )
    else:
        count, segments = _public_page(request, tip, oldest_first=oldest_first)
    thread = Thread(
        tip=tip,
        count=count,
        entries=comment_html.with_csrf(segments, get_token(request)),
        form=form,
        notice=notice,
    )
    return {"thread": thread}


def _has_own_comments(request: HttpRequest, tip: Tip, own_ids: list[int]) -> bool:
    # The tip page reads it with the tip (TipQuerySet.for_page); the comment views ask here.
    if hasattr(tip, "has_own_comments"):
        return tip.has_own_comments
    return Comment.objects.for_tip(tip).shown_only_to(request.user, own_ids).exists()


def _public_page(
    request: HttpRequest, tip: Tip, *, oldest_first: bool
) -> tuple[int, list[SafeString]]:
    """The page asked for of the thread everyone sees, from the cache (no query) or drawn and
    kept there: the public comments' count and the page's segments."""
    counts = comment_cache.counts(tip)
    # A paginator over a range counts without a query, and finds the nearest page as one over
    # the threads would.
    page = Paginator(range(counts.threads), THREADS_PER_PAGE).get_page(request.GET.get("page"))
    key = comment_cache.page_key(tip, number=page.number, oldest_first=oldest_first)
    segments = comment_cache.get_page(key)
    if segments is None:
        rows = page.object_list
        threads = Comment.objects.threads(tip, oldest_first=oldest_first)[rows.start : rows.stop]
        pages = comment_html.Pages(number=page.number, count=page.paginator.num_pages)
        segments = comment_html.draw(tip, list(threads), pages, oldest_first=oldest_first)
        comment_cache.put_page(key, segments)
    return counts.comments, segments


def _personal_page(
    request: HttpRequest,
    tip: Tip,
    *,
    own_ids: list[int],
    showing: Comment | None,
    reply_form: CommentForm | None,
    oldest_first: bool,
) -> tuple[int, list[SafeString]]:
    """The page of the thread as this reader alone sees it (their waiting comments, their
    Edit links, a reply form with its errors): the public comments' count and the page's
    segments. Four queries however many comments (a fifth finds a new comment's page)."""
    number = (
        showing.thread_page(user=request.user, own_ids=own_ids)
        if showing is not None
        else request.GET.get("page")
    )
    threads = Comment.objects.threads(
        tip, user=request.user, own_ids=own_ids, oldest_first=oldest_first
    )
    page = Paginator(threads, THREADS_PER_PAGE).get_page(number)
    shown = list(page.object_list)

    def reply_slot(thread: Comment) -> SafeString | str:
        if reply_form is None or reply_form.reply_to.pk != thread.pk:
            return ""
        return render_to_string("legs/comments/_form.html", {"form": reply_form}, request)

    segments = comment_html.draw(
        tip,
        shown,
        comment_html.Pages(number=page.number, count=page.paginator.num_pages),
        oldest_first=oldest_first,
        editable_ids=_editable_ids(request, shown),
        reply_slot=reply_slot,
    )
    return Comment.objects.approved().for_tip(tip).count(), segments


def thread_fragment(request: HttpRequest, context: dict[str, Thread]) -> HttpResponse:
    """The thread region alone (count and notice out of band), in place of the old one."""
    response = render_page(request, "legs/comments/page.html", context, fragment="swap")
    retarget(response, "#comment-thread")
    reswap(response, "outerHTML")
    return response


def _thread_response(
    request: HttpRequest,
    tip: Tip,
    *,
    form: CommentForm | None = None,
    notice: str = "",
    showing: Comment | None = None,
    status: int = 200,
) -> HttpResponse:
    """The thread region for HTMX (count and notice out of band), else the comments page."""
    context = thread_context(request, tip, form=form, notice=notice, showing=showing)
    if wants_fragment(request):
        # Whatever form sent it (comment or reply), the whole thread is redrawn.
        response = thread_fragment(request, context)
        response.status_code = status
        return response
    return render_page(request, "legs/comments/page.html", context, fragment="swap", status=status)


@require_POST
def comment_post(request: HttpRequest, slug: str) -> HttpResponse:
    """Post a comment or a reply.

    HTMX: the thread comes back, with the form's errors or the new comment and a notice.
    Without JS: post/redirect/get to the tip's thread, or a page with the form and its errors
    (a reply's on the reply page).
    """
    tip = _published_tip(slug)
    form = CommentForm(
        request.POST, tip=tip, user=request.user, ip=client_ip(request), request=request
    )
    if not form.is_valid():
        # A flood is refused with 429, as log-in, sign-up and password reset refuse theirs;
        # HTMX gets 200 (it swaps no 4xx), so the reader still sees why, with the text kept.
        flooded = form.has_error(NON_FIELD_ERRORS, "rate_limited") and not wants_fragment(request)
        status = 429 if flooded else 200
        if form.reply_to is not None and not wants_fragment(request):
            return _reply_page(request, tip, form, status=status)
        return _thread_response(request, tip, form=form, status=status)
    data = form.cleaned_data
    comment = services.comment_post(
        tip=tip,
        body=data["body"],
        name=data.get("name", ""),
        email=data.get("email", ""),
        notify_on_reply=data.get("notify_on_reply", False),
        parent=data["parent"],
        user=request.user,
        ip_hash=_ip_hash(request),
    )
    _remember(request, comment)
    # Spam is not announced as such: its author is told the same as anyone held.
    notice = PUBLISHED_NOTICE if comment.status == Status.APPROVED else HELD_NOTICE
    spam = comment.status == Status.SPAM
    if wants_fragment(request):
        # The page of the new comment's thread: its author sees it even while it waits. Spam is
        # shown to nobody, so the page where it was posted (its parent's, or the first).
        showing = comment.parent if spam else comment
        return _thread_response(request, tip, notice=notice, showing=showing)
    messages.success(request, notice)
    if spam:
        return redirect(_thread_url(tip))
    return redirect(comment.thread_url(user=request.user, own_ids=own_comment_ids(request)))


def _thread_url(tip: Tip) -> str:
    return f"{tip.get_absolute_url()}#comments"


@require_POST
def comment_check(request: HttpRequest, slug: str) -> HttpResponse:
    """Check the one field the reader just left (HTMX): "Check input OK" or its error."""
    tip = _published_tip(slug)
    name = request.htmx.trigger_name if wants_fragment(request) else None
    form = CommentForm(request.POST, tip=tip, user=request.user, checking=True)
    if name not in CHECKED_FIELDS or name not in form.fields:
        return HttpResponseBadRequest("Nothing to check.")
    form.full_clean()
    context = {"field": form[name], "form": form, "checked": True}
    response = render(request, "legs/comments/_form.html#field", context)
    response["Cache-Control"] = "no-store"
    return response


def _reply_page(
    request: HttpRequest, tip: Tip, form: CommentForm, *, status: int = 200
) -> HttpResponse:
    # On its own page (no thread to redraw) the reply form posts plainly and comes back.
    context = {
        "tip": tip,
        "parent": form.reply_to,
        "form": form,
        "plain_post": not wants_fragment(request),
    }
    return render_page(
        request, "legs/comments/reply.html", context, fragment="reply_form", status=status
    )


@require_safe
def comment_reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The reply form: in place under the comment (HTMX), or a page of its own without JS."""
    tip = _published_tip(slug)
    parent = get_object_or_404(Comment.objects.approved().top_level().for_tip(tip), pk=pk)
    form = CommentForm(tip=tip, user=request.user, reply_to=parent, request=request)
    return _reply_page(request, tip, form)


@require_http_methods(["GET", "HEAD", "POST"])
def comment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The author changes their comment's text, for EDIT_WINDOW after posting.

    Anyone else's comment, or one past its window, is a 404 that says nothing of whose it
    is. An edit that adds links or a disallowed word goes back to moderation.
    """
    tip = _published_tip(slug)
    comment = get_object_or_404(Comment.objects.for_tip(tip).select_related("tip"), pk=pk)
    if not _may_edit(request, comment):
        raise Http404("No comment of yours to edit here.")
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        comment = services.comment_edit(comment=comment, body=form.cleaned_data["body"])
        if comment.is_public:
            messages.success(request, "Your comment is changed.")
        else:
            messages.info(request, HELD_AFTER_EDIT)
        return redirect(comment.thread_url(user=request.user, own_ids=own_comment_ids(request)))
    response = render(
        request, "legs/comments/edit.html", {"tip": tip, "comment": comment, "form": form}
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _report_reason(request: HttpRequest) -> dict[str, str]:
    """The reader's reason (anything unknown, or none, is "something else") and their short
    note, on one line."""
    reason = request.POST.get("reason", "")
    if reason not in ReportReason.values:
        reason = ReportReason.OTHER
    note = " ".join(request.POST.get("note", "").split())[:REPORT_NOTE_MAX_LENGTH]
    return {"reason": reason, "note": note}


@require_POST
def comment_report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Report a public comment; an address or an account counts once, and enough weight hides it.

    Reports are limited per address and per account (429, or 200 with the reason for HTMX,
    which swaps no 4xx).
    """
    tip = _published_tip(slug)
    comment = get_object_or_404(Comment.objects.approved().for_tip(tip), pk=pk)
    member = request.user if request.user.is_authenticated else None
    identities = [f"ip:{client_ip(request)}", f"user:{member.pk}" if member else ""]
    status = 200
    if not report_throttle().allow(*identities):
        text, status = REPORTS_REFUSED, 429
    elif services.comment_report(
        comment=comment, ip_hash=_ip_hash(request), user=member, **_report_reason(request)
    ):
        text = "Thank you for telling us. A moderator will look at this comment."
    else:
        text = "You have reported this comment already. A moderator will look at it."
    if wants_fragment(request):
        return render(request, "legs/comments/_reported.html", {"text": text})
    if status == 429:
        return _thread_response(request, tip, notice=text, status=status)
    messages.info(request, text)
    return redirect(_thread_url(tip))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def comment_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """Stop reply emails for one comment: the signed token is the only key needed.

    GET shows the page with its one button; POST (that button, or a mail program's own
    one-click unsubscribe, RFC 8058) switches the emails off. CSRF does not apply: the token
    in the address authorises the request and turning emails off is all it can do.
    """
    comment = Comment.from_unsubscribe_token(token)
    if comment is None:
        context = {"invalid": True}
        return render(request, "legs/comments/unsubscribe.html", context, status=404)
    done = False
    if request.method == "POST":
        services.comment_unsubscribe(comment=comment)
        done = True
    context = {"comment": comment, "done": done or not comment.notify_on_reply}
    return render(request, "legs/comments/unsubscribe.html", context)
