"""Comment moderation in the admin: the queue with its row actions and undo, "Reply as coach"
and the next question, canned replies, promotion, and the history of every moderation action."""

from __future__ import annotations

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME, ActionForm
from django.contrib.admin.models import LogEntry
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, get_urlconf, path, reverse
from django.utils.decorators import method_decorator
from django.utils.formats import localize, number_format
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.views.decorators.http import require_http_methods, require_POST

from config.admin_changelist import SafeChangeList, SafeChangeListMixin
from config.htmx import wants_fragment
from legs import formats, moderation_mail, services
from legs.forms.comments import BlockForm, CoachReplyForm, PromoteForm
from legs.models import (
    Block,
    BlockKind,
    CannedReply,
    Comment,
    DisallowedWord,
    ModerationAction,
    ModeratorSettings,
    Status,
    Tip,
)
from legs.models.comments import UsedEmailLink, report_reasons

# A bulk action's message: "2 comments approved.", "1 comment marked as spam."
MODERATED = {
    Status.PENDING: "set back to pending",
    Status.APPROVED: "approved",
    Status.REJECTED: "rejected",
    Status.SPAM: "marked as spam",
}


# A row action's verb in its address, the status it sets, and what the history says.
ROW_ACTIONS = {
    "approve": (Status.APPROVED, "Approve", "a"),
    "unapprove": (Status.PENDING, "Unapprove", "u"),
    "spam": (Status.SPAM, "Spam", "s"),
    "reject": (Status.REJECTED, "Reject", "d"),
}


def row_actions(comment: Comment) -> list[tuple[str, str, str]]:
    """(verb, label, key) of the status changes that would change this comment; Unapprove
    only for a published one (spam and rejected comments are approved or left)."""
    shown = []
    for verb, (status, label, key) in ROW_ACTIONS.items():
        if status == Status.PENDING:
            wanted = comment.status == Status.APPROVED
        else:
            wanted = comment.status != status or (status == Status.APPROVED and comment.hidden)
        if wanted:
            shown.append((verb, label, key))
    return shown


def status_words(status: str) -> str:
    return Status(status).label.lower()


def changed_words(action: ModerationAction, how: str) -> str:
    """The history's plain words for one status change: "Approved (was pending) from the list."."""
    done = MODERATED[action.status]
    return f"{done[0].upper()}{done[1:]} (was {status_words(action.previous_status)}) {how}."


def filtered_changelist(request: HttpRequest) -> str:
    """The comment list with the filters it was showing when a row action was sent."""
    filters = QueryDict(request.POST.get("filters", "")).urlencode()
    changelist = reverse("admin:legs_comment_changelist")
    return f"{changelist}?{filters}" if filters else changelist


@functools.cache
def _changelist_url(prefix: str, urlconf: str | None) -> str:
    """The list's address, reversed once per script prefix and URLconf (a hundred rows a page)."""
    return reverse("admin:legs_comment_changelist", urlconf=urlconf)


def changelist_url() -> str:
    return _changelist_url(get_script_prefix(), get_urlconf())


# The list's cells, built in Python: a template per row cost a third of the list, and a
# format_html per cell and link most of the rest. Each cell is one format string whose fixed
# words (an action's verb, key and label) are put in once per shape of cell (functools.cache);
# every value from a comment goes in by name through format_html, so a commenter's name is
# escaped once a row however many places it shows.
CHECKBOX = (
    f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="{{pk}}" class="action-select" '
    'aria-label="Select this object for an action - {label}">'
)
COMMENTER = '<span class="row-commenter">{name}</span>'
# "All comments by this email / from this address": the stored hashes, in the address bar.
COMMENTER_LINKS = {
    "email_hash": (
        '<a href="?email_hash={email_hash}">by this email'
        '<span class="visually-hidden"> ({name})</span></a>'
    ),
    "ip_hash": (
        '<a href="?ip_hash={ip_hash}">by this address'
        '<span class="visually-hidden"> ({name})</span></a>'
    ),
}
ACTION_BUTTON = (
    '<button type="submit" class="row-action" formaction="{{url}}moderate/{verb}/" '
    'hx-post="{{url}}moderate/{verb}/" hx-target="closest td" hx-swap="innerHTML" '
    'data-action="{verb}" aria-keyshortcuts="{key}">{label}'
    '<span class="visually-hidden"> {{name}}’s comment</span></button>'
)
REPLY_LINK = (
    '<a class="row-action" href="{url}reply/" data-action="reply" aria-keyshortcuts="r">Reply'
    '<span class="visually-hidden"> to {name}</span></a>'
)
UNDO_BUTTON = (
    '<button type="submit" class="row-action row-undo" formaction="{undo_url}" '
    'hx-post="{undo_url}" hx-target="closest td" hx-swap="innerHTML" data-action="undo" '
    'aria-keyshortcuts="z">Undo<span class="visually-hidden"> for {name}’s comment</span> '
    "(back to {undo_to})</button>"
)
HELD = '<span class="row-held">Held: {held}</span>'


