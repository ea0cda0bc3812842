"""The private diary: dashboard with quick add, runs, check-ins, CSV in and out.

Every view is for the signed-in member only and reads through the owner
(``Run.objects.for_user(request.user)``), so another member's id is a 404 that leaks nothing.
The dashboard reads a bounded window (``insights.WINDOW_DAYS``) and aggregates the weekly chart
in the database, so its work does not grow with the length of the diary.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from config.htmx import render_page, wants_fragment
from legs import diary_io, formats, services
from legs.charts import RatioPoint, SleepPoint, WeekTotal
from legs.forms.diary import CheckInForm, ImportForm, QuickRunForm, RunForm
from legs.insights import acwr, build_insights, running_streak
from legs.models import CheckIn, ChecklistRun, Run, Tip
from legs.models.diary import member_today, member_zone

PAGE_SIZE = 20
RECENT = 5
CHART_WEEKS = 12
RATIO_DAYS = 56  # 8 weeks; each day's ratio looks back 28 days, inside the 84-day window


def _weekly_series(user: User, today: date) -> list[WeekTotal]:
    """Distance and mean heaviness (runs and morning check-ins) per week, summed in the
    database over the last 12 weeks (this week included)."""
    first_monday = today - timedelta(days=today.weekday(), weeks=CHART_WEEKS - 1)
    runs = Run.objects.for_user(user).weekly_totals(first_monday, today)
    checkins = CheckIn.objects.for_user(user).weekly_totals(first_monday, today)
    weeks = []
    for n in range(CHART_WEEKS):
        monday = first_monday + timedelta(weeks=n)
        run_week = runs.get(monday, {})
        checkin_week = checkins.get(monday, {})
        rated = (run_week.get("rated") or 0) + (checkin_week.get("rated") or 0)
        heaviness = (run_week.get("heaviness") or 0) + (checkin_week.get("heaviness") or 0)
        weeks.append(
            WeekTotal(
                start=monday,
                distance=formats.km_to(run_week.get("km") or 0, user.units),
                heaviness=heaviness / rated if rated else None,
            )
        )
    return weeks


def _dashboard_context(user: User, today: date, form: QuickRunForm) -> dict[str, Any]:
    """Everything the dashboard shows, in a fixed number of queries whatever the diary's size."""
    runs = list(Run.objects.for_user(user).in_window(today).for_insights())
    checkins = list(CheckIn.objects.for_user(user).in_window(today).for_insights())
    insights = build_insights(runs=runs, checkins=checkins, today=today, unit=user.units)
    slugs = {insight.tip_slug for insight in insights if insight.tip_slug}
    tip_titles = dict(Tip.objects.filter(slug__in=slugs).values_list("slug", "title"))
    recent_runs = list(Run.objects.for_user(user)[:RECENT])
    recent_checkins = list(CheckIn.objects.for_user(user)[:RECENT])
    recent_checklist_runs = list(ChecklistRun.objects.for_user(user).for_listing()[:RECENT])
    week_start = today - timedelta(days=6)
    last_week = [run for run in runs if run.date >= week_start]
    return {
        "form": form,
        "today": today,
        "is_empty": not recent_runs and not recent_checkins,
        "insights": [
            {"insight": insight, "tip_title": tip_titles.get(insight.tip_slug, "")}
            for insight in insights
        ],
        "weeks": _weekly_series(user, today),
        "ratios": [
            RatioPoint(day, acwr(runs, day))
            for day in (today - timedelta(days=n) for n in range(RATIO_DAYS - 1, -1, -1))
        ],
        "sleep": [
            SleepPoint(checkin.date, float(checkin.sleep_hours), checkin.leg_heaviness)
            for checkin in checkins
        ],
        "week_km": sum((run.distance_km for run in last_week), 0),
        "week_runs": len(last_week),
        "streak": running_streak(runs, checkins, today),
        "recent_runs": recent_runs,
        "recent_checkins": recent_checkins,
        "recent_checklist_runs": recent_checklist_runs,
    }


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dashboard(request: HttpRequest) -> HttpResponse:
    """The diary's home, and the target of the quick-add run form.

    GET: the page, or for HTMX its summary fragment (insights, charts, recent entries).
    POST (quick add): without JS, post/redirect/get back here. With HTMX, a fresh form plus the
    summary swapped out of band, so the new run shows in the charts and insights in place; an
    invalid HTMX post answers 200 with the form and its errors.
    """
    user = request.user
    today = member_today(user)
    form = QuickRunForm(request.POST or None, user=user, today=today)
    if request.method == "POST":
        if form.is_valid():
            run = form.save()
            messages.success(
                request,
                f"Run added: {formats.distance(run.distance_km, user.units)} on "
                f"{formats.day(run.date)}. Your insights and charts are updated.",
            )
            if not wants_fragment(request):
                return redirect("diary")
            context = _dashboard_context(user, today, QuickRunForm(user=user, today=today))
            return render_page(
                request, "legs/diary/dashboard.html", context, fragment="quick_add_done"
            )
        if wants_fragment(request):
            return render_page(
                request, "legs/diary/dashboard.html", {"form": form}, fragment="quick_add"
            )
    context = _dashboard_context(user, today, form)
    return render_page(request, "legs/diary/dashboard.html", context, fragment="summary")


