"""Admin registrations, one module per domain, imported here so autodiscovery finds them."""

from . import tips  # noqa: F401
