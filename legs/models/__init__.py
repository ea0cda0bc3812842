from .tips import Cause, Evidence, Fact, Phase, Question, SavedTip, Source, Tip

__all__ = ["Cause", "Evidence", "Fact", "Phase", "Question", "SavedTip", "Source", "Tip"]

from .checklists import (  # noqa: E402 (checklists build on the catalogue above)
    Checklist,
    ChecklistKind,
    ChecklistRun,
    ChecklistRunAnswer,
    ChecklistRunStep,
    ChecklistStep,
    StepKind,
    Triage,
    TroubleshooterAnswer,
    TroubleshooterQuestion,
)

__all__ += [
    "Checklist",
    "ChecklistKind",
    "ChecklistRun",
    "ChecklistRunAnswer",
    "ChecklistRunStep",
    "ChecklistStep",
    "StepKind",
    "Triage",
    "TroubleshooterAnswer",
    "TroubleshooterQuestion",
]
