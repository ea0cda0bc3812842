"""Admin registrations, one module per domain, imported here for Django's autodiscovery."""

from . import (
    checklists,  # noqa: F401
    diary,  # noqa: F401
    tips,  # noqa: F401
)
