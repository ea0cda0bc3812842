"""The catalogue in the admin: site admins edit tips, causes, sources, Q&A and facts.

SavedTip is not registered: a member's saved tips are their own business.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from config.admin_changelist import SafeChangeListMixin
from legs.models import Cause, Fact, Question, Source, Tip


@admin.register(Source)
class SourceAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ["title", "author", "site", "published"]
    search_fields = ["title", "author", "site"]
    ordering = ["published"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def view_on_site(self, obj: Source) -> str:
        # A source has no page of its own here: "view on site" opens the article itself.
        return obj.url


@admin.register(Cause)
class CauseAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "order", "tip_count"]
    list_editable = ["order"]
    search_fields = ["name", "summary"]
    ordering = ["order", "name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cause]:
        return super().get_queryset(request).annotate(tip_count=Count("tips"))

    @admin.display(description="Tips", ordering="tip_count")
    def tip_count(self, obj: Cause) -> int:
        return obj.tip_count


@admin.register(Tip)
class TipAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "phase",
        "source",
        "source_number",
        "evidence",
        "last_reviewed",
        "is_published",
    ]
    list_filter = ["phase", "evidence", "source", "is_published", "causes"]
    list_select_related = ["source"]
    search_fields = ["title", "summary", "body", "causes__name"]
    ordering = ["phase", "order", "title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["causes", "related"]
    date_hierarchy = "last_reviewed"
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "phase", "order", "is_published"]}),
        ("Source", {"fields": ["source", "source_group", "source_number"]}),
        ("Evidence", {"fields": ["evidence", "evidence_note", "last_reviewed"]}),
        (
            "Disagreements and red flags",
            {"fields": ["disagreement", "red_flag"]},
        ),
        ("Links", {"fields": ["causes", "related"]}),
        ("Try a tip", {"fields": ["trial_habit"]}),
    ]


@admin.register(Question)
class QuestionAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ["__str__", "tip", "source", "order", "is_published"]
    list_editable = ["order", "is_published"]
    list_filter = ["is_published", "source"]
    list_select_related = ["tip", "source"]
    search_fields = ["question", "answer"]
    ordering = ["order", "-created"]
    autocomplete_fields = ["tip"]


@admin.register(Fact)
class FactAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ["__str__", "tip", "source", "order"]
    list_editable = ["order"]
    list_filter = ["source"]
    list_select_related = ["tip", "source"]
    search_fields = ["text"]
    ordering = ["order"]
    autocomplete_fields = ["tip"]
