from django.urls import path

from autopilot import views

app_name = "autopilot"

urlpatterns = [
    path("", views.page, name="page"),
    path("settings/", views.settings_page, name="settings"),
    path("export.csv", views.export_csv, name="export"),
    path("badge/", views.escalated_badge, name="escalated_badge"),
    path("questions/", views.questions_many, name="questions"),
    path("<int:auto_reply_id>/edit/", views.edit, name="edit"),
    path("<int:auto_reply_id>/cancel/", views.cancel, name="cancel"),
    path("<int:auto_reply_id>/send-now/", views.send_now, name="send_now"),
    path("alerts/<int:systemic_alert_id>/resolve/", views.alert_resolve, name="alert_resolve"),
]
