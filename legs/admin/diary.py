"""Members' diaries in the admin: read-only, and for superusers only.

Runs and check-ins are private health data. Moderators are staff, so without these overrides a
moderator given the model permissions could read them; the site's owner (superuser) can look, for
support, and a member's entries go with the member when a superuser deletes the account, which is
why deletion (and only deletion) stays allowed for superusers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from config.admin_changelist import SafeChangeListMixin
from legs.models import CheckIn, Run


class PrivateDiaryAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_select_related = ["user"]
    date_hierarchy = "date"
    search_fields = ["user__username"]
    actions = None  # no bulk delete from the list; accounts are deleted with their diary

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_superuser


@admin.register(Run)
class RunAdmin(PrivateDiaryAdmin):
    list_display = ["date", "user", "distance_km", "duration", "kind", "rpe", "leg_heaviness"]
    list_filter = ["kind", "surface"]


@admin.register(CheckIn)
class CheckInAdmin(PrivateDiaryAdmin):
    list_display = ["date", "user", "sleep_hours", "leg_heaviness", "rest_day"]
    list_filter = ["rest_day"]
