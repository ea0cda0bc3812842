"""The catalogue: home, tips list and detail, causes, "What's being asked", and "My tips"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import push_url

from config.htmx import render_page, wants_fragment
from config.public_cache import cache_public_page
from legs import tip_cache
from legs.forms.tips import TipFilterForm
from legs.models import Cause, Fact, Phase, Question, SavedTip, Source, Tip
from legs.models.comments import with_comment_counts
from legs.models.tips import group_by_phase, group_by_source_heading, search_beyond_tips
from legs.views.comments import own_comment_ids, thread_context, thread_fragment
from legs.views.trials import try_box


@require_safe
@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "causes": Cause.objects.all(),
        "facts": Fact.objects.select_related("source")[:3],
    }
    return render(request, "legs/home.html", context)


@require_safe
@cache_public_page(reads=("q", "phase", "cause"))
def tip_list(request: HttpRequest) -> HttpResponse:
    """All tips grouped by phase, narrowed by ?q=, ?phase= and ?cause=; a plain ?q= search
    also lists the causes, reader questions and facts that hold its words, by kind.

    HTMX requests (the search box and selects) get only the `results` fragment, and the
    address bar gets the tidy filtered URL. A filter value that fails validation is ignored
    and explained above the list.
    """
    form = TipFilterForm(request.GET)
    filters = form.valid_filters()
    tips = with_comment_counts(Tip.objects.published().with_causes())
    if "phase" in filters:
        tips = tips.in_phase(filters["phase"])
    if "cause" in filters:
        tips = tips.for_cause(filters["cause"])
    if "q" in filters:
        tips = tips.search(filters["q"])
    tips = list(tips)
    # A word search also covers what the site says elsewhere; phase and cause narrow tips only,
    # so with either of them the list stays a list of tips.
    elsewhere = search_beyond_tips(filters["q"]) if filters.keys() == {"q"} else []
    params = TipFilterForm.query_params(filters)
    url = reverse("tip_list") + (f"?{urlencode(params)}" if params else "")
    context = {
        "form": TipFilterForm.showing(filters),
        "filters": filters,
        "phase_label": Phase(filters["phase"]).label if "phase" in filters else "",
        "notices": form.notices(),
        "groups": group_by_phase(tips),
        "tip_count": len(tips),
        "elsewhere": elsewhere,
        "is_fragment": wants_fragment(request),
        "saved_ids": SavedTip.objects.tip_ids(request.user),
        "back_to": url,
    }
    response = render_page(request, "legs/tips/list.html", context, fragment="results")
    if context["is_fragment"]:
        # Replaces the form's raw URL (empty parameters, bad values) in the address bar.
        push_url(response, url)
    return response


@require_safe
@cache_public_page(reads=("page", "order"))  # the comment threads' page and order
def tip_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tip = get_object_or_404(
        Tip.objects.published().for_page(request.user, own_comment_ids(request)), slug=slug
    )
    context = {
        "tip": tip,
        "tip_parts": tip_cache.parts(tip),
        "is_saved": tip.is_saved,
        "back_to": request.get_full_path(),
        "try_box": try_box(request.user, tip),
    } | thread_context(request, tip)
    if wants_fragment(request):
        # The thread's "oldest first / newest first" links ask for the thread alone.
        return thread_fragment(request, context)
    response = render(request, "legs/tips/detail.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _safe_back_to(request: HttpRequest, tip: Tip) -> str:
    """Where a save/unsave form came from, if it is on this site; else the tip's page."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return tip.get_absolute_url()


def _save_state(request: HttpRequest, slug: str, *, save: bool) -> HttpResponse:
    """Save or unsave a published tip for the signed-in member (both are idempotent).

    HTMX gets the save box's new state; without JavaScript, post/redirect/get back to the
    page the form was on. A visitor is sent to log in and then back to the tip (not to this
    POST-only URL, which a log-in redirect would otherwise GET).
    """
    tip = get_object_or_404(Tip.objects.published(), slug=slug)
    if not request.user.is_authenticated:
        return redirect_to_login(tip.get_absolute_url())
    if save:
        SavedTip.objects.get_or_create(user=request.user, tip=tip)
    else:
        SavedTip.objects.filter(user=request.user, tip=tip).delete()
    back_to = _safe_back_to(request, tip)
    if wants_fragment(request):
        context = {"tip": tip, "is_saved": save, "back_to": back_to}
        return render(request, "legs/tips/_save_box.html", context)
    if save:
        messages.success(request, f"Saved “{tip.title}” to My tips.")
    else:
        messages.info(request, f"Removed “{tip.title}” from My tips.")
    # An address, never a view name for redirect() to reverse (a `next` of "0" was a 500).
    return HttpResponseRedirect(back_to)


@require_POST
def tip_save(request: HttpRequest, slug: str) -> HttpResponse:
    return _save_state(request, slug, save=True)


@require_POST
def tip_unsave(request: HttpRequest, slug: str) -> HttpResponse:
    return _save_state(request, slug, save=False)


@login_required
@require_safe
def saved_tips(request: HttpRequest) -> HttpResponse:
    """My tips: the signed-in member's saved tips, newest first (only ever their own)."""
    saved = SavedTip.objects.for_user(request.user)
    return render(
        request, "legs/tips/saved.html", {"saved": saved, "back_to": request.get_full_path()}
    )


@require_safe
@cache_public_page
def cause_list(request: HttpRequest) -> HttpResponse:
    causes = Cause.objects.annotate(
        tip_count=Count("tips", filter=Q(tips__is_published=True))
    ).order_by("order", "name")
    return render(request, "legs/tips/cause_list.html", {"causes": causes})


@require_safe
@cache_public_page
def cause_detail(request: HttpRequest, slug: str) -> HttpResponse:
    cause = get_object_or_404(Cause, slug=slug)
    tips = Tip.objects.published().with_causes().for_cause(cause)
    return render(
        request, "legs/tips/cause_detail.html", {"cause": cause, "groups": group_by_phase(tips)}
    )


@require_safe
@cache_public_page
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One article's tips in the order it gives them, under its own headings."""
    source = get_object_or_404(Source, slug=slug)
    tips = Tip.objects.published().with_causes().filter(source=source)
    context = {"source": source, "groups": group_by_source_heading(tips)}
    return render(request, "legs/tips/source_detail.html", context)


@require_safe
@cache_public_page
def asked(request: HttpRequest) -> HttpResponse:
    context = {
        "questions": Question.objects.published(),
        "facts": Fact.objects.select_related("source", "tip"),
    }
    return render(request, "legs/tips/asked.html", context)
