"""An import's progress and report, and the imported runs waiting for the runner's ratings.

The upload itself is the diary's import page (``legs.views.diary.diary_import``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import User
from config.forms import attrs_html, option_html
from config.htmx import render_page, wants_fragment
from legs import formats
from legs.forms.diary import EffortForm
from legs.models import Import, ItemOutcome, Run

REPORT_PAGE_SIZE = 100
PENDING_SHOWN = 5
# While an import runs, its page asks for news this often (milliseconds).
POLL_EVERY_MS = 1500


@dataclass(frozen=True)
class EffortRow:
    """A waiting run's two selects, drawn, with their ids (for the hidden labels)."""

    run: Run
    rpe: SafeString
    leg_heaviness: SafeString
    invalid: bool = False

    @property
    def rpe_id(self) -> str:
        return _effort_id(self.run, "rpe")

    @property
    def leg_heaviness_id(self) -> str:
        return _effort_id(self.run, "leg_heaviness")

    @classmethod
    def of_form(cls, run: Run, form: EffortForm) -> EffortRow:
        """A posted row, drawn by its form (its choices kept, its errors said)."""
        return cls(
            run, form["rpe"].as_widget(), form["leg_heaviness"].as_widget(), bool(form.errors)
        )

    @classmethod
    def of_run(cls, run: Run) -> EffortRow:
        return cls(run, _effort_select(run, "rpe"), _effort_select(run, "leg_heaviness"))


def _effort_id(run: Run, name: str) -> str:
    return f"effort-{run.pk}-{name}"


# Per field and value: the select's attributes, with the id of the row first drawn, and its
# options, drawn. Every row of every member draws the same two 11-step scales, which cost more
# than the rest of the dashboard when each row's form drew them; a few dozen entries at most.
_EFFORT_SELECTS: dict[tuple[str, int | None], tuple[str, dict[str, Any], SafeString]] = {}


def _effort_select(run: Run, name: str) -> SafeString:
    """The select an unbound ``EffortForm(instance=run)`` draws for `name`, byte for byte
    (tests/legs/test_pending_effort.py compares them), from the parts it shares with others."""
    value = getattr(run, name)
    parts = _EFFORT_SELECTS.get((name, value))
    if parts is None:
        field = EffortForm(instance=run)[name]
        widget = field.field.widget
        drawn = widget.get_context(
            name, field.value(), widget.build_attrs(widget.attrs, field.build_widget_attrs({}))
        )["widget"]
        options = format_html_join(
            "",
            "\n  {}\n",
            ((option_html(option),) for _, group, _ in drawn["optgroups"] for option in group),
        )
        parts = _EFFORT_SELECTS[(name, value)] = (field.auto_id, drawn["attrs"], options)
    first_id, attrs, options = parts
    # The id, and the attributes naming it (aria-describedby), are this row's: the id last,
    # as the bound field adds it.
    own_id = _effort_id(run, name)
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        name,
        attrs_html(
            {
                **{
                    attr: value.replace(first_id, own_id) if isinstance(value, str) else value
                    for attr, value in attrs.items()
                },
                "id": own_id,
            }
        ),
        options,
    )


def pending_effort_context(user: User, forms: dict[int, EffortForm] | None = None) -> dict:
    """The dashboard's list of imported runs waiting for effort and heaviness: the newest few,
    each its own small form (a posted one with its errors), and how many wait in all (one
    query: the count is a window over the whole list, taken before the slice)."""
    runs = list(
        Run.objects.for_user(user)
        .waiting_for_effort()
        .annotate(waiting=Window(Count("pk")))[:PENDING_SHOWN]
    )
    forms = forms or {}
    return {
        "pending": [
            EffortRow.of_form(run, form)
            if (form := forms.get(run.pk)) is not None
            else EffortRow.of_run(run)
            for run in runs
        ],
        "pending_count": runs[0].waiting if runs else 0,
    }


@never_cache
@login_required
@require_safe
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's progress (HTMX polls the ``progress`` fragment until it is over, without JS a
    Refresh link) and, once over, its report, page by page. An import whose worker stopped
    says so, with what got in (``Import.shown_status``)."""
    upload = get_object_or_404(Import.objects.for_user(request.user).with_stall(), pk=pk)
    items = Paginator(upload.items.for_report(), REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(
        upload.items.values_list("outcome").annotate(n=Count("pk")).values_list("outcome", "n")
    )
    context: dict[str, Any] = {
        "upload": upload,
        "items": items,
        "counts": [
            (label, counts.get(value, 0))
            for value, label in ItemOutcome.choices
            if counts.get(value)
        ],
        "poll_every": POLL_EVERY_MS,
    }
    return render_page(request, "legs/imports/detail.html", context, fragment="progress")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def run_effort(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate an imported run's effort and heaviness, or stop being asked (``dismiss``).

    Rating is a POST; a GET goes to the run's own page. Without JS: post/redirect/get back to
    the diary. With HTMX: the list again (the next run waiting moves up), with this row's
    errors when the ratings were not valid.
    """
    run = get_object_or_404(Run.objects.for_user(request.user), pk=pk)
    if request.method != "POST":
        return redirect("run_edit", pk=run.pk)
    when = formats.day(run.date)
    forms: dict[int, EffortForm] = {}
    if "dismiss" in request.POST:
        Run.objects.filter(pk=run.pk).update(effort_dismissed=True)
        messages.info(request, f"Not asking again about your run of {when}.")
    else:
        form = EffortForm(request.POST, instance=run)
        if form.is_valid():
            form.save()
            messages.success(request, f"Effort and heaviness saved for your run of {when}.")
        elif wants_fragment(request):
            forms[run.pk] = form
        else:
            messages.error(
                request, f"Choose both an effort and a heaviness for your run of {when}."
            )
    if not wants_fragment(request):
        return redirect("diary")
    context = pending_effort_context(request.user, forms)
    return render_page(request, "legs/diary/_pending_effort.html", context, fragment="pending")
