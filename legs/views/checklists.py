"""Guided checklists and the heavy-legs troubleshooter.

State: a member's progress is a ChecklistRun in the database; a visitor's is the same data in the
session (``Progress`` hides which). Every POST works without JavaScript (post/redirect/get); with
HTMX it answers with the fragment to swap in instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, push_url

from config.htmx import render_page, wants_fragment
from config.public_cache import cache_public_page
from legs import services
from legs.forms.checklists import (
    AnswerForm,
    ChecklistRunLinkForm,
    ChecklistRunNotesForm,
    TickForm,
)
from legs.models import (
    Checklist,
    ChecklistKind,
    ChecklistRun,
    ChecklistStep,
    Run,
    Tip,
    TroubleshooterAnswer,
    TroubleshooterQuestion,
)
from legs.models.checklists import Path, Result, Troubleshooter

SESSION_KEY = "checklists"
DETAIL_TEMPLATE = "legs/checklists/detail.html"
TROUBLESHOOTER_TEMPLATE = "legs/checklists/troubleshooter.html"


@dataclass
class Progress:
    """Where the visitor or member stands in one checklist.

    Members: read from their newest run of it (finished or not); writes go through
    ``legs.services``. Visitors: a small dict in the session under the checklist's id, holding
    the same three things: ticked step ids, answer ids in order, and when it was finished.
    """

    request: HttpRequest
    checklist: Checklist
    ticked: set[int] = field(default_factory=set)
    answer_ids: list[int] = field(default_factory=list)
    finished: datetime | None = None
    run: ChecklistRun | None = None

    @classmethod
    def load(cls, request: HttpRequest, checklist: Checklist) -> Progress:
        if request.user.is_authenticated:
            run = ChecklistRun.objects.for_user(request.user).latest_for(checklist)
            if run is None:
                return cls(request, checklist)
            return cls(
                request,
                checklist,
                ticked=set()
                if checklist.is_troubleshooter
                else {tick.step_id for tick in run.ticks.all()},
                answer_ids=[row.answer_id for row in run.answer_rows.all()]
                if checklist.is_troubleshooter
                else [],
                finished=run.finished,
                run=run,
            )
        saved = request.session.get(SESSION_KEY, {}).get(str(checklist.pk), {})
        return cls(
            request,
            checklist,
            ticked={pk for pk in saved.get("ticked", []) if isinstance(pk, int)},
            answer_ids=[pk for pk in saved.get("answers", []) if isinstance(pk, int)],
            finished=_parse_time(saved.get("finished")),
        )

    @property
    def is_member(self) -> bool:
        return self.request.user.is_authenticated

    def _save_session(self) -> None:
        store = self.request.session.setdefault(SESSION_KEY, {})
        store[str(self.checklist.pk)] = {
            "ticked": sorted(self.ticked),
            "answers": self.answer_ids,
            "finished": self.finished.isoformat() if self.finished else None,
        }
        self.request.session.modified = True

    def tick(self, step: ChecklistStep, ticked: bool) -> None:
        """Raises ``services.ChecklistRunFinished`` when finished; nothing changes then."""
        if self.is_member:
            self.run = services.checklist_step_tick(
                user=self.request.user, checklist=self.checklist, step=step, ticked=ticked
            )
        elif self.finished:
            raise services.ChecklistRunFinished
        if ticked:
            self.ticked.add(step.pk)
        else:
            self.ticked.discard(step.pk)
        if not self.is_member:
            self._save_session()

    def finish(self) -> None:
        if self.is_member:
            self.run = services.checklist_run_finish(
                user=self.request.user, checklist=self.checklist
            )
            self.finished = self.run.finished
        elif self.finished:
            raise services.ChecklistRunFinished
        else:
            self.finished = timezone.now()
            self._save_session()

    def restart(self) -> None:
        self.ticked, self.answer_ids, self.finished = set(), [], None
        if self.is_member:
            self.run = services.checklist_run_restart(
                user=self.request.user, checklist=self.checklist
            )
        else:
            self.request.session.get(SESSION_KEY, {}).pop(str(self.checklist.pk), None)
            self.request.session.modified = True

    def save_answers(self, answers: list[TroubleshooterAnswer], *, ended: bool) -> None:
        self.answer_ids = [answer.pk for answer in answers]
        self.finished = timezone.now() if ended else None
        if self.is_member:
            self.run = services.troubleshooter_run_save(
                user=self.request.user, checklist=self.checklist, answers=answers, ended=ended
            )
        else:
            self._save_session()


def _parse_time(value: object) -> datetime | None:
    """A session timestamp, or None for anything that is not one (never a 500 on odd data)."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _get_checklist(slug: str, kind: str | None = None) -> Checklist:
    filters = {"slug": slug} if kind is None else {"slug": slug, "kind": kind}
    return get_object_or_404(Checklist, **filters)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Send the browser to ``url``: a redirect, or for HTMX a client-side one (full page)."""
    if wants_fragment(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_GET
@cache_public_page
def checklist_list(request: HttpRequest) -> HttpResponse:
    items = list(Checklist.objects.annotate(step_count=Count("steps")))
    context = {
        "checklists": [item for item in items if not item.is_troubleshooter],
        "troubleshooters": [item for item in items if item.is_troubleshooter],
    }
    return render(request, "legs/checklists/list.html", context)


def visitor_progress(request: HttpRequest) -> dict[str, dict[str, Any]]:
    """All a visitor's checklist and troubleshooter pages show of their session: the ticks,
    the answers, and when a checklist was finished (a troubleshooter's end time shows nowhere,
    so visitors with the same answers share one cached copy of each troubleshooter page)."""
    saved = request.session.get(SESSION_KEY, {})
    return {
        pk: {
            "ticked": entry.get("ticked"),
            "answers": entry.get("answers"),
            "finished": None if entry.get("answers") else entry.get("finished"),
        }
        for pk, entry in (saved.items() if isinstance(saved, dict) else ())
        if isinstance(entry, dict)
    }


# The page shows the visitor's own progress: never from a browser's or proxy's cache. It shows
# nothing else of their session, so the public page cache keeps one copy per state of it.
@never_cache
@require_GET
@cache_public_page(visitor_state=visitor_progress)
def checklist_detail(request: HttpRequest, slug: str) -> HttpResponse:
    checklist = _get_checklist(slug)
    if checklist.is_troubleshooter:
        return _troubleshooter_page(request, checklist)
    progress = Progress.load(request, checklist)
    steps = list(checklist.steps.select_related("tip", "opens_checklist"))
    context = _checklist_context(checklist, progress, steps)
    return render_page(request, DETAIL_TEMPLATE, context, fragment="checklist")


def _checklist_context(
    checklist: Checklist, progress: Progress, steps: list[ChecklistStep]
) -> dict[str, Any]:
    step_ids = {step.pk for step in steps}
    ticked = progress.ticked & step_ids
    context = {
        "checklist": checklist,
        "steps": steps,
        "ticked": ticked,
        "progress": progress,
        "done": len(ticked),
        "total": len(steps),
        "finished": progress.finished,
        "run": progress.run,
    }
    if progress.finished:
        context["done_steps"] = [step for step in steps if step.pk in ticked]
        context["skipped_steps"] = [step for step in steps if step.pk not in ticked]
        if progress.run is not None:
            context["notes_form"] = ChecklistRunNotesForm(instance=progress.run)
    return context


@require_POST
def checklist_tick(request: HttpRequest, slug: str, step_id: int) -> HttpResponse:
    """Tick (``ticked=1``) or untick (``ticked=0``) one step.

    HTMX gets the step's new markup plus the progress bar out of band; without HTMX the
    browser is redirected back to the step. A step of another checklist is a 404; a finished
    checklist or a malformed request gets a message and changes nothing.
    """
    checklist = _get_checklist(slug, ChecklistKind.CHECKLIST)
    step = get_object_or_404(checklist.steps.select_related("tip", "opens_checklist"), pk=step_id)
    page = checklist.get_absolute_url()
    form = TickForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That tick was not understood. Reload the page and try again.")
        return _go(request, page)
    progress = Progress.load(request, checklist)
    try:
        progress.tick(step, form.cleaned_data["ticked"])
    except services.ChecklistRunFinished:
        messages.error(
            request, "You have finished this checklist. Press “Start again” to tick it afresh."
        )
        return _go(request, page)
    if not wants_fragment(request):
        return redirect(f"{page}#step-{step.pk}")
    step_ids = set(checklist.steps.values_list("pk", flat=True))
    ticked = progress.ticked & step_ids
    context = {
        "checklist": checklist,
        "step": step,
        "ticked": ticked,
        "done": len(ticked),
        "total": len(step_ids),
    }
    return render_page(request, DETAIL_TEMPLATE, context, fragment="tick_response")


@require_POST
def checklist_finish(request: HttpRequest, slug: str) -> HttpResponse:
    checklist = _get_checklist(slug, ChecklistKind.CHECKLIST)
    page = checklist.get_absolute_url()
    progress = Progress.load(request, checklist)
    if progress.finished:
        messages.info(request, "This checklist is already finished.")
        return redirect(page)
    if not progress.ticked & set(checklist.steps.values_list("pk", flat=True)):
        messages.error(request, "Tick at least one step before you finish.")
        return redirect(page)
    progress.finish()
    messages.success(request, f"{checklist.title}: done. Here is your summary.")
    return redirect(page)


@require_POST
def checklist_restart(request: HttpRequest, slug: str) -> HttpResponse:
    """ "Start again": clear the ticks or answers in progress (finished runs are kept)."""
    checklist = _get_checklist(slug)
    Progress.load(request, checklist).restart()
    return redirect(checklist.get_absolute_url())


# --- The troubleshooter


def _question_url(checklist: Checklist, question: TroubleshooterQuestion) -> str:
    return f"{checklist.get_absolute_url()}?q={question.slug}"


def _result_url(checklist: Checklist) -> str:
    return reverse("troubleshooter_result", args=[checklist.slug])


def _where_to_continue(checklist: Checklist, path: Path) -> str:
    if path.ended:
        return _result_url(checklist)
    if path.current is None:
        return checklist.get_absolute_url()
    return _question_url(checklist, path.current)


def _question_context(
    checklist: Checklist,
    path: Path,
    question: TroubleshooterQuestion,
    form: AnswerForm | None = None,
) -> dict[str, Any]:
    if form is None:
        kept = path.answer_to(question)
        form = AnswerForm(question=question, initial={"answer": kept.pk if kept else None})
    return {
        "checklist": checklist,
        "question": question,
        "form": form,
        "number": path.position(question) + 1,
        "back": path.previous(question),
    }


def _result_context(checklist: Checklist, path: Path) -> dict[str, Any]:
    return {
        "checklist": checklist,
        "result": path.result(),
        "answered": list(zip(path.questions, path.answers, strict=True)),
        "back": path.previous(None),
    }


def _troubleshooter_page(request: HttpRequest, checklist: Checklist) -> HttpResponse:
    """One question at a time: ``?q=<slug>`` shows a question already reached, its answer kept."""
    tree = Troubleshooter(checklist)
    path = tree.walk(Progress.load(request, checklist).answer_ids)
    slug = request.GET.get("q")
    if slug:
        question = tree.by_slug.get(slug)
        if question is None:
            raise Http404("No such question.")
        if path.position(question) is None:
            messages.info(request, "Answer the questions in order: here is where you left off.")
            return redirect(_where_to_continue(checklist, path))
    elif path.ended:
        return redirect(_result_url(checklist))
    else:
        question = path.current
    if question is None:
        context = {"checklist": checklist, "empty": True}
    else:
        context = _question_context(checklist, path, question)
    return render_page(request, TROUBLESHOOTER_TEMPLATE, context, fragment="panel")


@require_POST
def troubleshooter_answer(request: HttpRequest, slug: str) -> HttpResponse:
    """Record the answer to one question and move on to the next question or the result.

    Answering an earlier question again (after Back) keeps the later answers when the answer
    is the same, and drops them when it changes the route. HTMX gets the next panel and the
    new address (HX-Push-Url), so the browser's Back button and a reload find it again.
    """
    checklist = _get_checklist(slug, ChecklistKind.TROUBLESHOOTER)
    tree = Troubleshooter(checklist)
    question = tree.by_slug.get(request.POST.get("question", ""))
    if question is None:
        raise Http404("No such question.")
    progress = Progress.load(request, checklist)
    path = tree.walk(progress.answer_ids)
    index = path.position(question)
    if index is None:
        messages.error(request, "That question is not the next one: here is where you left off.")
        return _go(request, _where_to_continue(checklist, path))
    form = AnswerForm(request.POST, question=question)
    if not form.is_valid():
        context = _question_context(checklist, path, question, form)
        return render_page(request, TROUBLESHOOTER_TEMPLATE, context, fragment="panel")
    answer = form.cleaned_data["answer"]
    same = index < len(path.answers) and path.answers[index].pk == answer.pk
    answers = path.answers if same else [*path.answers[:index], answer]
    new_path = tree.walk([item.pk for item in answers])
    progress.save_answers(new_path.answers, ended=new_path.ended)
    if answer.ends:
        url, context = _result_url(checklist), _result_context(checklist, new_path)
    else:
        following = tree.by_pk[answer.next_question_id]
        url = _question_url(checklist, following)
        context = _question_context(checklist, new_path, following)
    if not wants_fragment(request):
        return redirect(url)
    response = render_page(request, TROUBLESHOOTER_TEMPLATE, context, fragment="panel")
    return push_url(response, url)


@never_cache
@require_GET
@cache_public_page(visitor_state=visitor_progress)  # as checklist_detail
def troubleshooter_result(request: HttpRequest, slug: str) -> HttpResponse:
    checklist = _get_checklist(slug, ChecklistKind.TROUBLESHOOTER)
    path = Troubleshooter(checklist).walk(Progress.load(request, checklist).answer_ids)
    if not path.ended:
        messages.info(request, "Answer the remaining questions to see your result.")
        return redirect(_where_to_continue(checklist, path))
    context = _result_context(checklist, path)
    return render_page(request, TROUBLESHOOTER_TEMPLATE, context, fragment="panel")


# --- Members' saved runs


@login_required
@require_GET
def checklist_run_list(request: HttpRequest) -> HttpResponse:
    """ "My checklists": every run with something in it, newest first (an empty one is noise)."""
    runs = ChecklistRun.objects.for_user(request.user).for_listing()
    return render(request, "legs/checklists/run_list.html", {"runs": runs})


@login_required
@require_http_methods(["GET", "POST"])
def checklist_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the member's own runs (anyone else's is a 404), with its notes form.

    A finished run of an After-your-run checklist also gets a form linking it to one of the
    member's recent diary runs, or unlinking it. Both forms post here; the link form says so
    with a hidden ``form=link``.
    """
    run = get_object_or_404(
        ChecklistRun.objects.for_user(request.user).select_related("checklist", "diary_run"),
        pk=pk,
    )
    posted = request.POST if request.method == "POST" else None
    linking = posted is not None and posted.get("form") == "link"
    form = ChecklistRunNotesForm(None if linking else posted, instance=run)
    link_form = None
    if run.checklist.attaches_to_run and run.is_finished:
        link_form = ChecklistRunLinkForm(
            posted if linking else None, user=request.user, checklist_run=run
        )
    if linking:
        if link_form is None:
            messages.error(
                request, "Only a finished After-your-run checklist can be linked to a diary run."
            )
            return redirect(run)
        if link_form.is_valid():
            _save_link(request, run, link_form.cleaned_data["diary_run"])
            return redirect(run)
    elif posted is not None and form.is_valid():
        form.save()
        messages.success(request, "Your notes are saved.")
        return redirect(run)
    context: dict[str, Any] = {"run": run, "form": form, "link_form": link_form}
    if run.checklist.is_troubleshooter:
        rows = run.answer_rows.select_related("answer__question").prefetch_related(
            Prefetch("answer__causes__tips", queryset=Tip.objects.published())
        )
        answers = [row.answer for row in rows]
        context["answered"] = [(answer.question, answer) for answer in answers]
        context["result"] = Result.from_answers(answers) if answers else None
    else:
        ticked = set(run.ticks.values_list("step_id", flat=True))
        steps = list(run.checklist.steps.all())
        context["done_steps"] = [step for step in steps if step.pk in ticked]
        context["skipped_steps"] = [step for step in steps if step.pk not in ticked]
    return render(request, "legs/checklists/run_detail.html", context)


def _save_link(request: HttpRequest, run: ChecklistRun, diary_run: Run | None) -> None:
    """Link ``run`` to ``diary_run`` (None: unlink) and tell the member what happened."""
    if diary_run is None:
        if run.diary_run is not None:
            day = run.diary_run.date
            services.checklist_run_detach(checklist_run=run)
            messages.success(request, f"Unlinked from your run of {_day(day)}. Both are kept.")
        else:
            messages.info(request, "Nothing changed: choose one of your runs to link.")
        return
    try:
        services.checklist_run_attach(checklist_run=run, run=diary_run)
    except services.ChecklistRunNotAttachable as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"Linked to your run of {_day(diary_run.date)}.")


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"
