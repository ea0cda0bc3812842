"""Admin registrations, one module per domain, imported here so autodiscovery finds them."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

from . import (
    checklists,  # noqa: F401
    comments,  # noqa: F401
    diary,  # noqa: F401
    tips,  # noqa: F401
)

# django-tasks-db registers its queue in the admin; the site's admin shows the site's own data
# only (every page of it is in the security suite's table). The queue's rows name members'
# imports and hold tracebacks: operators read them with `manage.py shell` or in the database.
admin.site.unregister(DBTaskResult)
