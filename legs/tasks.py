"""Background work, through Django's Tasks API (the django-tasks backport; SPEC §9).

Each task takes ids, not objects (its arguments are stored as JSON in the queue), and is
idempotent: run twice, or run again after a worker was killed half way, it writes once.
"""

from __future__ import annotations

from datetime import datetime

from django_tasks import task

from legs import imports, moderation_mail


@task()
def import_files(import_id: int) -> None:
    """Read an import's uploaded files into the member's diary (see ``legs.imports.run``)."""
    imports.run(import_id)


@task()
def email_held_comment(comment_id: int) -> None:
    """Tell the moderators who want each held comment (see ``legs.moderation_mail``)."""
    moderation_mail.send_held(comment_id)


@task()
def email_held_digest(hour: str) -> None:
    """The hour's digest of held comments, run at the hour's end (``hour`` in ISO format)."""
    moderation_mail.send_digest(datetime.fromisoformat(hour))
