"""The heavy-legs troubleshooter's engine: the question graph, a walk along it, and the triage.

A troubleshooter is a graph kept as data (``legs.models``: questions, each with answers); an
answer either leads to a next question or ends the questions, and it names the causes it points
to and, when it applies, a triage level. The first question (lowest ``order``) is where it
starts.

- ``graph_problems`` checks that a graph, given as plain ``Edge`` data, can be walked from its
  first question to an end without looping or getting stuck; the admin runs it on the graph as
  a change would leave it, before anything is saved.
- ``Troubleshooter`` loads one troubleshooter's graph at once; ``walk`` follows saved answer ids
  from the start into a ``Path``, whose ``result()`` is the ``Result``: the most urgent triage
  level any answer gave, with its advice, then the causes ranked by how many answers point at
  them.

No request and no writes in here: the views keep the state (``legs.progress``) and show it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from legs.models import Cause, Checklist, Tip, TroubleshooterAnswer, TroubleshooterQuestion


class Triage(models.TextChoices):
    """How urgently to see someone, most severe first (``TRIAGE_RANK`` ranks them)."""

    EMERGENCY = "emergency", "Emergency: call 999 or 112 now"
    URGENT = "urgent", "Urgent: get medical advice today"
    PHYSIO = "physio", "See a physiotherapist, then a doctor"
    BLOOD_TEST = "blood_test", "Ask a doctor for a blood test"
    SELF_CARE = "self_care", "Self-care"


# Higher is more urgent: the result shows the most urgent level any answer gave.
TRIAGE_RANK = {level: rank for rank, level in enumerate(reversed(Triage.values))}
# These levels stop the questions at once: nothing else matters until someone has seen you.
ENDING_TRIAGE = (Triage.EMERGENCY, Triage.URGENT)

TRIAGE_ADVICE = {
    Triage.EMERGENCY: (
        "Stop here and call 999 (or 112) or go to A&E now. These signs can mean pressure on the "
        "nerves at the base of the spine, or a blood clot that has reached the lungs; both need "
        "treatment within hours."
    ),
    Triage.URGENT: (
        "Do not run. Call 111 or your doctor today: one painful, swollen, warm or red leg can be "
        "a blood clot (deep vein thrombosis), which needs checking the same day. If you become "
        "short of breath or have chest pain, call 999."
    ),
    Triage.PHYSIO: (
        "Rest from running and see a physiotherapist first; if their advice has not helped after "
        "a few weeks, see your doctor. One-sided heaviness, a dragging leg, numbness or pins and "
        "needles can have a mechanical or a nerve cause that needs a proper look."
    ),
    Triage.BLOOD_TEST: (
        "Ask your doctor for a blood test. Heaviness that lasts for weeks together with "
        "tiredness can come from low iron, which a simple test shows; do not start iron tablets "
        "on a guess."
    ),
    Triage.SELF_CARE: (
        "Nothing in your answers needs a doctor now. Start with the causes below; if your legs "
        "still feel heavy after two weeks of changes and rest days, see your doctor."
    ),
}


# --- The graph as plain data, so unsaved admin edits can be checked too.


@dataclass(frozen=True)
class Edge:
    """One answer: from its question to the next question (``None`` when it ends)."""

    question: Hashable
    label: str
    next: Hashable | None
    ends: bool


def graph_problems(
    *, start: Hashable | None, labels: Mapping[Hashable, str], edges: Iterable[Edge]
) -> list[str]:
    """Everything that stops a troubleshooter graph from being walked start to end.

    ``labels`` names every question (key → text); ``edges`` are all answers. Problems: a question
    with no answers, an answer that neither ends nor leads on (a dead end), an answer that both
    ends and leads on, a link to a question outside the graph, a loop, a question that cannot be
    reached from ``start``.
    """
    edges = list(edges)
    problems: list[str] = []
    following: dict[Hashable, list[Hashable]] = {key: [] for key in labels}
    for edge in edges:
        where = f"answer “{edge.label}” to “{labels.get(edge.question, edge.question)}”"
        if edge.ends and edge.next is not None:
            problems.append(f"The {where} both ends the questions and leads on: pick one.")
        elif not edge.ends and edge.next is None:
            problems.append(
                f"Dead end: the {where} neither leads to a question nor ends the questions."
            )
        elif edge.next is not None and edge.next not in labels:
            problems.append(f"The {where} leads to a question of another troubleshooter.")
        elif edge.next is not None and edge.question in following:
            following[edge.question].append(edge.next)
    for key, label in labels.items():
        if not any(edge.question == key for edge in edges):
            problems.append(f"Dead end: the question “{label}” has no answers.")

    loop = _find_loop(following)
    if loop:
        route = " → ".join(f"“{labels[key]}”" for key in loop)
        problems.append(f"Loop: {route} would ask the same questions for ever.")

    if start is not None:
        reached = {start}
        waiting = [start]
        while waiting:
            for key in following.get(waiting.pop(), []):
                if key not in reached:
                    reached.add(key)
                    waiting.append(key)
        start_label = labels.get(start, start)
        problems.extend(
            f"The question “{label}” cannot be reached from the first question “{start_label}”."
            for key, label in labels.items()
            if key not in reached
        )
    return problems


_END = object()


def _find_loop(following: Mapping[Hashable, list[Hashable]]) -> list[Hashable] | None:
    """The first cycle found (depth-first), as keys that start and end with the same key."""
    on_route, explored = 1, 2
    state: dict[Hashable, int] = {}
    for root in following:
        if root in state:
            continue
        route = [root]
        state[root] = on_route
        branches = [iter(following[root])]
        while branches:
            step = next(branches[-1], _END)
            if step is _END:
                branches.pop()
                state[route.pop()] = explored
            elif state.get(step) == on_route:
                return route[route.index(step) :] + [step]
            elif step not in state:
                state[step] = on_route
                route.append(step)
                branches.append(iter(following.get(step, [])))
    return None


class Troubleshooter:
    """A troubleshooter's whole graph loaded at once and walked in memory."""

    def __init__(self, checklist: Checklist) -> None:
        self.checklist = checklist
        self.questions: list[TroubleshooterQuestion] = list(checklist.questions.graph())
        self.by_slug = {question.slug: question for question in self.questions}
        self.by_pk = {question.pk: question for question in self.questions}

    @property
    def start(self) -> TroubleshooterQuestion | None:
        return self.questions[0] if self.questions else None

    def walk(self, answer_ids: Sequence[int]) -> Path:
        """Follow saved answer ids from the start; stop at the first one that no longer fits.

        State from a session or an old run may point at answers an editor has since changed;
        keeping only the part that still follows the graph means a stale id is never trusted.
        """
        answers: list[TroubleshooterAnswer] = []
        question = self.start
        for answer_id in answer_ids[: len(self.questions)]:
            if question is None:
                break
            answer = next((a for a in question.answers.all() if a.pk == answer_id), None)
            if answer is None:
                break
            answers.append(answer)
            question = None if answer.ends else self.by_pk.get(answer.next_question_id)
        return Path(start=self.start, answers=answers, by_pk=self.by_pk)