@functools.cache
def commenter_template(lookups: tuple[str, ...]) -> str:
    """The name, with a link for each of its hashes the comment has."""
    links = " ".join(COMMENTER_LINKS[lookup] for lookup in lookups)
    return f'{COMMENTER} <span class="row-commenter-links">{links}</span>' if links else COMMENTER


def commenter_lookups(comment: Comment) -> tuple[str, ...]:
    return tuple(lookup for lookup in COMMENTER_LINKS if getattr(comment, lookup))


@functools.cache
def moderation_template(verbs: tuple[str, ...], *, held: bool, undo: bool) -> str:
    buttons = "".join(
        ACTION_BUTTON.format(verb=verb, key=ROW_ACTIONS[verb][2], label=ROW_ACTIONS[verb][1])
        for verb in verbs
    )
    return (
        '<div class="row-moderation" data-comment="{pk}"><span class="row-status '
        'status-{status}">{status_label}{hidden}</span>'
        f"{HELD if held else ''}"
        f'<span class="row-actions">{buttons}{REPLY_LINK}{UNDO_BUTTON if undo else ""}</span></div>'
    )


def moderation_values(*, comment: Comment, actions, undo_id, undo_to: str, held) -> tuple:
    """A row's status and its actions: buttons of the list's own form (formaction), so each one
    posts without JavaScript and comes back to the same filtered list; htmx sends the same POST
    and redraws only this cell. The cell's template, and the values that go in it."""
    template = moderation_template(
        tuple(verb for verb, _, _ in actions), held=bool(held), undo=bool(undo_id)
    )
    # The addresses of get_urls() below, from one reverse a page instead of one an action.
    list_url = changelist_url()
    return template, {
        "pk": comment.pk,
        "status": comment.status,
        "status_label": comment.get_status_display(),
        "hidden": " · hidden" if comment.hidden else "",
        "held": ", ".join(held),
        "url": f"{list_url}{comment.pk}/",
        "name": comment.name,
        "undo_url": f"{list_url}undo/{int(undo_id)}/" if undo_id else "",
        "undo_to": undo_to.lower(),
    }


def moderation_cell(**context) -> str:
    template, values = moderation_values(**context)
    return format_html(template, **values)


@functools.cache
def row_template(commenter: str, moderation: str) -> str:
    """One row of the list, its cells in CommentAdmin.list_display's order and with the
    classes Django's own rows have (a test compares the two)."""
    return (
        f'<tr><td class="action-checkbox">{CHECKBOX}</td>'
        '<td class="field-tip nowrap">{tip}</td>'
        f'<td class="field-commenter">{commenter}</td>'
        '<th class="field-excerpt"><a href="{change_url}">{excerpt}</a></th>'
        f'<td class="field-moderation">{moderation}</td>'
        '<td class="field-answered_display">{answered}</td>'
        '<td class="field-report_count">{report_count}</td>'
        '<td class="field-created nowrap">{created}</td></tr>'
    )


