from django.urls import path

from .views import checklists, tips

urlpatterns = [
    path("", tips.home, name="home"),
    path("tips/", tips.tip_list, name="tip_list"),
    path("tips/saved/", tips.saved_tips, name="saved_tips"),
    path("tips/<slug:slug>/", tips.tip_detail, name="tip_detail"),
    path("tips/<slug:slug>/save/", tips.tip_save, name="tip_save"),
    path("tips/<slug:slug>/unsave/", tips.tip_unsave, name="tip_unsave"),
    path("causes/", tips.cause_list, name="cause_list"),
    path("causes/<slug:slug>/", tips.cause_detail, name="cause_detail"),
    path("asked/", tips.asked, name="asked"),
    # checklists ("runs/" before "<slug>/": it is a page, not a checklist)
    path("checklists/", checklists.checklist_list, name="checklist_list"),
    path("checklists/runs/", checklists.checklist_run_list, name="checklist_run_list"),
    path("checklists/runs/<int:pk>/", checklists.checklist_run_detail, name="checklist_run_detail"),
    path("checklists/<slug:slug>/", checklists.checklist_detail, name="checklist_detail"),
    path(
        "checklists/<slug:slug>/steps/<int:step_id>/",
        checklists.checklist_tick,
        name="checklist_tick",
    ),
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
]
