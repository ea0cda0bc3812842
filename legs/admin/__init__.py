"""Admin registrations, one module per domain, imported here so autodiscovery finds them."""

from . import comments, tips  # noqa: F401
