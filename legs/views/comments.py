"""Comment threads under tips: reading, posting, replying in place, checking, reporting.

The tip page shows its thread with one addition to its view's context,
`| thread_context(request, tip)`, and one line in its template,
`{% include "legs/comments/_thread.html" %}`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.crypto import salted_hmac
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import reswap, retarget

from config.htmx import render_page, wants_fragment
from config.throttle import client_ip, report_throttle
from legs import services
from legs.forms.comments import CHECKED_FIELDS, CommentForm
from legs.models import Comment, Status, Tip
from legs.models.comments import THREADS_PER_PAGE

# The session remembers a visitor's own comments so they can see them while they wait.
SESSION_KEY = "own_comment_ids"
SESSION_KEEP = 50

HELD_NOTICE = (
    "Thank you! Your comment is awaiting moderation. You can see it below; others will once "
    "a moderator has approved it."
)
PUBLISHED_NOTICE = "Thank you! Your comment is published."
REPORTS_REFUSED = (
    "You have sent many reports in a short time. Please wait an hour before you report more; "
    "the comments you have reported are with a moderator."
)


@dataclass
class Thread:
    """Everything the thread template needs, under one name in the page's context."""

    tip: Tip
    threads: list[Comment]
    page: Page
    count: int
    form: CommentForm
    reply_form: CommentForm | None = None
    notice: str = ""


def _own_ids(request: HttpRequest) -> list[int]:
    return [pk for pk in request.session.get(SESSION_KEY, []) if isinstance(pk, int)]


def _remember(request: HttpRequest, comment: Comment) -> None:
    request.session[SESSION_KEY] = [*_own_ids(request), comment.pk][-SESSION_KEEP:]


def _ip_hash(request: HttpRequest) -> str:
    return salted_hmac("legs.comments.ip", client_ip(request)).hexdigest()[:32]


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

    One page of threads (newest first): the page holding `showing`'s thread (a comment just
    posted), else the page asked for in ``?page=`` (a bad number gets the nearest page).
    Four queries however many comments (a fifth finds a new comment's page): the threads
    counted, one page of them, all their replies, and the public comments counted.
    """
    reply_form = form if form is not None and form.reply_to is not None else None
    if form is None or reply_form is not None:
        form = CommentForm(tip=tip, user=request.user, request=request)
    own_ids = _own_ids(request)
    if showing is None and reply_form is not None:
        showing = reply_form.reply_to
    number = (
        showing.thread_page(user=request.user, own_ids=own_ids)
        if showing is not None
        else request.GET.get("page")
    )
    threads = Comment.objects.threads(tip, user=request.user, own_ids=own_ids)
    page = Paginator(threads, THREADS_PER_PAGE).get_page(number)
    thread = Thread(
        tip=tip,
        threads=list(page.object_list),
        page=page,
        count=Comment.objects.approved().for_tip(tip).count(),
        form=form,
        reply_form=reply_form,
        notice=notice,
    )
    return {"thread": thread}


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
    response = render_page(
        request, "legs/comments/page.html", context, fragment="swap", status=status
    )
    if wants_fragment(request):
        # Whatever form sent it (comment or reply), the whole thread is redrawn.
        retarget(response, "#comment-thread")
        reswap(response, "outerHTML")
    return response


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
    return redirect(comment.thread_url(user=request.user, own_ids=_own_ids(request)))


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
    elif services.comment_report(comment=comment, ip_hash=_ip_hash(request), user=member):
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
