"""Try a tip: a member's trials of tips and their results, under /diary/experiments/.

Every view is for the signed-in member and reads through the owner
(``Trial.objects.for_user(request.user)``), so another member's trial is a 404 that leaks
nothing. Results are worked out from the diary on each view (``legs.trials``), for a whole
page of trials in a fixed number of queries (``trial_reports``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from config.htmx import wants_fragment
from legs import exports, formats, services, trials
from legs.forms.trials import TrialStartForm
from legs.models import CheckIn, Run, Tip, Trial, TrialLength
from legs.models.diary import member_today
from legs.models.trials import TrialReport, trial_reports

PAGE_SIZE = 10  # each trial's result runs a permutation test: a short page stays quick


# Boxes on other pages.


def try_box(user: User, tip: Tip) -> dict[str, Any]:
    """The tip page's "Try this" box: the member's running trial of the tip, if any, and how
    many other tips they are trying (one query)."""
    if not user.is_authenticated:
        return {"tip": tip}
    today = member_today(user)
    # Without their tips: only this page's own is shown, and it is at hand.
    running = list(Trial.objects.for_user(user).running(today).select_related(None))
    mine = next((trial for trial in running if trial.tip_id == tip.pk), None)
    if mine:
        mine.tip = tip
    return {
        "tip": tip,
        "running_trial": TrialReport(mine, today) if mine else None,
        "others_running": _other_tips(sum(trial.tip_id != tip.pk for trial in running)),
        "lengths": TrialLength.choices,
    }


def _other_tips(count: int) -> str:
    return formats.plural(count, "other tip") if count else ""


@dataclass(frozen=True)
class TipRef:
    slug: str
    title: str


def running_trials(user: User, today: date) -> list[Trial]:
    """The member's trials running today, for the dashboard (one query)."""
    return list(Trial.objects.for_user(user).running(today).order_by("start", "pk"))


def adherence_basis(trial: Trial, today: date) -> str:
    """What a running trial's count of days done reads besides the diary: the habit and the
    days so far (the dashboard caches the counts under the diary stamp and these)."""
    span = trial.so_far(today)
    return f"{trial.pk}/{trial.habit}/{span.first}/{span.last}"


def running_adherence(
    user: User, today: date, running: list[Trial], diary: tuple[list[Run], list[CheckIn]]
) -> list[trials.Adherence]:
    """How often each running trial was done, counted in ``diary``: the runs and check-ins of
    the insight window the dashboard has read (a running trial began at most 28 days ago, and
    its rest rule looks 13 days further back: well inside the window's 84 days)."""
    reports = trial_reports(user, today, running, results=False, diary=diary)
    return [report.adherence for report in reports]


def dashboard_box(tip_titles: dict[str, str], running: list[TrialReport]) -> dict[str, Any]:
    """The dashboard's trials box: each running trial (day n of N, done on x of y) and the tips
    the insights point to that the member is not trying yet (``tip_titles``: slug -> title)."""
    trying = {report.trial.tip.slug for report in running}
    return {
        "running": running,
        "suggested": [
            TipRef(slug, title) for slug, title in tip_titles.items() if slug not in trying
        ],
        "lengths": TrialLength.choices,
    }


# Pages.


@login_required
@require_safe
def trial_list(request: HttpRequest) -> HttpResponse:
    """Running trials first, then finished ones, newest first, each with its result."""
    user = request.user
    today = member_today(user)
    page = Paginator(Trial.objects.for_user(user), PAGE_SIZE).get_page(request.GET.get("page"))
    reports = trial_reports(user, today, list(page))
    context = {
        "page": page,
        "running": [report for report in reports if report.running],
        "finished": [report for report in reports if not report.running],
    }
    return render(request, "legs/trials/list.html", context)


@login_required
@require_safe
def trial_detail(request: HttpRequest, pk: int) -> HttpResponse:
    trial = get_object_or_404(Trial.objects.for_user(request.user), pk=pk)
    (report,) = trial_reports(request.user, member_today(request.user), [trial])
    context = {
        "report": report,
        "permutations": f"{trials.PERMUTATIONS:,}",
        "min_entries": trials.MIN_ENTRIES,
    }
    return render(request, "legs/trials/detail.html", context)


