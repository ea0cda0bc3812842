"""Background work, through Django's Tasks API (the django-tasks backport; SPEC §9).

Each task takes ids, not objects (its arguments are stored as JSON in the queue), and is
idempotent: run twice, or run again after a worker was killed half way, it writes once.
"""

from __future__ import annotations

from django_tasks import task

from legs import imports


@task()
def import_files(import_id: int) -> None:
    """Read an import's uploaded files into the member's diary (see ``legs.imports.run``)."""
    imports.run(import_id)
