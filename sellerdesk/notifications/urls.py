from django.urls import path

from sellerdesk.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("badge/", views.badge, name="badge"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:notification_id>/open/", views.notification_open, name="open"),
    path("me/", views.profile, name="profile"),
    path("me/telegram/code/", views.telegram_code, name="telegram_code"),
    path("me/telegram/check/", views.telegram_check, name="telegram_check"),
    path("me/telegram/unlink/", views.telegram_unlink, name="telegram_unlink"),
    path("me/telegram/bot/", views.telegram_bot, name="telegram_bot"),
    path(
        "deliveries/<int:notificationdelivery_id>/retry/",
        views.delivery_retry,
        name="delivery_retry",
    ),
    path("unsubscribe/", views.unsubscribe, name="unsubscribe"),
]
