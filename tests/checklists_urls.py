"""Test-only URLconf: the site's URLs plus stand-ins for the tip and cause pages.

The checklists link each step and cause to its tip or cause page, which the tips branch builds.
Until that branch is merged these two names do not exist here; Django takes the first pattern
with a name, so once the real pages exist they win and this file can be deleted.
"""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    *site_urlpatterns,
    path("tips/<slug:slug>/", lambda request, slug: HttpResponse(slug), name="tip_detail"),
    path("causes/<slug:slug>/", lambda request, slug: HttpResponse(slug), name="cause_detail"),
]
