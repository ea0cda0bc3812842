"""Admin registrations, one module per domain, imported here so Django's autodiscovery finds them."""