class CommentChangeList(SafeChangeList):
    """The list's table drawn in one pass over the page's comments, a format_html a row.
    Django's own rows look up, format and wrap each cell on its own (items_for_result): with
    a hundred rows a page that was most of the page's time."""

    # The tips' long texts, which no column shows (str(tip) is its title).
    UNSHOWN_TIP_FIELDS = ("tip__summary", "tip__body", "tip__search_text")

    def apply_select_related(self, qs: QuerySet[Comment]) -> QuerySet[Comment]:
        return super().apply_select_related(qs).defer(*self.UNSHOWN_TIP_FIELDS)

    @cached_property
    def table_headers(self) -> list[dict]:
        return list(result_headers(self))

    @cached_property
    def num_sorted_fields(self) -> int:
        return sum(1 for header in self.table_headers if header["sortable"] and header["sorted"])

    @cached_property
    def table_rows(self) -> SafeString:
        admin = self.model_admin
        empty = admin.get_empty_value_display()
        prefix = changelist_url()
        # The filters a change link keeps are the same for every row: worked out once.
        _, mark, kept = add_preserved_filters(
            {"preserved_filters": self.preserved_filters, "opts": self.opts}, f"{prefix}0/change/"
        ).partition("?")
        rows = []
        for comment in self.result_list:
            moderation, values = moderation_values(**admin.row_context(comment))
            answered = admin.answered_display(comment)
            rows.append(
                format_html(
                    row_template(commenter_template(commenter_lookups(comment)), moderation),
                    **values,
                    label=comment,
                    tip=comment.tip,
                    email_hash=comment.email_hash,
                    ip_hash=comment.ip_hash,
                    change_url=f"{prefix}{comment.pk}/change/{mark}{kept}",
                    excerpt=comment.excerpt,
                    answered=empty if answered is None else answered,
                    report_count=number_format(comment.report_count),
                    created=localize(template_localtime(comment.created)),
                )
            )
        return format_html_join("\n", "{}", ((row,) for row in rows))


USED_LINK = "This link has been used already: each link in an email works once."


class ModeratorSettingsForm(forms.ModelForm):
    class Meta:
        model = ModeratorSettings
        fields = ["held_emails"]
        widgets = {"held_emails": forms.RadioSelect}


class ModerationActionForm(ActionForm):
    """The bulk actions' bar, with the tick that lets Spam and Reject touch coach replies."""

    include_coach = forms.BooleanField(
        required=False,
        label="include coach replies",
        help_text="Spam and Reject leave coach replies alone unless this is ticked.",
    )


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


