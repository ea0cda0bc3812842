"""Comment moderation in the admin: the queue, "Reply as coach", canned replies, promotion."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from config.admin_changelist import SafeChangeListMixin
from legs import formats, services
from legs.forms.comments import CoachReplyForm, PromoteForm
from legs.models import CannedReply, Comment, DisallowedWord, Status

# A bulk action's message: "2 comments approved.", "1 comment marked as spam."
MODERATED = {
    Status.PENDING: "set back to pending",
    Status.APPROVED: "approved",
    Status.REJECTED: "rejected",
    Status.SPAM: "marked as spam",
}


class AnsweredFilter(admin.SimpleListFilter):
    """ "Unanswered" is the coach's to-do list: readers' public questions with no coach reply."""

    title = "answered"
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("no", "Unanswered (oldest first)"), ("yes", "Answered")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(
                Q(status=Status.APPROVED, hidden=False, parent__isnull=True, by_coach=False),
                answered=False,
            )
        if self.value() == "yes":
            return queryset.filter(parent__isnull=True, answered=True)
        return queryset


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", "Reported"), ("hidden", "Hidden by reports")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(Q(report_count__gt=0) | Q(hidden=True))
        if self.value() == "hidden":
            return queryset.filter(hidden=True)
        return queryset


@admin.register(Comment)
class CommentAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """The moderation queue: reported comments first, then the newest.

    Comments are written by readers, or by moderators through "Reply as coach": there is no
    "Add comment" form, and a moderator changes only a comment's status here.
    """

    list_display = [
        "tip",
        "name",
        "excerpt",
        "status",
        "answered_display",
        "report_count",
        "created",
    ]
    list_display_links = ["excerpt"]
    list_filter = [
        "status",
        AnsweredFilter,
        ReportedFilter,
        ("tip", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["tip"]
    search_fields = ["name", "email", "body"]
    date_hierarchy = "created"
    actions = ["approve", "reject", "mark_spam", "promote"]
    fieldsets = [
        (None, {"fields": ["tip", "parent", "name", "email", "user", "body", "created"]}),
        (
            "Moderation",
            {
                "fields": [
                    "status",
                    "hidden",
                    "report_count",
                    "by_coach",
                    "notify_on_reply",
                    "question",
                ]
            },
        ),
    ]
    readonly_fields = [
        "tip",
        "parent",
        "name",
        "email",
        "user",
        "body",
        "created",
        "hidden",
        "report_count",
        "by_coach",
        "notify_on_reply",
        "question",
    ]

    class Media:
        css = {"all": ["css/comments-admin.css"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return super().get_queryset(request).with_answered()

    def get_ordering(self, request: HttpRequest) -> list[str]:
        if request.GET.get(AnsweredFilter.parameter_name) == "no":
            return ["created"]
        return ["-hidden", "-report_count", "-created"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="comment")
    def excerpt(self, obj: Comment) -> str:
        return obj.excerpt

    @admin.display(description="answered", ordering="answered")
    def answered_display(self, obj: Comment) -> str | None:
        if obj.parent_id or obj.by_coach:
            return None  # replies and the coach's own posts are not questions
        return "Answered" if obj.answered else "Waiting"

    def save_model(self, request, obj, form, change):
        """A status change goes through the service, so approving a reply notifies once."""
        current = Comment.objects.get(pk=obj.pk)
        services.comment_moderate(comments=[current], status=obj.status)

    # --- bulk actions

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Comment], status: str) -> None:
        changed = services.comment_moderate(comments=list(queryset), status=status)
        self.message_user(request, f"{formats.plural(changed, 'comment')} {MODERATED[status]}.")

    @admin.action(description="Approve (publish) selected comments", permissions=["change"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Status.APPROVED)

    @admin.action(description="Reject selected comments", permissions=["change"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, Status.REJECTED)

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Status.SPAM)

    @admin.action(description='Promote to "What\'s being asked"', permissions=["change"])
    def promote(self, request, queryset):
        promoted = 0
        for comment in queryset:
            try:
                services.comment_promote_to_question(comment=comment)
            except services.CommentNotPromotable as refusal:
                self.message_user(request, f"{comment.name}: {refusal}", messages.WARNING)
            else:
                promoted += 1
        if promoted:
            self.message_user(
                request, f'{formats.plural(promoted, "comment")} added to "What\'s being asked".'
            )

    # --- the comment's page: its whole thread, "Reply as coach", promotion

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/reply/", view(self.reply_view), name="legs_comment_reply"),
            path("<path:object_id>/promote/", view(self.promote_view), name="legs_comment_promote"),
            *super().get_urls(),
        ]

    def _moderated_comment(self, request: HttpRequest, object_id: str) -> Comment:
        comment = self.get_object(request, unquote(object_id))
        if comment is None:
            raise Http404("No such comment.")
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        return comment

    def _thread_context(self, request: HttpRequest, comment: Comment) -> dict:
        root = comment.thread_root
        canned = CannedReply.objects.all()
        return {
            "root": root,
            "replies": list(root.replies.order_by("created", "pk")),
            "current": comment,
            # Read by static/js/comments.js through json_script, never as inline script.
            "canned_bodies": {str(c.pk): c.body for c in canned},
            "can_promote": root.question_id is None,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        comment = self.get_object(request, unquote(object_id))
        extra = dict(extra_context or {})
        if comment is not None:
            extra |= self._thread_context(request, comment)
            extra["reply_form"] = CoachReplyForm()
            extra["can_reply"] = self.has_change_permission(request, comment)
        return super().change_view(request, object_id, form_url, extra)

    def _page(self, request: HttpRequest, template: str, title: str, context: dict):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                **context,
            },
        )

    def reply_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Publish the moderator's answer under the thread; errors keep the text."""
        comment = self._moderated_comment(request, object_id)
        form = CoachReplyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            root = comment.thread_root
            services.comment_reply_as_coach(
                comment=comment, moderator=request.user, body=form.cleaned_data["body"]
            )
            text = f"Your reply is published under {root.name}'s comment."
            if root.notify_on_reply:
                text += " They asked to hear about replies and have been emailed."
            self.message_user(request, text)
            return HttpResponseRedirect(reverse("admin:legs_comment_change", args=[root.pk]))
        context = self._thread_context(request, comment) | {
            "reply_form": form,
            "can_reply": True,
            "original": comment,
        }
        return self._page(request, "admin/legs/comment/reply.html", "Reply as coach", context)

    def promote_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """A thread's question and coach answer, worded by the moderator, into the Q&A."""
        comment = self._moderated_comment(request, object_id)
        root = comment.thread_root
        change_url = reverse("admin:legs_comment_change", args=[root.pk])
        answer = root.replies.coach_answers().order_by("-created").first()
        if root.question_id is not None or answer is None:
            why = (
                'This question is on "What\'s being asked" already.'
                if root.question_id is not None
                else "Answer it as coach first: a question needs an answer to go there."
            )
            self.message_user(request, why, messages.WARNING)
            return HttpResponseRedirect(change_url)
        form = PromoteForm(
            request.POST or None, initial={"question": root.body, "answer": answer.body}
        )
        if request.method == "POST" and form.is_valid():
            services.comment_promote_to_question(
                comment=root,
                question=form.cleaned_data["question"],
                answer=form.cleaned_data["answer"],
            )
            self.message_user(
                request, "Added to \"What's being asked\", without the reader's name."
            )
            return HttpResponseRedirect(change_url)
        context = {"root": root, "form": form, "original": root}
        return self._page(
            request, "admin/legs/comment/promote.html", 'Promote to "What\'s being asked"', context
        )


@admin.register(CannedReply)
class CannedReplyAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ["title", "order"]
    list_editable = ["order"]
    search_fields = ["title", "body"]


@admin.register(DisallowedWord)
class DisallowedWordAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """Words or phrases that mark a new comment as spam (whole words, any letter case)."""

    list_display = ["word"]
    search_fields = ["word"]
