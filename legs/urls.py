from django.urls import path

from .views import diary, tips

urlpatterns = [
    path("", tips.home, name="home"),
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
    path("diary/export/", diary.diary_export, name="diary_export"),
    path("diary/import/", diary.diary_import_view, name="diary_import"),
]
