from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User


@admin.register(User)
class MemberAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Preferences", {"fields": ("display_name", "units", "time_zone")}),
    )
    list_display = ("username", "email", "display_name", "is_staff", "date_joined")
