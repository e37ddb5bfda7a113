from django.urls import path

from sellerdesk.replycheck import views

app_name = "replycheck"

urlpatterns = [
    path("live/", views.live, name="live"),
    path("", views.playground, name="playground"),
    path("rules/", views.policy_settings, name="policy_settings"),
    path("rules/repetition/", views.repetition_settings, name="repetition_settings"),
]
