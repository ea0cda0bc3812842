from django.contrib.admin.apps import AdminConfig


class SiteAdminConfig(AdminConfig):
    """Django's admin with the site's own AdminSite (config/admin_site.py)."""

    default_site = "config.admin_site.SiteAdmin"
