from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from config.admin_changelist import SafeChangeListMixin

from .models import User


@admin.register(User)
class MemberAdmin(SafeChangeListMixin, UserAdmin):
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Preferences", {"fields": ["display_name", "units", "time_zone"]}),
    ]
    list_display = ["username", "email", "display_name", "is_staff", "date_joined"]


# Django's own Group admin, with the site's change list.
admin.site.unregister(Group)


@admin.register(Group)
class MemberGroupAdmin(SafeChangeListMixin, GroupAdmin):
    pass
