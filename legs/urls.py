from django.urls import path

from .views import checklists, comments, diary, imports, tips, trials

urlpatterns = [
    path("", tips.home, name="home"),
    path("tips/", tips.tip_list, name="tip_list"),
    path("tips/saved/", tips.saved_tips, name="saved_tips"),
    path("tips/<slug:slug>/", tips.tip_detail, name="tip_detail"),
    path("tips/<slug:slug>/save/", tips.tip_save, name="tip_save"),
    path("tips/<slug:slug>/unsave/", tips.tip_unsave, name="tip_unsave"),
    path("causes/", tips.cause_list, name="cause_list"),
    path("causes/<slug:slug>/", tips.cause_detail, name="cause_detail"),
    path("sources/<slug:slug>/", tips.source_detail, name="source_detail"),
    path("asked/", tips.asked, name="asked"),
    # checklists ("runs/" before "<slug>/": it is a page, not a checklist)
    path("checklists/", checklists.checklist_list, name="checklist_list"),
    path("checklists/runs/", checklists.checklist_run_list, name="checklist_run_list"),
    path("checklists/runs/<int:pk>/", checklists.checklist_run_detail, name="checklist_run_detail"),
    path(
        "checklists/runs/<int:pk>/link/", checklists.checklist_run_link, name="checklist_run_link"
    ),
    path("checklists/<slug:slug>/", checklists.checklist_detail, name="checklist_detail"),
    path(
        "checklists/<slug:slug>/steps/<int:step_id>/",
        checklists.checklist_tick,
        name="checklist_tick",
    ),
    path("checklists/<slug:slug>/hold/", checklists.checklist_hold, name="checklist_hold"),
    path("checklists/<slug:slug>/finish/", checklists.checklist_finish, name="checklist_finish"),
    path("checklists/<slug:slug>/restart/", checklists.checklist_restart, name="checklist_restart"),
    path(
        "checklists/<slug:slug>/answer/",
        checklists.troubleshooter_answer,
        name="troubleshooter_answer",
    ),
    path(
        "checklists/<slug:slug>/result/",
        checklists.troubleshooter_result,
        name="troubleshooter_result",
    ),
    # --- diary
    path("diary/", diary.dashboard, name="diary"),
    path("diary/runs/", diary.run_list, name="run_list"),
    path("diary/runs/new/", diary.run_create, name="run_create"),
    path("diary/runs/<int:pk>/edit/", diary.run_edit, name="run_edit"),
    path("diary/runs/<int:pk>/delete/", diary.run_delete, name="run_delete"),
    path("diary/checkins/", diary.checkin_list, name="checkin_list"),
    path("diary/checkins/new/", diary.checkin_create, name="checkin_create"),
    path("diary/checkins/<int:pk>/edit/", diary.checkin_edit, name="checkin_edit"),
    path("diary/checkins/<int:pk>/delete/", diary.checkin_delete, name="checkin_delete"),
    path("diary/calendar/", diary.calendar, name="diary_calendar"),
    path("diary/totals/", diary.totals, name="diary_totals"),
    path("diary/export/", diary.diary_export, name="diary_export"),
    path("diary/import/", diary.diary_import, name="diary_import"),
    # --- trying a tip
    path("diary/experiments/", trials.trial_list, name="trial_list"),
    path("diary/experiments/new/", trials.trial_start, name="trial_start"),
    path("diary/experiments/export/", trials.trial_export, name="trial_export"),
    path("diary/experiments/<int:pk>/", trials.trial_detail, name="trial_detail"),
    path("diary/experiments/<int:pk>/stop/", trials.trial_stop, name="trial_stop"),
    path("diary/experiments/<int:pk>/delete/", trials.trial_delete, name="trial_delete"),
    path("diary/imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("diary/runs/<int:pk>/effort/", imports.run_effort, name="run_effort"),
    # --- comments
    path("tips/<slug:slug>/comments/", comments.comment_post, name="comment_post"),
    path("tips/<slug:slug>/comments/check/", comments.comment_check, name="comment_check"),
    path("tips/<slug:slug>/comments/<int:pk>/reply/", comments.comment_reply, name="comment_reply"),
    path("tips/<slug:slug>/comments/<int:pk>/edit/", comments.comment_edit, name="comment_edit"),
    path(
        "tips/<slug:slug>/comments/<int:pk>/report/",
        comments.comment_report,
        name="comment_report",
    ),
    path(
        "comments/unsubscribe/<str:token>/",
        comments.comment_unsubscribe,
        name="comment_unsubscribe",
    ),
]
