from django.contrib import admin

from chats.models import Attachment, Conversation, Message


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = (
        "buyer_name",
        "shop",
        "product",
        "last_message_at",
        "unread_count",
        "first_unanswered_at",
    )
    list_filter = ("shop",)
    search_fields = ("buyer_name", "external_id")
    raw_id_fields = ("product",)
    readonly_fields = (
        "last_message_at",
        "last_message_excerpt",
        "last_message_direction",
        "unread_count",
        "last_read_at",
        "first_unanswered_at",
    )


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("conversation", "direction", "created_at", "outbound")
    list_filter = ("direction", "shop")
    raw_id_fields = ("conversation", "author", "outbound")
    readonly_fields = ("idempotency_key",)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "content_type", "size", "created_at")
    raw_id_fields = ("message",)
