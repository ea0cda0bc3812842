"""The few writes that touch several models: keyword-only functions, each in one transaction."""
