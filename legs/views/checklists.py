"""Guided checklists and the heavy-legs troubleshooter.

State: a member's progress is a ChecklistRun in the database; a visitor's is the same data in the
session (``legs.progress.Progress`` hides which). Every POST works without JavaScript
(post/redirect/get); with HTMX it answers with the fragment to swap in instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect, push_url

from config.htmx import render_page, wants_fragment
from config.public_cache import cache_public_page
from legs import formats, services
from legs.forms.checklists import (
    AnswerForm,
    ChecklistRunLinkForm,
    ChecklistRunNotesForm,
    StretchHoldForm,
    TickForm,
)
from legs.models import (
    Checklist,
    ChecklistRun,
    ChecklistStep,
    Run,
    Tip,
    TroubleshooterQuestion,
)
from legs.progress import Progress, save_stretch_hold, stretch_hold, visitor_state
from legs.troubleshooter import Path, Result, Troubleshooter, triage_phrase

DETAIL_TEMPLATE = "legs/checklists/detail.html"
TROUBLESHOOTER_TEMPLATE = "legs/checklists/troubleshooter.html"


def _progress(request: HttpRequest, checklist: Checklist) -> Progress:
    return Progress.load(user=request.user, session=request.session, checklist=checklist)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Send the browser to ``url``: a redirect, or for HTMX a client-side one (full page)."""
    if wants_fragment(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_safe
@cache_public_page
def checklist_list(request: HttpRequest) -> HttpResponse:
    context = {
        "checklists": Checklist.objects.checklists().annotate(step_count=Count("steps")),
        "troubleshooters": Checklist.objects.troubleshooters(),
    }
    return render(request, "legs/checklists/list.html", context)


def visitor_progress(request: HttpRequest) -> dict[str, dict[str, Any]]:
    """What the public page cache keys a visitor's checklist pages on (``legs.progress``)."""
    return visitor_state(request.session)


def visitor_checklist(request: HttpRequest) -> dict[str, Any]:
    """A checklist page shows a visitor their progress and their stretch hold: its cache key."""
    return {
        "progress": visitor_state(request.session),
        "hold": stretch_hold(user=request.user, session=request.session),
    }


def _hold_context(request: HttpRequest, form: StretchHoldForm | None = None) -> dict[str, Any]:
    """The runner's stretch hold, in seconds and as a timer's face, and the form to change it."""
    hold = stretch_hold(user=request.user, session=request.session)
    return {
        "hold": hold,
        "hold_display": formats.minutes_seconds(hold),
        "hold_form": form or StretchHoldForm(initial={"hold": hold}),
    }


# The page shows the visitor's own progress and stretch hold: never from a browser's or proxy's
# cache. It shows nothing else of their session, so the public page cache keeps one copy per
# state of those.
@never_cache
@require_safe
@cache_public_page(visitor_state=visitor_checklist, reads=("q",))  # the troubleshooter's question
def checklist_detail(request: HttpRequest, slug: str) -> HttpResponse:
    checklist = get_object_or_404(Checklist, slug=slug)
    if checklist.is_troubleshooter:
        return _troubleshooter_page(request, checklist)
    progress = _progress(request, checklist)
    steps = list(checklist.steps.select_related("tip", "opens_checklist"))
    context = _checklist_context(checklist, progress, steps) | _hold_context(request)
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
        "has_stretches": any(step.is_stretch for step in steps),
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
    checklist = get_object_or_404(Checklist.objects.checklists(), slug=slug)
    step = get_object_or_404(checklist.steps.select_related("tip", "opens_checklist"), pk=step_id)
    page = checklist.get_absolute_url()
    form = TickForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That tick was not understood. Reload the page and try again.")
        return _go(request, page)
    progress = _progress(request, checklist)
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
    } | _hold_context(request)
    return render_page(request, DETAIL_TEMPLATE, context, fragment="tick_response")


