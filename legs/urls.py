from django.urls import path

from .views import comments, tips

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
    path("tips/<slug:slug>/comments/", comments.comment_post, name="comment_post"),
    path("tips/<slug:slug>/comments/check/", comments.comment_check, name="comment_check"),
    path("tips/<slug:slug>/comments/<int:pk>/reply/", comments.comment_reply, name="comment_reply"),
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
