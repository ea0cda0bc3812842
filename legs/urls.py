from django.urls import path

from .views import comments, tips

urlpatterns = [
    path("", tips.home, name="home"),
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
