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
  level any answer gave, with its advice and each answer behind it explaining itself, then the
  causes, those behind the level first and the rest by how many answers point at them. A level
  above self-care counts from the answer that earns it (``Path.earned``), and
  ``questions_left`` gives the "of about N" of each question.

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
    GP = "gp", "See your GP"
    EASE_BACK = "ease_back", "Ease back after your illness"
    BLOOD_TEST = "blood_test", "Ask a doctor for a blood test"
    SELF_CARE = "self_care", "Self-care"


# Higher is more urgent: the result shows the most urgent level any answer gave. Easing back
# after an illness sits above the blood test: the illness explains tiredness before low iron does.
TRIAGE_RANK = {level: rank for rank, level in enumerate(reversed(Triage.values))}
# These levels stop the questions at once: nothing else matters until someone has seen you, so
# their result lists no causes and no self-care at all.
ENDING_TRIAGE = (Triage.EMERGENCY, Triage.URGENT)
# "Rest and get checked": tips that work the legs (stretching, massage, drills) wait until a
# professional has looked at them.
REST_AND_CHECK = (Triage.PHYSIO, Triage.GP)

# What to do at each level. What an answer means (a clot, pressure on nerves) is the answer's
# own ``advice``, shown beside it, so no one reads an explanation of a sign they did not report.
TRIAGE_ADVICE = {
    Triage.EMERGENCY: (
        "Stop here and call 999 or 112 now, or go straight to A&E. Do not run, and do not wait "
        "to see whether it passes."
    ),
    Triage.URGENT: (
        "Do not run. Get medical advice today: call 111 or your GP surgery and say what you "
        "noticed."
    ),
    Triage.PHYSIO: (
        "Rest from running and see a physiotherapist first; if their advice has not helped after "
        "a few weeks, see your doctor. Heaviness, a dragging feeling or numbness in one leg that "
        "stays after rest, or pain in one spot, can have a mechanical or a nerve cause that needs "
        "a proper look. Until then, do not run through it."
    ),
    Triage.GP: (
        "Book an appointment with your GP in the next few days and keep off hard running until "
        "then. Numbness or pins and needles in both legs that no recent illness explains needs a "
        "doctor to find its cause, such as a nerve, circulation or vitamin problem. If it spreads, "
        "your legs get weak, or you notice numbness around your bottom or trouble with your "
        "bladder or bowels, call 999 or 112."
    ),
    Triage.EASE_BACK: (
        "Ease back: keep all your running at a low, easy intensity, rest more and sleep well. "
        "After an illness the legs can take weeks to feel like yours again, and hard sessions "
        "slow that down. See a GP if it lasts more than a few weeks, or sooner if running brings "
        "on breathlessness or chest pain (stop the run; call 999 or 112 if the chest pain is "
        "severe or does not ease with rest). If numbness or weakness spreads, call 111 today."
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


def most_urgent(answers: Iterable[TroubleshooterAnswer]) -> str:
    """The most urgent triage level among ``answers`` (self-care when none gives one)."""
    return str(
        max(
            (answer.triage for answer in answers if answer.triage),
            key=TRIAGE_RANK.__getitem__,
            default=Triage.SELF_CARE,
        )
    )


def triage_phrase(level: str) -> str:
    """A level's label to follow a colon mid-sentence: "see a physiotherapist, then a doctor"."""
    label = Triage(level).label
    return label[:1].lower() + label[1:]


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
        self._longest: dict[int, int] = {}

    @property
    def start(self) -> TroubleshooterQuestion | None:
        return self.questions[0] if self.questions else None

    def questions_left(self, question: TroubleshooterQuestion) -> int:
        """How many questions the longest route from ``question`` to a result asks, itself
        included: the "about" in "Question 4 of about 10", since routes differ in length."""
        if question.pk in self._longest:
            return self._longest[question.pk]
        # Held at 1 while its answers are followed: a loop (which the admin refuses) then
        # stops where it comes back round instead of recursing for ever.
        self._longest[question.pk] = 1
        following = [
            self.by_pk[answer.next_question_id]
            for answer in question.answers.all()
            if not answer.ends and answer.next_question_id in self.by_pk
        ]
        self._longest[question.pk] = 1 + max(map(self.questions_left, following), default=0)
        return self._longest[question.pk]

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
        return Path(tree=self, answers=answers)


@dataclass
class Path:
    """The answers given so far, and what they add up to."""

    tree: Troubleshooter
    answers: list[TroubleshooterAnswer]

    @property
    def start(self) -> TroubleshooterQuestion | None:
        return self.tree.start

    @property
    def questions(self) -> list[TroubleshooterQuestion]:
        """The questions answered, in order."""
        return [self.tree.by_pk[answer.question_id] for answer in self.answers]

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
        return self.tree.by_pk.get(self.answers[-1].next_question_id)

    @property
    def earned(self) -> str | None:
        """The level the answers so far have earned, when it is more than self-care: from
        then on every question says so and the result can be seen at once."""
        level = most_urgent(self.answers)
        return None if level == Triage.SELF_CARE else level

    @property
    def shows_result(self) -> bool:
        """The result can be seen: the questions have ended, or an answer earned a level."""
        return self.ended or self.earned is not None

    def position(self, question: TroubleshooterQuestion) -> int | None:
        """Where a question sits on the path (its index), or None if it is not on it."""
        for index, answered in enumerate(self.questions):
            if answered.pk == question.pk:
                return index
        if self.current is not None and self.current.pk == question.pk:
            return len(self.answers)
        return None

    def about(self, question: TroubleshooterQuestion) -> int:
        """The number of questions in all, were the longest route taken from ``question``."""
        return self.position(question) + self.tree.questions_left(question)

    def before(self, question: TroubleshooterQuestion) -> Path:
        """The path as it stood when ``question`` was asked: its answer and later ones left out."""
        return Path(tree=self.tree, answers=self.answers[: self.position(question)])

    def answer_to(self, question: TroubleshooterQuestion) -> TroubleshooterAnswer | None:
        return next((a for a in self.answers if a.question_id == question.pk), None)

    def previous(self, question: TroubleshooterQuestion | None) -> TroubleshooterQuestion | None:
        """The question before ``question`` (before the result when None)."""
        index = len(self.answers) if question is None else self.position(question)
        if not index:
            return None
        return self.questions[index - 1]

    def result(self) -> Result:
        from legs.models.checklists import with_causes  # the models import this module

        with_causes(self.answers)
        return Result.from_answers(self.answers)


@dataclass
class RankedCause:
    """A cause with the answers pointing at it and the tips for it.

    ``leads``: an answer that set the result's triage level points at it, so it comes first
    (the post-viral fatigue of a runner back after an illness, the injury behind a
    physiotherapist). ``tips`` are the ones to follow now; ``after_check`` the ones that work
    the legs, held back under a "rest and get checked" level until someone has looked.
    """

    cause: Cause
    votes: int
    leads: bool = False
    tips: list[Tip] = field(default_factory=list)
    after_check: list[Tip] = field(default_factory=list)

    @property
    def score(self) -> tuple[bool, int]:
        return (self.leads, self.votes)


@dataclass
class Result:
    """The troubleshooter's outcome: the most urgent triage level, then the likely causes.

    Causes come in two tiers: ``likely`` (the top score; one cause, or several that the
    answers point at equally) and ``also_possible`` (the rest). An emergency or urgent level
    lists no causes: nothing but getting help matters then.
    """

    triage: str
    triage_reasons: list[TroubleshooterAnswer]
    causes: list[RankedCause]
    also: list[str] = field(default_factory=list)
    # Other answers with advice of their own ("rest it a few days first"), shown as well.
    notes: list[TroubleshooterAnswer] = field(default_factory=list)

    @property
    def triage_label(self) -> str:
        return Triage(self.triage).label

    @property
    def triage_advice(self) -> str:
        return TRIAGE_ADVICE[Triage(self.triage)]

    @property
    def is_red_flag(self) -> bool:
        return self.triage in ENDING_TRIAGE

    @property
    def also_advice(self) -> list[tuple[str, str]]:
        """Milder levels that also apply (e.g. a blood test beside a physiotherapist)."""
        return [(Triage(level).label, TRIAGE_ADVICE[Triage(level)]) for level in self.also]

    @property
    def likely(self) -> list[RankedCause]:
        if not self.causes:
            return []
        top = self.causes[0].score
        return [item for item in self.causes if item.score == top]

    @property
    def also_possible(self) -> list[RankedCause]:
        return self.causes[len(self.likely) :]

    @classmethod
    def from_answers(cls, answers: Sequence[TroubleshooterAnswer]) -> Result:
        """Rank causes: those behind the triage level first, then by how many answers point
        at each (ties: the catalogue's order)."""
        triage = most_urgent(answers)
        reasons = [answer for answer in answers if answer.triage == triage]
        milder = {answer.triage for answer in answers} - {"", triage, Triage.SELF_CARE}
        also = sorted(milder, key=TRIAGE_RANK.__getitem__, reverse=True)
        notes = [answer for answer in answers if answer.advice and answer.triage != triage]
        if triage in ENDING_TRIAGE:
            return cls(triage=triage, triage_reasons=reasons, causes=[], also=also, notes=notes)
        votes: Counter[int] = Counter()
        causes: dict[int, Cause] = {}
        for answer in answers:
            for cause in answer.causes.all():
                votes[cause.pk] += 1
                causes[cause.pk] = cause
        leading = {cause.pk for answer in reasons for cause in answer.causes.all()}
        ranked = [
            _ranked(cause, votes[cause.pk], leads=cause.pk in leading, triage=triage)
            for cause in causes.values()
        ]
        ranked.sort(key=lambda item: (-item.leads, -item.votes, item.cause.order, item.cause.name))
        return cls(triage=triage, triage_reasons=reasons, causes=ranked, also=also, notes=notes)


def _ranked(cause: Cause, votes: int, *, leads: bool, triage: str) -> RankedCause:
    tips = list(cause.tips.all())
    if triage not in REST_AND_CHECK:
        return RankedCause(cause=cause, votes=votes, leads=leads, tips=tips)
    return RankedCause(
        cause=cause,
        votes=votes,
        leads=leads,
        tips=[tip for tip in tips if tip.suits_rest],
        after_check=[tip for tip in tips if not tip.suits_rest],
    )