class CommentedTipFilter(admin.RelatedOnlyFieldListFilter):
    """The tips that have comments, as Django's filter lists them, reading only their ids and
    titles (str(tip)) rather than whole tips through the list's annotated queryset."""

    def field_choices(self, field, request, model_admin) -> list[tuple[int, str]]:
        ordering = self.field_admin_ordering(field, request, model_admin) or Tip._meta.ordering
        return list(
            Tip.objects.filter(pk__in=Comment.objects.values("tip_id"))
            .order_by(*ordering)
            .values_list("pk", "title")
        )


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
        "commenter",
        "excerpt",
        "moderation",
        "answered_display",
        "report_count",
        "created",
    ]
    list_display_links = ["excerpt"]
    # Dates by the column's sort and these ranges, not a date hierarchy: its list of years
    # runs a Python function over every comment's date on SQLite (5,000 comments: 20 ms).
    list_filter = [
        "status",
        "created",
        AnsweredFilter,
        ReportedFilter,
        ("tip", CommentedTipFilter),
    ]
    list_select_related = ["tip"]
    search_fields = ["name", "email", "body"]
    actions = ["approve", "reject", "mark_spam", "promote"]
    action_form = ModerationActionForm
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
        """Each comment with `answered`, and the moderator's own change of it that can still
        be undone (`undo_id`, `undo_to`: the status it would go back to)."""
        undoable = ModerationAction.objects.undoable(request.user).filter(comment=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .with_answered()
            .annotate(
                undo_id=Subquery(undoable.values("pk")[:1]),
                undo_to=Subquery(undoable.values("previous_status")[:1]),
            )
        )

    COMMENTER_LOOKUPS = tuple(COMMENTER_LINKS)

    def get_changelist(self, request: HttpRequest, **kwargs) -> type[CommentChangeList]:
        return CommentChangeList

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        return lookup in self.COMMENTER_LOOKUPS or super().lookup_allowed(lookup, value, request)

    def get_ordering(self, request: HttpRequest) -> list[str]:
        if request.GET.get(AnsweredFilter.parameter_name) == "no":
            return ["created"]
        return ["-hidden", "-report_count", "-created"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="comment")
    def excerpt(self, obj: Comment) -> str:
        return obj.excerpt

    @admin.display(description="name", ordering="name")
    def commenter(self, obj: Comment) -> str:
        """The name, with links to everything from the same email and the same address."""
        return format_html(
            commenter_template(commenter_lookups(obj)),
            name=obj.name,
            email_hash=obj.email_hash,
            ip_hash=obj.ip_hash,
        )

    @admin.display(description="status", ordering="status")
    def moderation(self, obj: Comment) -> str:
        """The status with the row's actions: buttons of the list's own form, so they work
        without JavaScript (post, then back to the same filtered list) and, with htmx, redraw
        this cell in place."""
        return moderation_cell(**self.row_context(obj))

    def action_checkbox(self, obj: Comment) -> str:
        """Django's checkbox, without a widget template per row (a hundred rows a page)."""
        return format_html(CHECKBOX, pk=obj.pk, label=obj)

    def row_context(self, comment: Comment) -> dict:
        undo_to = getattr(comment, "undo_to", None)
        return {
            "comment": comment,
            "actions": row_actions(comment),
            "undo_id": getattr(comment, "undo_id", None),
            "undo_to": Status(undo_to).label if undo_to else "",
            "held": comment.held_reasons
            if comment.status != Status.APPROVED or comment.hidden
            else [],
        }

    @admin.display(description="answered", ordering="answered")
    def answered_display(self, obj: Comment) -> str | None:
        if obj.parent_id or obj.by_coach:
            return None  # replies and the coach's own posts are not questions
        return "Answered" if obj.answered else "Waiting"

    def save_model(self, request, obj, form, change):
        """A status change goes through the service, so approving a reply notifies once."""
        current = Comment.objects.get(pk=obj.pk)
        services.comment_moderate(comments=[current], status=obj.status, moderator=request.user)

    # --- bulk actions

    def _log_moderated(self, request: HttpRequest, done: services.Moderated, how: str) -> None:
        for action in done.actions:
            self.log_change(request, action.comment, changed_words(action, how))
        for entry in done.taken_down:
            self.message_user(
                request,
                f'"{Truncator(entry.question).chars(60)}" is taken off "What\'s being asked" too: '
                "its thread no longer shows that answer.",
                messages.WARNING,
            )

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Comment], status: str) -> None:
        include_coach = bool(request.POST.get("include_coach"))
        done = services.comment_moderate(
            comments=list(queryset),
            status=status,
            moderator=request.user,
            include_coach=include_coach,
        )
        self._log_moderated(request, done, "by a bulk action")
        text = f"{formats.plural(done.changed, 'comment')} {MODERATED[status]}."
        if done.skipped_coach:
            text += (
                f" {formats.plural(done.skipped_coach, 'coach reply', 'coach replies')} left as "
                'they were: tick "include coach replies" to include them.'
            )
        self.message_user(request, text)

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
                self.log_change(request, comment, 'Promoted to "What\'s being asked".')
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
            path(
                "<path:object_id>/moderate/<slug:verb>/",
                view(self.moderate_view),
                name="legs_comment_moderate",
            ),
            path("undo/<int:action_id>/", view(self.undo_view), name="legs_comment_undo"),
            path("<path:object_id>/block/", view(self.block_view), name="legs_comment_block"),
            path("email/<str:token>/", view(self.email_link_view), name="legs_comment_email_link"),
            path("emails/", view(self.email_settings_view), name="legs_comment_email_settings"),
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
            "history": self._history(comment),
            "report_reasons": report_reasons([root, *root.replies.all()]),
            "commenter": self._commenter(comment),
            "report_notes": list(comment.reports.exclude(note="")[:20]),
            "block_form": BlockForm(),
        }

    def _commenter(self, comment: Comment) -> dict:
        """How many comments share this one's email and address, the links to list them, and
        the blocks that cover them now."""
        changelist = reverse("admin:legs_comment_changelist")
        found = {}
        for lookup in self.COMMENTER_LOOKUPS:
            value = getattr(comment, lookup)
            if value:
                found[lookup] = {
                    "count": Comment.objects.filter(**{lookup: value}).count(),
                    "url": f"{changelist}?{urlencode({lookup: value})}",
                }
        blocks = Block.objects.covering(email_hash=comment.email_hash, ip_hash=comment.ip_hash)
        return found | {"blocks": list(blocks)}

    def _history(self, comment: Comment) -> QuerySet[LogEntry]:
        """The comment's admin history, newest first (the admin's own history page is oldest
        first and a click away)."""
        return (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Comment),
                object_id=str(comment.pk),
            )
            .select_related("user")
            .order_by("-action_time", "-pk")
        )

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
            reply = services.comment_reply_as_coach(
                comment=comment, moderator=request.user, body=form.cleaned_data["body"]
            )
            self.log_addition(request, reply, "Replied as coach.")
            self.log_change(request, root, f"Answered as coach by {request.user.public_name}.")
            text = f"Your reply is published under {root.name}'s comment."
            if root.notify_on_reply:
                text += " They asked to hear about replies and have been emailed."
            return self._to_next_question(request, text)
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
            self.log_change(request, root, 'Promoted to "What\'s being asked".')
            self.message_user(
                request, "Added to \"What's being asked\", without the reader's name."
            )
            return HttpResponseRedirect(change_url)
        context = {"root": root, "form": form, "original": root}
        return self._page(
            request, "admin/legs/comment/promote.html", 'Promote to "What\'s being asked"', context
        )

    def _to_next_question(self, request: HttpRequest, text: str) -> HttpResponse:
        """On to the oldest unanswered question, saying how many are left; none left: back
        to the list, saying so."""
        waiting = Comment.objects.unanswered()
        following = waiting.first()
        if following is None:
            self.message_user(request, f"{text} No unanswered questions are left.")
            return HttpResponseRedirect(reverse("admin:legs_comment_changelist"))
        left = waiting.count()
        self.message_user(
            request, f"{text} Next unanswered question: {formats.plural(left, 'question')} left."
        )
        return HttpResponseRedirect(reverse("admin:legs_comment_reply", args=[following.pk]))

    # --- row actions and undo

    def _row_answer(self, request: HttpRequest, comment: Comment, said: str) -> HttpResponse:
        """htmx: the row's status cell redrawn, and what happened in the page's live region.
        Without JavaScript: back to the same filtered list, with a message."""
        if not wants_fragment(request):
            self.message_user(request, said)
            return HttpResponseRedirect(filtered_changelist(request))
        fresh = self.get_queryset(request).get(pk=comment.pk)
        context = {"cell": moderation_cell(**self.row_context(fresh)), "said": said}
        return HttpResponse(render_to_string("admin/legs/comment/_moderated.html", context))

    @method_decorator(require_POST)
    def moderate_view(self, request: HttpRequest, object_id: str, verb: str) -> HttpResponse:
        """One row's Approve, Unapprove, Spam or Reject (POST only). A second click of the
        same button changes nothing and mails nobody."""
        if verb not in ROW_ACTIONS:
            raise Http404("No such moderation action.")
        comment = self._moderated_comment(request, object_id)
        status = ROW_ACTIONS[verb][0]
        done = services.comment_moderate(comments=[comment], status=status, moderator=request.user)
        self._log_moderated(request, done, "from the comment list")
        if done.changed:
            said = f"{comment.name}'s comment {MODERATED[status]}. Undo with z or the Undo button."
        else:
            said = f"{comment.name}'s comment was {status_words(status)} already."
        return self._row_answer(request, comment, said)

    @method_decorator(require_POST)
    def undo_view(self, request: HttpRequest, action_id: int) -> HttpResponse:
        """Take back one of the moderator's own changes of the last ten minutes (POST only)."""
        action = get_object_or_404(ModerationAction.objects.select_related("comment"), pk=action_id)
        comment = self._moderated_comment(request, str(action.comment_id))
        try:
            action = services.comment_undo(action=action, moderator=request.user)
        except services.NotUndoable as refusal:
            if not wants_fragment(request):
                self.message_user(request, str(refusal), messages.WARNING)
                return HttpResponseRedirect(filtered_changelist(request))
            return self._row_answer(request, comment, str(refusal))
        words = status_words(action.previous_status)
        self.log_change(
            request, action.comment, f"Undid “{MODERATED[action.status]}”: back to {words}."
        )
        said = f"Undone: {comment.name}'s comment is {words} again."
        return self._row_answer(request, action.comment, said)

    @method_decorator(require_POST)
    def block_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Block the comment's email or network address, for a while or until lifted."""
        comment = self._moderated_comment(request, object_id)
        change_url = reverse("admin:legs_comment_change", args=[comment.pk])
        form = BlockForm(request.POST)
        if not form.is_valid():
            self.message_user(request, "Choose what to block and for how long.", messages.ERROR)
            return HttpResponseRedirect(change_url)
        kind = form.cleaned_data["kind"]
        try:
            block = services.commenter_block(
                comment=comment,
                kind=kind,
                moderator=request.user,
                expires=form.expires(),
            )
        except services.NothingToBlock as refusal:
            self.message_user(request, str(refusal), messages.WARNING)
            return HttpResponseRedirect(change_url)
        until = form.until_words()
        what = BlockKind(kind).label.lower()
        self.log_change(request, comment, f"Blocked its {what} {until}.")
        self.log_addition(request, block, f"Blocked from comment {comment.pk} {until}.")
        self.message_user(
            request, f"{comment.name}'s {what} is blocked {until}: new comments from it go to spam."
        )
        return HttpResponseRedirect(change_url)

    # --- emails to moderators: the confirmation page of their links, and their choice

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def email_link_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """An email's Approve / Spam / Open link: GET shows the comment and one button (so a
        mail scanner that follows links changes nothing); POST acts, once. The link must be
        signed, younger than seven days, unused, and the moderator's own. Logging in first
        comes back here (the admin's log-in keeps `next`)."""
        try:
            link = moderation_mail.read_link(token)
        except moderation_mail.LinkRefused as refusal:
            return self._link_refused(request, str(refusal), refusal.status)
        comment = self._moderated_comment(request, str(link.comment_id))
        if link.moderator_id != request.user.pk:
            raise PermissionDenied
        change_url = reverse("admin:legs_comment_change", args=[comment.pk])
        if link.action == "open":
            return HttpResponseRedirect(change_url)
        status = moderation_mail.LINK_ACTIONS[link.action]
        if UsedEmailLink.objects.filter(pk=link.nonce).exists():
            return self._link_refused(request, USED_LINK, 410)
        if request.method == "POST":
            try:
                done = services.comment_moderate_from_link(
                    comment=comment, status=status, moderator=request.user, nonce=link.nonce
                )
            except services.LinkUsed:
                return self._link_refused(request, USED_LINK, 410)
            self._log_moderated(request, done, "from an email link")
            said = (
                f"{comment.name}'s comment {MODERATED[status]}."
                if done.changed
                else f"{comment.name}'s comment was {status_words(status)} already."
            )
            self.message_user(request, said)
            return HttpResponseRedirect(change_url)
        context = {
            "comment": comment,
            "words": moderation_mail.LINK_WORDS[link.action],
            "original": comment,
        }
        return self._page(request, "admin/legs/comment/email_link.html", "Confirm", context)

    def _link_refused(self, request: HttpRequest, text: str, status: int) -> HttpResponse:
        response = self._page(
            request, "admin/legs/comment/email_link.html", "Link refused", {"refused": text}
        )
        response.status_code = status
        return response

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def email_settings_view(self, request: HttpRequest) -> HttpResponse:
        """The moderator's own choice: an email for each held comment, an hourly digest, none."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        current = ModeratorSettings.objects.filter(user=request.user).first()
        form = ModeratorSettingsForm(
            request.POST or None, instance=current or ModeratorSettings(user=request.user)
        )
        if request.method == "POST" and form.is_valid():
            form.save()
            self.message_user(request, f"Saved: {form.instance.get_held_emails_display().lower()}.")
            return HttpResponseRedirect(reverse("admin:legs_comment_email_settings"))
        return self._page(
            request,
            "admin/legs/comment/email_settings.html",
            "Your moderation emails",
            {"form": form},
        )


@admin.register(CannedReply)
class CannedReplyAdmin(SafeChangeListMixin, admin.ModelAdmin):
    list_display = ["title", "order"]
    list_editable = ["order"]
    search_fields = ["title", "body"]


@admin.register(Block)
class BlockAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """Blocked emails and network addresses, made from a comment's page ("Block"): moderators
    change the expiry or the note, or delete a block to lift it."""

    list_display = ["__str__", "kind", "expires", "is_active_display", "note", "created_by"]
    list_filter = ["kind"]
    list_select_related = ["created_by"]
    search_fields = ["label", "note"]
    fields = ["kind", "label", "expires", "note", "created", "created_by"]
    readonly_fields = ["kind", "label", "created", "created_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="in force", boolean=True)
    def is_active_display(self, obj: Block) -> bool:
        return obj.is_active


@admin.register(DisallowedWord)
class DisallowedWordAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """Words or phrases that mark a new comment as spam (whole words, any letter case)."""

    list_display = ["word"]
    search_fields = ["word"]