# Runs.


@login_required
@require_safe
def run_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Run.objects.for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "legs/diary/run_list.html", {"page": page})


def _checklist_run_to_link(request: HttpRequest) -> ChecklistRun | None:
    """The After-your-run checklist run a new run is to be linked to, if one is named.

    Named by ``?checklist_run=<id>`` on the way in and by a hidden field of the same name when
    the form is posted; fetched through the owner each time, so another member's id, an id
    that is not a number, or a run that cannot be linked (not finished, or of another
    checklist) is a 404.
    """
    data = request.POST if request.method == "POST" else request.GET
    raw = data.get("checklist_run", "").strip()
    if not raw:
        return None
    try:
        pk = int(raw)
    except ValueError:
        raise Http404("No such checklist run.") from None
    return get_object_or_404(
        ChecklistRun.objects.for_user(request.user).attachable().select_related("checklist"),
        pk=pk,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def run_create(request: HttpRequest) -> HttpResponse:
    """A new run; with ``checklist_run`` (see above) the checklist run is linked to it on save."""
    user = request.user
    checklist_run = _checklist_run_to_link(request)
    # The checklist's day where the member lives: logged the next morning, the run still
    # belongs to the day of the checklist.
    checklist_day = (
        timezone.localdate(checklist_run.started, timezone=member_zone(user))
        if checklist_run is not None
        else None
    )
    initial = {"date": checklist_day} if checklist_day else {}
    form = RunForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.diary_run_create(
                run=form.save(commit=False), checklist_run=checklist_run
            )
        except services.ChecklistRunNotAttachable as problem:
            form.add_error(None, f"The run is not saved: {problem}")
        else:
            saved = f"Run saved: {formats.distance(run.distance_km, user.units)}."
            if checklist_run is not None:
                saved += (
                    f" It is linked to your {checklist_run.checklist.title} checklist of "
                    f"{formats.day(checklist_day)}."
                )
            messages.success(request, saved)
            return redirect("diary")
    context = {"form": form, "checklist_run": checklist_run, "checklist_day": checklist_day}
    return render(request, "legs/diary/run_form.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def run_edit(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(Run.objects.for_user(request.user), pk=pk)
    form = RunForm(request.POST or None, instance=run, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Run of {formats.day(run.date)} updated.")
        return redirect("run_list")
    context = {
        "form": form,
        "run": run,
        "checklist_runs": run.checklist_runs.select_related("checklist"),
    }
    return render(request, "legs/diary/run_form.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def run_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    run = get_object_or_404(Run.objects.for_user(request.user), pk=pk)
    if request.method == "POST":
        run.delete()
        messages.success(request, f"Run of {formats.day(run.date)} deleted.")
        return redirect("run_list")
    return render(request, "legs/diary/run_confirm_delete.html", {"run": run})


# Check-ins.


@login_required
@require_safe
def checkin_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(CheckIn.objects.for_user(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "legs/diary/checkin_list.html", {"page": page})


def _save_checkin(form: CheckInForm) -> services.CheckInSaved | None:
    """Save through the one-per-day service, or put its refusal beside the form's date."""
    try:
        return services.checkin_save(checkin=form.save(commit=False))
    except services.CheckInDayTaken as refusal:
        form.add_error("date", str(refusal))
        return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_create(request: HttpRequest) -> HttpResponse:
    """A new check-in; for a day that already has one, the form edits that one instead."""
    user = request.user
    today = member_today(user)
    existing = None
    if request.method != "POST":
        existing = CheckIn.objects.for_user(user).filter(date=today).first()
    form = CheckInForm(request.POST or None, instance=existing, user=user, today=today)
    if request.method == "POST" and form.is_valid():
        saved = _save_checkin(form)
        if saved is not None:
            if saved.merged:
                messages.success(
                    request,
                    f"You already had a check-in for {formats.day(saved.checkin.date)}: "
                    "it is updated with these answers.",
                )
            else:
                messages.success(request, f"Check-in for {formats.day(saved.checkin.date)} saved.")
            return redirect("diary")
    context = {"form": form, "existing_today": existing}
    return render(request, "legs/diary/checkin_form.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    checkin = get_object_or_404(CheckIn.objects.for_user(request.user), pk=pk)
    form = CheckInForm(request.POST or None, instance=checkin, user=request.user)
    if request.method == "POST" and form.is_valid() and _save_checkin(form):
        messages.success(request, f"Check-in for {formats.day(checkin.date)} updated.")
        return redirect("checkin_list")
    return render(request, "legs/diary/checkin_form.html", {"form": form, "checkin": checkin})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    checkin = get_object_or_404(CheckIn.objects.for_user(request.user), pk=pk)
    if request.method == "POST":
        checkin.delete()
        messages.success(request, f"Check-in for {formats.day(checkin.date)} deleted.")
        return redirect("checkin_list")
    return render(request, "legs/diary/checkin_confirm_delete.html", {"checkin": checkin})


# CSV.


@never_cache
@login_required
@require_safe
def diary_export(request: HttpRequest) -> HttpResponse:
    """The whole diary as one CSV (runs and check-ins, a ``type`` column tells them apart)."""
    out = io.StringIO()
    diary_io.write_csv(request.user, out)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"lighter-legs-diary-{member_today(request.user).isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _import_summary(result: services.DiaryImportResult, parsed: diary_io.ParsedImport) -> str:
    added = formats.plural(result.runs_added, "new run")
    if parsed.source == "lighter-legs":
        added += " and " + formats.plural(result.checkins_added, "new check-in")
    parts = [f"Imported {added}."]
    if result.runs_already_there:
        parts.append(
            f"{formats.plural(result.runs_already_there, 'run')} already in your diary, "
            "not added again."
        )
    if result.checkins_updated:
        parts.append(f"{formats.plural(result.checkins_updated, 'existing check-in')} updated.")
    if parsed.skipped:
        kinds = ", ".join(f"{name}: {count}" for name, count in sorted(parsed.skipped.items()))
        total = formats.plural(sum(parsed.skipped.values()), "activity", "activities")
        parts.append(f"Skipped {total} that are not runs ({kinds}).")
    return " ".join(parts)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def diary_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV. Every row is checked first; any error imports nothing and lists the rows."""
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[diary_io.RowError] = []
    if request.method == "POST" and form.is_valid():
        try:
            parsed = diary_io.parse_csv(
                form.cleaned_data["file"].read(),
                user=request.user,
                default_rpe=form.cleaned_data["default_rpe"],
            )
        except diary_io.ImportFileError as problem:
            form.add_error("file", str(problem))
        else:
            if parsed.errors:
                errors = parsed.errors
            elif not parsed.runs and not parsed.checkins:
                others = sum(parsed.skipped.values())
                form.add_error(
                    "file",
                    "There are no runs or check-ins in that file"
                    + (
                        f" (only {formats.plural(others, 'other activity', 'other activities')})."
                        if others
                        else "."
                    ),
                )
            else:
                result = services.diary_import(
                    user=request.user, runs=parsed.runs, checkins=parsed.checkins
                )
                messages.success(request, _import_summary(result, parsed))
                return redirect("diary")
    context = {
        "form": form,
        "errors": errors[: diary_io.MAX_REPORTED_ERRORS],
        "more_errors": max(len(errors) - diary_io.MAX_REPORTED_ERRORS, 0),
        "error_count": len(errors),
    }
    return render(request, "legs/diary/import.html", context)
