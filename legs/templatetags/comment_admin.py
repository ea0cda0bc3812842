"""The admin index's moderation counts, for whoever may see comments."""

from __future__ import annotations

from django import template
from django.db.models import Q
from django.urls import reverse

from legs.models import Comment, Status

register = template.Library()


@register.simple_tag(takes_context=True)
def moderation_queue(context: template.Context) -> dict | None:
    request = context.get("request")
    if request is None or not request.user.has_perm("legs.view_comment"):
        return None
    changelist = reverse("admin:legs_comment_changelist")
    return {
        "pending": Comment.objects.filter(status=Status.PENDING).count(),
        "unanswered": Comment.objects.unanswered().count(),
        "reported": Comment.objects.filter(Q(report_count__gt=0) | Q(hidden=True)).count(),
        "pending_url": f"{changelist}?status__exact={Status.PENDING}",
        "unanswered_url": f"{changelist}?answered=no",
        "reported_url": f"{changelist}?reported=yes",
    }
