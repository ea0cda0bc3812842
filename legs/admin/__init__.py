"""Admin registrations, one module per domain, imported here so autodiscovery finds them."""

from . import (
    checklists,  # noqa: F401
    comments,  # noqa: F401
    diary,  # noqa: F401
    tips,  # noqa: F401
)
