"""Buyer chats: conversations, their messages and the files attached to them.

``Conversation`` is denormalised for the inbox: the list, the unread counter and the
search never need to touch ``Message`` to draw a row. Services keep those fields right.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.models import Product, Shop, ShopScopedManager


class Direction(models.TextChoices):
    INCOMING = "in", _("From buyer")
    OUTGOING = "out", _("From seller")


class Conversation(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="conversations")
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    buyer_name = models.CharField(_("buyer"), max_length=200)
    # The marketplace's own chat id and the reference needed to reply (Wildberries: chatID
    # and replySign). Empty for conversations that only exist locally (demo).
    external_id = models.CharField(max_length=255, blank=True, default="")
    chat_ref = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    last_message_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    last_message_excerpt = models.CharField(max_length=200, blank=True, default="")
    last_message_direction = models.CharField(
        max_length=3, choices=Direction.choices, blank=True, default=""
    )
    # Buyer messages that arrived since the shop last opened the conversation.
    unread_count = models.PositiveIntegerField(default=0)
    last_read_at = models.DateTimeField(null=True, blank=True)
    # The oldest buyer message the seller has not answered yet (null once answered); the SLA
    # clock and "waiting longest" sorting read it.
    first_unanswered_at = models.DateTimeField(null=True, blank=True)
    # Moved by every write a list row or an open page shows (a message, a read, a delivery
    # outcome): the live view asks for the rows changed since the cursor a page holds.
    changed_at = models.DateTimeField(default=timezone.now, editable=False)
    # PostgreSQL only: every message's words (Russian stems) and Chinese bigrams, without
    # positions, appended as messages arrive. The inbox search filters conversations by it,
    # so one table carries the match, the shop and the recency order, and the planner can
    # walk recent conversations for common words or use the GIN index for rare ones.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(fields=["shop", "-last_message_at", "-id"], name="chats_conv_shop_recent"),
            models.Index(
                fields=["shop", "-last_message_at", "-id"],
                condition=models.Q(unread_count__gt=0),
                name="chats_conv_shop_unread",
            ),
            models.Index(
                fields=["shop", "product", "-last_message_at"], name="chats_conv_shop_product"
            ),
            models.Index(fields=["shop", "changed_at"], name="chats_conv_shop_changed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "external_id"],
                condition=~models.Q(external_id=""),
                name="chats_conv_unique_external",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_name} ({self.shop_id})"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    # Denormalised so search can stay inside one shop without joining conversations.
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="chat_messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    text = models.TextField(_("text"), blank=True, default="")
    # Chinese text as space-separated character bigrams, so a full-text index can find
    # Chinese words (see chats/search.py). Empty for texts without CJK characters.
    text_ngrams = models.TextField(blank=True, default="", editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("time"))
    # A reply written here travels through the outbox; its state is the message's delivery
    # state. Null for buyer messages and replies written on the marketplace's own portal.
    outbound = models.ForeignKey(
        "marketplaces.OutboundItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    external_id = models.CharField(max_length=255, blank=True, default="")
    # One key per send attempt the seller made: a double-click or a retried request never
    # creates the message twice, and the marketplace can de-duplicate on it.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(
                fields=["conversation", "-created_at", "-id"], name="chats_msg_conv_recent"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values), name="chats_msg_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction}: {self.text[:40]}"

    @property
    def is_incoming(self) -> bool:
        return self.direction == Direction.INCOMING


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    # Random names: the original name is kept in the row, never trusted as a path.
    suffix = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(
        instance.content_type, "bin"
    )
    return f"chats/{instance.message.shop_id}/{uuid.uuid4().hex}.{suffix}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    # Stored through Django's storage API: STORAGES["default"] decides (disk, S3-compatible…).
    file = models.FileField(upload_to=attachment_upload_to, max_length=300)
    thumbnail = models.FileField(upload_to=attachment_upload_to, max_length=300, blank=True)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    # The marketplace's id of a buyer's file (Wildberries downloadID): a file the rate limit
    # held back is fetched on a later import, and only the ones still missing.
    external_id = models.CharField(max_length=255, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopScopedManager()
    shop_lookup = "message__shop"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
