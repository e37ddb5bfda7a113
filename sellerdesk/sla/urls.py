from django.urls import path

from sellerdesk.sla import views

app_name = "sla"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.export_csv, name="export"),
    path("clocks/<int:slaclock_id>/", views.clock_detail, name="clock"),
    path("settings/", views.policies, name="policies"),
    path("settings/holidays/", views.holiday_add, name="holiday_add"),
    path("settings/holidays/<int:holiday_id>/delete/", views.holiday_delete, name="holiday_delete"),
    path("reminders/", views.reminders, name="reminders"),
    path("reminders/badge/", views.reminder_badge, name="reminder_badge"),
]