@dataclass
class Path:
    """The answers given so far, and what they add up to."""

    start: TroubleshooterQuestion | None
    answers: list[TroubleshooterAnswer]
    by_pk: Mapping[int, TroubleshooterQuestion]

    @property
    def questions(self) -> list[TroubleshooterQuestion]:
        """The questions answered, in order."""
        return [self.by_pk[answer.question_id] for answer in self.answers]

    @property
    def ended(self) -> bool:
        return bool(self.answers) and self.answers[-1].ends

    @property
    def current(self) -> TroubleshooterQuestion | None:
        """The question to answer next; None once an answer has ended the questions."""
        if not self.answers:
            return self.start
        if self.ended:
            return None
        return self.by_pk.get(self.answers[-1].next_question_id)

    def position(self, question: TroubleshooterQuestion) -> int | None:
        """Where a question sits on the path (its index), or None if it is not on it."""
        for index, answered in enumerate(self.questions):
            if answered.pk == question.pk:
                return index
        if self.current is not None and self.current.pk == question.pk:
            return len(self.answers)
        return None

    def answer_to(self, question: TroubleshooterQuestion) -> TroubleshooterAnswer | None:
        return next((a for a in self.answers if a.question_id == question.pk), None)

    def previous(self, question: TroubleshooterQuestion | None) -> TroubleshooterQuestion | None:
        """The question before ``question`` (before the result when None)."""
        index = len(self.answers) if question is None else self.position(question)
        if not index:
            return None
        return self.questions[index - 1]

    def result(self) -> Result:
        return Result.from_answers(self.answers)


@dataclass
class RankedCause:
    cause: Cause
    votes: int
    tips: list[Tip] = field(default_factory=list)


@dataclass
class Result:
    """The troubleshooter's outcome: the most severe triage level, then causes by votes."""

    triage: str
    triage_reasons: list[TroubleshooterAnswer]
    causes: list[RankedCause]
    also: list[str] = field(default_factory=list)

    @property
    def triage_label(self) -> str:
        return Triage(self.triage).label

    @property
    def triage_advice(self) -> str:
        return TRIAGE_ADVICE[Triage(self.triage)]

    @property
    def also_advice(self) -> list[tuple[str, str]]:
        """Milder levels that also apply (e.g. a blood test beside a physiotherapist)."""
        return [(Triage(level).label, TRIAGE_ADVICE[Triage(level)]) for level in self.also]

    @classmethod
    def from_answers(cls, answers: Sequence[TroubleshooterAnswer]) -> Result:
        """Rank causes by how many answers point at each (ties: the catalogue's order)."""
        triage = max(
            (answer.triage for answer in answers if answer.triage),
            key=TRIAGE_RANK.__getitem__,
            default=Triage.SELF_CARE,
        )
        reasons = [answer for answer in answers if answer.triage == triage]
        milder = {answer.triage for answer in answers} - {"", triage, Triage.SELF_CARE}
        also = sorted(milder, key=TRIAGE_RANK.__getitem__, reverse=True)
        votes: Counter[int] = Counter()
        causes: dict[int, Cause] = {}
        for answer in answers:
            for cause in answer.causes.all():
                votes[cause.pk] += 1
                causes[cause.pk] = cause
        ranked = sorted(
            causes.values(), key=lambda cause: (-votes[cause.pk], cause.order, cause.name)
        )
        return cls(
            triage=str(triage),
            triage_reasons=reasons,
            causes=[
                RankedCause(cause=cause, votes=votes[cause.pk], tips=list(cause.tips.all()))
                for cause in ranked
            ],
            also=[str(level) for level in also],
        )
