"""The private diary: dashboard with quick add, runs, check-ins, calendar, totals, CSV in and out.

Every view is for the signed-in member only and reads through the owner
(``Run.objects.for_user(request.user)``), so another member's id is a 404 that leaks nothing.
The dashboard reads its runs and check-ins once each, over the days its insights and charts
need (``_reads_from``), and sums the charts' bars in the database: the same dozen queries for a
week of diary or for years, within the benchmark's budget (tests/bench/run.py).
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from config.htmx import render_page, wants_fragment
from config.uploads import upload_too_big
from legs import charts, diary_cache, diary_calendar, diary_io, formats, imports, services
from legs.forms.diary import CheckInForm, ImportForm, QuickRunForm, RunForm
from legs.insights import WINDOW_DAYS, acwr_series, build_insights, running_streak
from legs.models import CheckIn, ChecklistRun, Import, Run, Tip
from legs.models.diary import EARLIEST_DATE, member_today, member_zone
from legs.models.trials import TrialReport
from legs.views import trials
from legs.views.imports import pending_effort_context

PAGE_SIZE = 20
RECENT = 5
TOTALS_WEEKS = 52  # the totals page lists the weeks of the last year; months and years all


def _totals_rows(
    user: User, period: str, start: date | None, end: date
) -> list[diary_calendar.TotalsRow]:
    """The member's totals per period from start (or the beginning) to end, summed in the
    database (two queries), newest first."""
    return diary_calendar.totals_rows(
        period,
        Run.objects.for_user(user).totals(period, start, end),
        CheckIn.objects.for_user(user).totals(period, start, end),
        user.units,
    )


def _month_and_year_rows(
    user: User, end: date
) -> tuple[list[diary_calendar.TotalsRow], list[diary_calendar.TotalsRow]]:
    """The member's totals per month and per year up to end, newest first (two queries: the
    years are summed from the months)."""
    run_months, run_years = Run.objects.for_user(user).months_and_years(end)
    checkin_months, checkin_years = CheckIn.objects.for_user(user).months_and_years(end)
    return (
        diary_calendar.totals_rows("month", run_months, checkin_months, user.units),
        diary_calendar.totals_rows("year", run_years, checkin_years, user.units),
    )


def _chart_totals(
    starts: list[date], rows: list[diary_calendar.TotalsRow]
) -> list[charts.PeriodTotal]:
    """A bar per period start, from the rows of the periods with entries (zero for the rest)."""
    by_start = {row.start: row for row in rows}
    return [
        charts.PeriodTotal(start, 0.0)
        if (row := by_start.get(start)) is None
        else charts.PeriodTotal(start, row.distance, row.run_heaviness, row.waking_heaviness)
        for start in starts
    ]


def _chart_span(request: HttpRequest) -> charts.Span:
    """The span ``?span=`` names (for an HTMX quick add, the span of the page it was posted
    from); an unknown one is the default, not an error."""
    key = request.GET.get("span")
    if key is None and request.htmx and request.htmx.current_url:
        key = parse_qs(urlsplit(request.htmx.current_url).query).get("span", [""])[0]
    return charts.SPANS.get(key or "", charts.DEFAULT_SPAN)


# The unbound quick-add form's fields, drawn, per unit and day: they depend on nothing else
# (the labels name the unit, the date is today and at most today), and drawing the form's
# three selects was a sixth of the dashboard's time. A few entries at a time.
_QUICK_ADD_FIELDS: dict[tuple[str, date], str] = {}
_QUICK_ADD_KEPT = 16


def _quick_add(form: QuickRunForm) -> dict[str, Any]:
    """The quick-add form and its fields, drawn (kept when the form is unbound)."""
    key = (form.unit, form.today)
    fields_html = None if form.is_bound else _QUICK_ADD_FIELDS.get(key)
    if fields_html is None:
        fields_html = render_to_string("legs/diary/dashboard.html#quick_add_fields", {"form": form})
        if not form.is_bound:
            if len(_QUICK_ADD_FIELDS) >= _QUICK_ADD_KEPT:
                _QUICK_ADD_FIELDS.clear()
            _QUICK_ADD_FIELDS[key] = fields_html
    return {"form": form, "quick_add_fields": fields_html}


def _reads_from(span: charts.Span, today: date) -> tuple[date, date]:
    """The first day of the runs and of the check-ins the dashboard reads: the insight window,
    and further back what the charts over ``span`` read (runs: the loads behind the workload
    ratio's first day; check-ins: the mornings of the first bar). The whole diary for "all"."""
    if span.weeks is None:
        return EARLIEST_DATE, EARLIEST_DATE
    window = today - timedelta(WINDOW_DAYS - 1)
    _, starts = charts.span_bars(span, today, None)
    ratio_days = charts.ratio_days(span, today, None)
    return min(window, ratio_days[0] - timedelta(WINDOW_DAYS - 1)), min(window, starts[0])


def _charts_context(
    user: User, today: date, span: charts.Span, runs: list[Run], checkins: list[CheckIn]
) -> dict[str, Any]:
    """The three charts over `span`, in a fixed number of queries whatever the diary's length:
    bars and heaviness lines summed in the database, the loads and mornings taken from the
    runs and check-ins read for the whole dashboard (oldest first, from ``_reads_from``)."""
    first_day = None
    if span.weeks is None:
        first_day = min((entries[0].date for entries in (runs, checkins) if entries), default=None)
    period, starts = charts.span_bars(span, today, first_day)
    ratio_days = charts.ratio_days(span, today, first_day)
    return {
        "span": span,
        "period": period,
        "totals": _chart_totals(starts, _totals_rows(user, period, starts[0], today)),
        "ratios": [
            charts.RatioPoint(day, ratio)
            for day, ratio in zip(ratio_days, acwr_series(runs, ratio_days), strict=True)
        ],
        "sleep": [
            charts.SleepPoint(day.date, float(day.sleep_hours), day.leg_heaviness)
            for day in checkins
            if day.date >= starts[0]
        ],
    }


def _diary_digest(
    user: User, today: date, runs: list[Run], checkins: list[CheckIn]
) -> dict[str, Any]:
    """What the summary shows of the diary alone (runs and check-ins, the member's units and
    today), so cached under the diary stamp with the charts: the insights, the last week's
    figures and the recent runs and check-ins, drawn. ``runs`` and ``checkins`` are those of
    the insight window."""
    recent_runs = list(Run.objects.for_user(user)[:RECENT])
    recent_checkins = list(CheckIn.objects.for_user(user)[:RECENT])
    week_start = today - timedelta(days=6)
    last_week = [run for run in runs if run.date >= week_start]
    return {
        "insights": build_insights(runs=runs, checkins=checkins, today=today, unit=user.units),
        "week_km": sum((run.distance_km for run in last_week), 0),
        "week_runs": len(last_week),
        "streak": running_streak(runs, checkins, today),
        "is_empty": not recent_runs and not recent_checkins,
        "recent_html": render_to_string(
            "legs/diary/dashboard.html#recent_diary",
            {"user": user, "recent_runs": recent_runs, "recent_checkins": recent_checkins},
        ),
    }


def _dashboard_context(
    user: User, today: date, form: QuickRunForm, span: charts.Span = charts.DEFAULT_SPAN
) -> dict[str, Any]:
    """Everything the dashboard shows, in a fixed number of queries whatever the diary's size.

    What is drawn from the diary alone (the charts, the insights, the recent entries) is
    cached under the member's diary stamp, and the running trials' counts of days done
    under the stamp and each trial's habit and days; the runs and check-ins are read, once
    each (from ``_reads_from``), only when some of it is not. The rest (the checklists, the
    trials, the tips' titles, the runs waiting for their effort) is read on every visit, as
    other writes than the diary's change it.
    """
    running = trials.running_trials(user, today)
    charts_key = diary_cache.key("charts", user, today, span.key)
    digest_key = diary_cache.key("digest", user, today)
    trials_key = diary_cache.key(
        "trials", user, today, *(trials.adherence_basis(trial, today) for trial in running)
    )
    cached = diary_cache.get_many([charts_key, digest_key, trials_key])
    charts_html, digest = cached.get(charts_key), cached.get(digest_key)
    adherence = cached.get(trials_key, [])
    if charts_html is None or digest is None or (running and not adherence):
        if charts_html is None:
            runs_from, checkins_from = _reads_from(span, today)
        else:  # the charts are cached: the insights' window is all that is read
            runs_from = checkins_from = today - timedelta(WINDOW_DAYS - 1)
        all_runs = list(Run.objects.for_user(user).between(runs_from, today).for_dashboard())
        all_checkins = list(
            CheckIn.objects.for_user(user).between(checkins_from, today).for_dashboard()
        )
        # What the insight rules read (they look no further back than the window).
        window = today - timedelta(WINDOW_DAYS)
        diary: tuple[list[Run], list[CheckIn]] = (
            [run for run in all_runs if run.date > window],
            [checkin for checkin in all_checkins if checkin.date > window],
        )
        if digest is None:
            digest = _diary_digest(user, today, *diary)
            diary_cache.put(digest_key, digest)
        if running and not adherence:
            adherence = trials.running_adherence(user, today, running, diary)
            diary_cache.put(trials_key, adherence)
        if charts_html is None and not digest["is_empty"]:
            charts_html = render_to_string(
                "legs/diary/dashboard.html#charts",
                {"user": user, **_charts_context(user, today, span, all_runs, all_checkins)},
            )
            diary_cache.put(charts_key, charts_html)
    insights = digest["insights"]
    slugs = {insight.tip_slug for insight in insights if insight.tip_slug}
    tip_titles = dict(Tip.objects.filter(slug__in=slugs).values_list("slug", "title"))
    return {
        **digest,
        **_quick_add(form),
        "today": today,
        "insights": [
            {"insight": insight, "tip_title": tip_titles.get(insight.tip_slug, "")}
            for insight in insights
        ],
        "span": span,
        "spans": charts.SPANS.values(),
        "charts_html": charts_html,
        "recent_checklist_runs": list(ChecklistRun.objects.for_user(user).for_listing()[:RECENT]),
        "trials_box": trials.dashboard_box(
            tip_titles,
            [
                TrialReport(trial, today, adherence=counted)
                for trial, counted in zip(running, adherence, strict=True)
            ],
        ),
        **pending_effort_context(user),
    }


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dashboard(request: HttpRequest) -> HttpResponse:
    """The diary's home, and the target of the quick-add run form.

    GET: the page, or for HTMX its summary fragment (insights, charts, recent entries); the
    charts cover ``?span=`` (12w, 6m, 1y or all; anything else is 12w), whose links swap
    only the charts region out of that fragment.
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
            context = _dashboard_context(
                user, today, QuickRunForm(user=user, today=today), _chart_span(request)
            )
            return render_page(
                request, "legs/diary/dashboard.html", context, fragment="quick_add_done"
            )
        if wants_fragment(request):
            return render_page(
                request, "legs/diary/dashboard.html", _quick_add(form), fragment="quick_add"
            )
    context = _dashboard_context(user, today, form, _chart_span(request))
    return render_page(request, "legs/diary/dashboard.html", context, fragment="summary")


# Calendar and totals.


@never_cache
@login_required
@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    """A month of the diary, weeks from Monday with their totals: ``?month=YYYY-MM``, this month
    by default (and, with a note saying why, for a month that is not one or has not begun).

    Three queries whatever the diary's length: the runs and check-ins of the weeks shown and
    the weekly run totals; none when the month's weeks are cached (as HTML, under the
    member's diary stamp). For HTMX (the previous/next links) only the month fragment.
    """
    user = request.user
    today = member_today(user)
    choice = diary_calendar.choose_month(request.GET.get("month"), today)
    key = diary_cache.key("calendar", user, today, choice.first)
    cached = diary_cache.get(key)
    if cached is None:
        month = _calendar_month(user, today, choice.first)
        grid_html = render_to_string(
            "legs/diary/calendar.html#grid",
            {"user": user, "month": month, "weekdays": diary_calendar.WEEKDAYS},
        )
        # The weeks are in the HTML: the rest of the month is all the page needs besides.
        cached = (replace(month, weeks=[]), grid_html)
        diary_cache.put(key, cached)
    month, grid_html = cached
    context = {
        "month": month,
        "grid_html": grid_html,
        "problem": choice.problem,
        "is_fragment": wants_fragment(request),
    }
    return render_page(request, "legs/diary/calendar.html", context, fragment="month")


def _calendar_month(user: User, today: date, first: date) -> diary_calendar.Month:
    start, end = diary_calendar.grid_bounds(first)
    runs = Run.objects.for_user(user)
    return diary_calendar.build_month(
        first,
        today,
        runs=runs.between(start, end).for_calendar(),
        checkins=CheckIn.objects.for_user(user).between(start, end).for_calendar(),
        week_totals=runs.totals("week", start, end),
        unit=user.units,
    )


@never_cache
@login_required
@require_safe
def totals(request: HttpRequest) -> HttpResponse:
    """Distance, time, runs and the two heavinesses per week (the last year), month and year,
    newest first, with a chart of the monthly distance: four grouped queries, summed in the
    database, whatever the diary's length; drawn from the diary alone, so cached as HTML
    under the member's diary stamp."""
    user = request.user
    today = member_today(user)
    key = diary_cache.key("totals", user, today)
    totals_html = diary_cache.get(key)
    if totals_html is None:
        totals_html = render_to_string(
            "legs/diary/totals.html#totals", {"user": user, **_totals_context(user, today)}
        )
        diary_cache.put(key, totals_html)
    return render(request, "legs/diary/totals.html", {"totals_html": totals_html})


def _totals_context(user: User, today: date) -> dict[str, Any]:
    monday = today - timedelta(days=today.weekday())
    weeks = _totals_rows(user, "week", monday - timedelta(weeks=TOTALS_WEEKS - 1), today)
    months, years = _month_and_year_rows(user, today)
    chart_months = charts.recent_months(today, months[-1].start) if months else []
    return {
        "sections": [
            ("week", "Weeks of the last year", weeks),
            ("month", "Months", months),
            ("year", "Years", years),
        ],
        "chart_totals": _chart_totals(chart_months, months),
        "chart_title": f"since {formats.month(chart_months[0])}" if chart_months else "",
        "is_empty": not years,
    }


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


def _asked_day(request: HttpRequest, today: date) -> date | None:
    """The day a new entry's form starts on, from ``?date=YYYY-MM-DD`` (the calendar's "add a
    run" and "check in" links); None for anything that is not a day up to today."""
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return None
    return day if diary_calendar.EARLIEST_MONTH <= day <= today else None


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
    day = checklist_day or _asked_day(request, member_today(user))
    form = RunForm(request.POST or None, user=user, initial={"date": day} if day else {})
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
    """A new check-in, for today or the ``?date=`` given; for a day that already has one, the
    form edits that one instead."""
    user = request.user
    today = member_today(user)
    day = _asked_day(request, today) or today
    existing = None
    if request.method != "POST":
        existing = CheckIn.objects.for_user(user).filter(date=day).first()
    form = CheckInForm(
        request.POST or None,
        instance=existing,
        user=user,
        today=today,
        initial={"date": day},
    )
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
    context = {"form": form, "existing": existing, "day_is_today": day == today}
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


PAST_IMPORTS = 10


def _too_big(form: ImportForm) -> None:
    """Say the upload was refused for its size (config.uploads stopped reading it)."""
    form.is_valid()
    limit = settings.UPLOAD_MAX_BYTES / 1024 / 1024
    form.errors["file"] = form.error_class(
        [
            f"That upload is over the limit of {limit:g} MB, so it was not read. Upload the "
            "files a few at a time."
        ]
    )


def _import_csv_here(request: HttpRequest, form: ImportForm) -> list[diary_io.RowError] | None:
    """Import a small CSV within the request, all or nothing. None when it was imported; else
    the rows to fix (the form carries any other problem)."""
    try:
        parsed = diary_io.parse_csv(form.csv_upload.read(), user=request.user)
    except diary_io.ImportFileError as problem:
        form.add_error("file", str(problem))
        return []
    if parsed.errors:
        return parsed.errors
    if not parsed.runs and not parsed.checkins:
        others = sum(parsed.skipped.values())
        only = formats.plural(others, "other activity", "other activities")
        form.add_error(
            "file",
            "There are no runs or check-ins in that file" + (f" (only {only})." if others else "."),
        )
        return []
    try:
        result = services.diary_import(
            user=request.user, runs=parsed.runs, checkins=parsed.checkins
        )
    except services.DiaryFull as refusal:
        form.add_error("file", str(refusal))
        return []
    messages.success(request, imports.csv_summary(result, parsed))
    return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def diary_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV, activity files or a Strava export.

    A small CSV is checked and imported right here, all or nothing: any error imports nothing
    and lists the rows. Anything else (activity files, a Strava export zip, a CSV too big to
    read within a request) is stored privately and imported in the background: the answer is
    the import's progress page. Past imports are listed below the form.
    """
    user = request.user
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[diary_io.RowError] = []
    if request.method == "POST" and upload_too_big(request):
        _too_big(form)
    elif request.method == "POST" and form.is_valid():
        csv_upload = form.csv_upload
        if csv_upload is not None and csv_upload.size <= settings.IMPORT_INLINE_CSV_BYTES:
            errors = _import_csv_here(request, form)
            if errors is None:
                return redirect("diary")
        else:
            try:
                upload = services.import_start(
                    user=user,
                    uploads=form.cleaned_data["file"],
                    include_walks=form.cleaned_data["include_walks"],
                )
            except services.ImportAlreadyRunning as refusal:
                form.add_error("file", str(refusal))
            else:
                return redirect(upload)
    context = {
        "form": form,
        "errors": errors[: diary_io.MAX_REPORTED_ERRORS],
        "more_errors": max(len(errors) - diary_io.MAX_REPORTED_ERRORS, 0),
        "error_count": len(errors),
        "imports": Import.objects.for_user(user).for_listing()[:PAST_IMPORTS],
    }
    return render(request, "legs/diary/import.html", context)
