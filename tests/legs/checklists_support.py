"""Helpers shared by the checklist tests (not fixtures, so no conftest is needed)."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command

FIXTURES = settings.BASE_DIR / "fixtures"
TROUBLESHOOTER = "heavy-legs"


def load_content() -> None:
    """The real catalogue and checklists, as `make setup` loads them."""
    call_command("loaddata", FIXTURES / "catalogue.json", FIXTURES / "checklists.json", verbosity=0)
