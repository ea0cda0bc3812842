"""Admin registrations, one module per domain, imported here so autodiscovery finds them."""

from . import diary  # noqa: F401
