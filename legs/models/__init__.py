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
from .comments import (
    CannedReply,
    Comment,
    CommentReport,
    DisallowedWord,
    ModerationAction,
    Status,
)
from .diary import CheckIn, Run
from .imports import Import, ImportItem, ImportStatus, ItemOutcome
from .tips import Cause, Evidence, Fact, Phase, Question, SavedTip, Source, Tip
from .trials import Trial, TrialLength

__all__ = [
    "CannedReply",
    "Cause",
    "CheckIn",
    "Checklist",
    "ChecklistKind",
    "ChecklistRun",
    "ChecklistRunAnswer",
    "ChecklistRunStep",
    "ChecklistStep",
    "Comment",
    "CommentReport",
    "DisallowedWord",
    "Evidence",
    "Fact",
    "Import",
    "ImportItem",
    "ImportStatus",
    "ItemOutcome",
    "ModerationAction",
    "Phase",
    "Question",
    "Run",
    "SavedTip",
    "Source",
    "Status",
    "StepKind",
    "Tip",
    "Triage",
    "Trial",
    "TrialLength",
    "TroubleshooterAnswer",
    "TroubleshooterQuestion",
]
