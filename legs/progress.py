"""Checklist progress: where a visitor or a member stands in one checklist or troubleshooter.

Members: their newest run of it (finished or not), read from the database; writes go through
``legs.services``. Visitors: a small dict in the session under the checklist's id, holding the
same three things: ticked step ids, answer ids in order, and when it was finished. This module is
the only one that reads or writes that part of the session; ``visitor_state`` is what the public
page cache keys a visitor's checklist pages on.

The runner's stretch hold (20, 30 or 45 s each side) is kept the same two ways: in a member's
profile, or in a visitor's session until they choose again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from accounts.models import StretchHold
from legs import services
from legs.models import Checklist, ChecklistRun, ChecklistStep, TroubleshooterAnswer

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.base import SessionBase

SESSION_KEY = "checklists"
HOLD_SESSION_KEY = "stretch_hold"


@dataclass
class Progress:
    """Ticks, answers and the finish time of one checklist, for a member or a visitor."""

    checklist: Checklist
    user: AbstractBaseUser | AnonymousUser
    session: SessionBase
    ticked: set[int] = field(default_factory=set)
    answer_ids: list[int] = field(default_factory=list)
    finished: datetime | None = None
    run: ChecklistRun | None = None

    @classmethod
    def load(
        cls, *, user: AbstractBaseUser | AnonymousUser, session: SessionBase, checklist: Checklist
    ) -> Progress:
        """A member's progress from their newest run; a visitor's from their session."""
        mine = cls(checklist, user, session)
        if user.is_authenticated:
            run = ChecklistRun.objects.for_user(user).latest_for(checklist)
            if run is None:
                return mine
            if checklist.is_troubleshooter:
                mine.answer_ids = [row.answer_id for row in run.answer_rows.all()]
            else:
                mine.ticked = {tick.step_id for tick in run.ticks.all()}
            mine.finished, mine.run = run.finished, run
            return mine
        saved = _visitor_entries(session).get(str(checklist.pk), {})
        mine.ticked = {pk for pk in saved.get("ticked", []) if isinstance(pk, int)}
        mine.answer_ids = [pk for pk in saved.get("answers", []) if isinstance(pk, int)]
        mine.finished = _parse_time(saved.get("finished"))
        return mine

    @property
    def is_member(self) -> bool:
        return self.user.is_authenticated

    def _save_session(self) -> None:
        _write_visitor_entry(
            self.session,
            self.checklist,
            {
                "ticked": sorted(self.ticked),
                "answers": self.answer_ids,
                "finished": self.finished.isoformat() if self.finished else None,
            },
        )

    def tick(self, step: ChecklistStep, ticked: bool) -> None:
        """Raises ``services.ChecklistRunFinished`` when finished; nothing changes then."""
        if self.is_member:
            self.run = services.checklist_step_tick(
                user=self.user, checklist=self.checklist, step=step, ticked=ticked
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
            self.run = services.checklist_run_finish(user=self.user, checklist=self.checklist)
            self.finished = self.run.finished
        elif self.finished:
            raise services.ChecklistRunFinished
        else:
            self.finished = timezone.now()
            self._save_session()

    def restart(self) -> None:
        self.ticked, self.answer_ids, self.finished = set(), [], None
        if self.is_member:
            self.run = services.checklist_run_restart(user=self.user, checklist=self.checklist)
        else:
            _write_visitor_entry(self.session, self.checklist, None)

    def save_answers(self, answers: list[TroubleshooterAnswer], *, ended: bool) -> None:
        self.answer_ids = [answer.pk for answer in answers]
        self.finished = timezone.now() if ended else None
        if self.is_member:
            self.run = services.troubleshooter_run_save(
                user=self.user, checklist=self.checklist, answers=answers, ended=ended
            )
        else:
            self._save_session()


def stretch_hold(*, user: AbstractBaseUser | AnonymousUser, session: SessionBase) -> int:
    """How long the runner holds each stretch, each side: 30 s until they choose."""
    if user.is_authenticated:
        return user.stretch_hold
    saved = session.get(HOLD_SESSION_KEY)
    return saved if saved in StretchHold.values else StretchHold.MEDIUM


def save_stretch_hold(
    *, user: AbstractBaseUser | AnonymousUser, session: SessionBase, seconds: int
) -> None:
    """Remember the runner's hold: in a member's profile, in a visitor's session."""
    if user.is_authenticated:
        user.stretch_hold = seconds
        user.save(update_fields=["stretch_hold"])
    else:
        session[HOLD_SESSION_KEY] = seconds


def visitor_state(session: SessionBase) -> dict[str, dict[str, Any]]:
    """All a visitor's checklist and troubleshooter pages show of their session: the ticks,
    the answers, and when a checklist was finished (a troubleshooter's end time shows nowhere,
    so visitors with the same answers share one cached copy of each troubleshooter page)."""
    return {
        pk: {
            "ticked": entry.get("ticked"),
            "answers": entry.get("answers"),
            "finished": None if entry.get("answers") else entry.get("finished"),
        }
        for pk, entry in _visitor_entries(session).items()
    }


def _visitor_entries(session: SessionBase) -> dict[str, dict[str, Any]]:
    """The visitor's saved entries by checklist id; anything that is not one is left out."""
    saved = session.get(SESSION_KEY, {})
    if not isinstance(saved, dict):
        return {}
    return {pk: entry for pk, entry in saved.items() if isinstance(entry, dict)}


def _write_visitor_entry(
    session: SessionBase, checklist: Checklist, entry: dict[str, Any] | None
) -> None:
    """Keep ``entry`` as the visitor's progress in ``checklist``; None forgets it."""
    if entry is None:
        session.get(SESSION_KEY, {}).pop(str(checklist.pk), None)
    else:
        session.setdefault(SESSION_KEY, {})[str(checklist.pk)] = entry
    session.modified = True


def _parse_time(value: object) -> datetime | None:
    """A session timestamp, or None for anything that is not one (never a 500 on odd data)."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
