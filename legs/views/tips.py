from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from legs.models import Cause, Fact


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context = {
        "causes": Cause.objects.all(),
        "facts": Fact.objects.select_related("source")[:3],
    }
    return render(request, "legs/home.html", context)