def _start_answer(request: HttpRequest, form: TrialStartForm, trial: Trial | None) -> HttpResponse:
    """HTMX gets the tip's try box (its new state, or the form with its errors); without JS a
    started trial redirects to its page and a refused one shows the form page again."""
    if wants_fragment(request):
        context = {
            "tip": form.cleaned_data.get("tip"),
            "form": form,
            "lengths": TrialLength.choices,
            "running_trial": TrialReport(trial, trial.start) if trial else None,
        }
        response = render(request, "legs/trials/_try_box.html", context)
        patch_vary_headers(response, ["HX-Request"])
        return response
    if trial is not None:
        return redirect(trial)
    return render(request, "legs/trials/start.html", {"form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def trial_start(request: HttpRequest) -> HttpResponse:
    """GET: a form to pick a tip (``?tip=<slug>`` chooses it) and a length. POST: start it today,
    from this page, a tip's page or the dashboard."""
    user = request.user
    if request.method != "POST":
        form = TrialStartForm(initial={"tip": request.GET.get("tip", "")[:50], "length_days": 14})
        return render(request, "legs/trials/start.html", {"form": form})
    form = TrialStartForm(request.POST)
    trial = None
    if form.is_valid():
        new = form.save(commit=False)
        new.user = user
        new.start = member_today(user)
        try:
            trial = services.trial_start(trial=new)
        except services.TrialRunning as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                f"Trial started: “{trial.tip.title}” for {trial.length_days} days, until "
                f"{formats.day(trial.last_day)}.",
            )
    return _start_answer(request, form, trial)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def trial_stop(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST ends the trial today. A trial already over has nothing
    to stop: both go back to its page."""
    trial = get_object_or_404(Trial.objects.for_user(request.user), pk=pk)
    today = member_today(request.user)
    if not trial.is_running(today):
        messages.info(request, f"Your trial of “{trial.tip.title}” is already over.")
        return redirect(trial)
    if request.method == "POST":
        trial.stop(today)
        messages.success(
            request,
            f"Trial of “{trial.tip.title}” stopped after "
            f"{formats.plural(trial.so_far(today).days, 'day')}.",
        )
        return redirect(trial)
    context = {"report": TrialReport(trial, today)}
    return render(request, "legs/trials/confirm_stop.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def trial_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    trial = get_object_or_404(Trial.objects.for_user(request.user), pk=pk)
    if request.method == "POST":
        trial.delete()
        messages.success(request, f"Trial of “{trial.tip.title}” deleted.")
        return redirect("trial_list")
    return render(request, "legs/trials/confirm_delete.html", {"trial": trial})


# Data out.

CSV_COLUMNS = [
    "tip",
    "title",
    "start",
    "length_days",
    "last_day",
    "stopped_on",
    "done",
    "out_of",
    *(
        f"{side}_{column}"
        for side in exports.TRIAL_SIDES
        for column in (
            "before_count",
            "before_mean",
            "during_count",
            "during_mean",
            "difference",
            "p_value",
            "verdict",
        )
    ),
]


def _csv_cell(value: Any) -> str:
    return (
        ""
        if value is None
        else formats.plain_number(value)
        if isinstance(value, float)
        else str(value)
    )


def _csv_row(trial: dict[str, Any]) -> dict[str, str]:
    row = {column: _csv_cell(trial[column]) for column in CSV_COLUMNS[:8]}
    for side in exports.TRIAL_SIDES:
        values = trial[side]
        row[f"{side}_before_count"] = str(len(values["before"]))
        row[f"{side}_during_count"] = str(len(values["during"]))
        for key in ("before_mean", "during_mean", "difference", "p_value", "verdict"):
            row[f"{side}_{key}"] = _csv_cell(values[key])
    return row


@never_cache
@login_required
@require_safe
def trial_export(request: HttpRequest) -> HttpResponse:
    """The member's trials and their results as CSV, one row per trial.

    Apart from the diary's CSV, which is the import's round-trip format of runs and check-ins:
    a trial is not a diary entry, and its result is worked out from the entries around it.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(_csv_row(trial) for trial in exports.trials_json(request.user))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"lighter-legs-experiments-{member_today(request.user).isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
