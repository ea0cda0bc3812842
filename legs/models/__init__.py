from .comments import CannedReply, Comment, CommentReport, DisallowedWord, Status
from .tips import Cause, Evidence, Fact, Phase, Question, SavedTip, Source, Tip

__all__ = ["Cause", "Evidence", "Fact", "Phase", "Question", "SavedTip", "Source", "Tip"]
__all__ += ["CannedReply", "Comment", "CommentReport", "DisallowedWord", "Status"]
