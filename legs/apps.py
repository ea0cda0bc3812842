from django.apps import AppConfig


class LegsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "legs"
    verbose_name = "Lighter Legs"
