from .checklists import (
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
from .diary import CheckIn, Run
from .tips import Cause, Evidence, Fact, Phase, Question, SavedTip, Source, Tip

__all__ = [
    "Cause",
    "CheckIn",
    "Checklist",
    "ChecklistKind",
    "ChecklistRun",
    "ChecklistRunAnswer",
    "ChecklistRunStep",
    "ChecklistStep",
    "Evidence",
    "Fact",
    "Phase",
    "Question",
    "Run",
    "SavedTip",
    "Source",
    "StepKind",
    "Tip",
    "Triage",
    "TroubleshooterAnswer",
    "TroubleshooterQuestion",
]
