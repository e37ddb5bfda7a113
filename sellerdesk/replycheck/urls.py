from django.urls import path

from sellerdesk.replycheck import views

app_name = "replycheck"

urlpatterns = [
    path("live/", views.live, name="live"),
    path("", views.playground, name="playground"),
    path("rules/", views.policy_settings, name="policy_settings"),
    path("quality/", views.quality, name="quality"),
    path("quality/replies/", views.quality_decisions, name="quality_decisions"),
    path("quality/export.csv", views.quality_export, name="quality_export"),
    path("rules/repetition/", views.repetition_settings, name="repetition_settings"),
]
