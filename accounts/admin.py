from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group

from config.admin_changelist import SafeChangeListMixin

from .forms import USERNAME_HELP, clean_new_username
from .models import User


class MemberChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        help_texts = {"username": USERNAME_HELP}

    def clean_username(self) -> str:
        return clean_new_username(self.cleaned_data["username"], instance=self.instance)


class MemberCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        help_texts = {"username": USERNAME_HELP}

    def clean_username(self) -> str:
        return clean_new_username(self.cleaned_data["username"])


@admin.register(User)
class MemberAdmin(SafeChangeListMixin, UserAdmin):
    # Usernames as the site's sign-up allows them: never with "@" (see accounts.forms).
    form = MemberChangeForm
    add_form = MemberCreationForm
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
