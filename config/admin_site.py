from django.contrib.admin import AdminSite

from accounts.forms import AdminLoginForm


class SiteAdmin(AdminSite):
    """The admin logs in through the site's throttled form: the same identities and counters as
    /accounts/login/, so a lock set on either holds on both, and a locked log-in answers 429."""

    login_form = AdminLoginForm
    # The admin is where moderators work: it says so, with the site's name.
    site_header = "Lighter Legs moderation desk"
    site_title = "Lighter Legs moderation"
    index_title = "Moderation desk"

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response
