from django.contrib import admin

from sellerdesk.notifications.models import Notification, NotificationDelivery, TelegramLink


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "user", "shop", "created_at", "read_at")
    list_filter = ("kind", "shop")


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(admin.ModelAdmin):
    list_display = ("notification", "channel", "state", "attempts", "not_before", "sent_at")
    list_filter = ("channel", "state")


@admin.register(TelegramLink)
class TelegramLinkAdmin(admin.ModelAdmin):
    list_display = ("user", "chat_id", "linked_at", "blocked_at")
    readonly_fields = ("code", "code_expires_at")
