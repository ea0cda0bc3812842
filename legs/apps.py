from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class LegsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "legs"
    verbose_name = "Lighter Legs"

    # Models whose rows appear on the publicly cached pages. Cache invalidation, not domain
    # logic, so signals are the right tool: they catch the admin, fixtures and scripts alike.
    PUBLIC_CONTENT = (
        "Source",
        "Cause",
        "Tip",
        "Question",
        "Fact",
        "Checklist",
        "ChecklistStep",
        "TroubleshooterQuestion",
        "TroubleshooterAnswer",
        "Comment",
    )

    def ready(self) -> None:
        from accounts.services import register_export_sections
        from config.public_cache import FRESH_FIELDS, bump_public_version
        from legs.exports import SECTIONS
        from legs.forms.comments import time_token

        FRESH_FIELDS["ts"] = time_token
        register_export_sections(SECTIONS)

        for name in self.PUBLIC_CONTENT:
            model = self.get_model(name)
            post_save.connect(bump_public_version, sender=model, dispatch_uid=f"public-{name}")
            post_delete.connect(bump_public_version, sender=model, dispatch_uid=f"public-{name}")
        from legs.comment_cache import comment_written

        Comment = self.get_model("Comment")
        post_save.connect(comment_written, sender=Comment, dispatch_uid="comment-thread")
        post_delete.connect(comment_written, sender=Comment, dispatch_uid="comment-thread")
        from legs.tip_cache import content_written

        for name in ("Source", "Cause", "Tip", "Fact"):
            model = self.get_model(name)
            post_save.connect(content_written, sender=model, dispatch_uid=f"tip-content-{name}")
            post_delete.connect(content_written, sender=model, dispatch_uid=f"tip-content-{name}")
        from legs.diary_cache import diary_written

        for name in ("Run", "CheckIn"):
            model = self.get_model(name)
            post_save.connect(diary_written, sender=model, dispatch_uid=f"diary-{name}")
            post_delete.connect(diary_written, sender=model, dispatch_uid=f"diary-{name}")
        Tip = self.get_model("Tip")
        Answer = self.get_model("TroubleshooterAnswer")
        for through in (Tip.causes.through, Tip.related.through, Answer.causes.through):
            m2m_changed.connect(
                bump_public_version, sender=through, dispatch_uid=f"public-{through}"
            )
        for through in (Tip.causes.through, Tip.related.through):
            m2m_changed.connect(
                content_written, sender=through, dispatch_uid=f"tip-content-{through}"
            )
