from .diary import CheckIn, Run
from .tips import Cause, Evidence, Fact, Phase, Question, SavedTip, Source, Tip

__all__ = ["Cause", "Evidence", "Fact", "Phase", "Question", "SavedTip", "Source", "Tip"]
__all__ += ["CheckIn", "Run"]
