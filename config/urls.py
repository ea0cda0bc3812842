from django.contrib import admin
from django.urls import include, path

from . import views

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("privacy/", views.privacy, name="privacy"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("legs.urls")),
]
