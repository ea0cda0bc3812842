from django.urls import path

from .views import tips

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
]