@require_POST
def checklist_hold(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose how long every stretch is held, each side: 20, 30 or 45 s.

    Kept in a member's profile or a visitor's session (``legs.progress``). Without HTMX the
    browser goes back to the guided stretches with a message. HTMX gets the form again and,
    out of band, every stretch step (its hold in words, its timer) and the news in the live
    region; a refused value gets the form with its error and changes nothing.
    """
    checklist = get_object_or_404(Checklist.objects.checklists(), slug=slug)
    form = StretchHoldForm(request.POST)
    saved = form.is_valid()
    if saved:
        hold = form.cleaned_data["hold"]
        save_stretch_hold(user=request.user, session=request.session, seconds=hold)
    if not wants_fragment(request):
        if saved:
            messages.success(request, f"Each stretch now holds {hold} s.")
        else:
            messages.error(request, form.errors["hold"][0])
        return redirect(f"{checklist.get_absolute_url()}#guided-stretches")
    stretches = [
        step for step in checklist.steps.select_related("tip", "opens_checklist") if step.is_stretch
    ]
    context = {
        "checklist": checklist,
        "stretches": stretches if saved else [],
        "ticked": _progress(request, checklist).ticked,
        "saved": saved,
    } | _hold_context(request, None if saved else form)
    return render_page(request, DETAIL_TEMPLATE, context, fragment="hold_response")


@require_POST
def checklist_finish(request: HttpRequest, slug: str) -> HttpResponse:
    checklist = get_object_or_404(Checklist.objects.checklists(), slug=slug)
    page = checklist.get_absolute_url()
    progress = _progress(request, checklist)
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
    checklist = get_object_or_404(Checklist, slug=slug)
    _progress(request, checklist).restart()
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
    # What the answers before this question earned: after Back, its own kept answer does not
    # count yet.
    earlier = path.before(question)
    return {
        "checklist": checklist,
        "question": question,
        "form": form,
        "number": path.position(question) + 1,
        "about": path.about(question),
        "earned": earlier.earned,
        "earned_phrase": triage_phrase(earlier.earned) if earlier.earned else "",
        "back": path.previous(question),
    }


def _result_context(checklist: Checklist, path: Path) -> dict[str, Any]:
    return {
        "checklist": checklist,
        "result": path.result(),
        "so_far": not path.ended,
        "carry_on": path.current,
        "answered": list(zip(path.questions, path.answers, strict=True)),
        "back": path.previous(None),
    }


def _troubleshooter_page(request: HttpRequest, checklist: Checklist) -> HttpResponse:
    """One question at a time: ``?q=<slug>`` shows a question already reached, its answer kept."""
    tree = Troubleshooter(checklist)
    path = tree.walk(_progress(request, checklist).answer_ids)
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
    checklist = get_object_or_404(Checklist.objects.troubleshooters(), slug=slug)
    tree = Troubleshooter(checklist)
    question = tree.by_slug.get(request.POST.get("question", ""))
    if question is None:
        raise Http404("No such question.")
    progress = _progress(request, checklist)
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
@require_safe
@cache_public_page(visitor_state=visitor_progress)  # as checklist_detail
def troubleshooter_result(request: HttpRequest, slug: str) -> HttpResponse:
    checklist = get_object_or_404(Checklist.objects.troubleshooters(), slug=slug)
    path = Troubleshooter(checklist).walk(_progress(request, checklist).answer_ids)
    if not path.shows_result:
        messages.info(request, "Answer the remaining questions to see your result.")
        return redirect(_where_to_continue(checklist, path))
    context = _result_context(checklist, path)
    return render_page(request, TROUBLESHOOTER_TEMPLATE, context, fragment="panel")


# --- Members' saved runs


@login_required
@require_safe
def checklist_run_list(request: HttpRequest) -> HttpResponse:
    """ "My checklists": every run with something in it, newest first (an empty one is noise)."""
    runs = ChecklistRun.objects.for_user(request.user).for_listing()
    return render(request, "legs/checklists/run_list.html", {"runs": runs})


def _own_run(request: HttpRequest, pk: int) -> ChecklistRun:
    """The member's own run: anyone else's id is a 404, like one that does not exist."""
    return get_object_or_404(
        ChecklistRun.objects.for_user(request.user).select_related("checklist", "diary_run"),
        pk=pk,
    )


def _link_form(
    request: HttpRequest, run: ChecklistRun, data: QueryDict | None = None
) -> ChecklistRunLinkForm | None:
    """The form linking a run to a diary run: for finished After-your-run checklists only."""
    if not (run.checklist.attaches_to_run and run.is_finished):
        return None
    return ChecklistRunLinkForm(data, user=request.user, checklist_run=run)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checklist_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the member's own runs (anyone else's is a 404), with its notes form posting here.

    A finished run of an After-your-run checklist also gets a form linking it to one of the
    member's recent diary runs, or unlinking it; that form posts to ``checklist_run_link``.
    """
    run = _own_run(request, pk)
    form = ChecklistRunNotesForm(request.POST if request.method == "POST" else None, instance=run)
    if form.is_valid():
        form.save()
        messages.success(request, "Your notes are saved.")
        return redirect(run)
    return _run_page(request, run, form, _link_form(request, run))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checklist_run_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link one of the member's own runs to a diary run, or unlink it (an empty choice).

    GET has nothing of its own to show and goes to the run's page; an invalid choice shows
    that page again with the link form's errors.
    """
    run = _own_run(request, pk)
    if request.method != "POST":
        return redirect(run)
    link_form = _link_form(request, run, request.POST)
    if link_form is None:
        messages.error(
            request, "Only a finished After-your-run checklist can be linked to a diary run."
        )
        return redirect(run)
    if link_form.is_valid():
        _save_link(request, run, link_form.cleaned_data["diary_run"])
        return redirect(run)
    return _run_page(request, run, ChecklistRunNotesForm(instance=run), link_form)


def _run_page(
    request: HttpRequest,
    run: ChecklistRun,
    form: ChecklistRunNotesForm,
    link_form: ChecklistRunLinkForm | None,
) -> HttpResponse:
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
            messages.success(
                request, f"Unlinked from your run of {formats.day(day)}. Both are kept."
            )
        else:
            messages.info(request, "Nothing changed: choose one of your runs to link.")
        return
    try:
        services.checklist_run_attach(checklist_run=run, run=diary_run)
    except services.ChecklistRunNotAttachable as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, f"Linked to your run of {formats.day(diary_run.date)}.")
