"""A shop's marketplace account, what arrives from it (staging) and what goes out (outbox)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.models import Shop, ShopScopedManager


class MarketplaceAccount(models.Model):
    """One marketplace seller account per shop: its API token and the sync cursors.

    The token is stored encrypted (see ``crypto``); only its last four characters are kept
    in clear so a manager can recognise which token is installed.
    """

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="marketplace_account")
    token_encrypted = models.TextField(blank=True, default="")
    token_last4 = models.CharField(max_length=4, blank=True, default="")
    # Overridable so a shop can point at the local fake (demo, tests); blank = production host.
    feedbacks_base_url = models.URLField(_("questions and reviews API URL"), blank=True, default="")
    chat_base_url = models.URLField(_("buyer chat API URL"), blank=True, default="")
    enabled = models.BooleanField(_("sync enabled"), default=True)
    # Inbound cursors. Questions/feedbacks: Unix seconds of the newest item fully imported
    # (re-read inclusively, the upsert makes the overlap harmless). Chat: the API's `next`.
    questions_cursor = models.BigIntegerField(null=True, blank=True)
    feedbacks_cursor = models.BigIntegerField(null=True, blank=True)
    chat_events_cursor = models.BigIntegerField(null=True, blank=True)
    last_sync_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    last_error_at = models.DateTimeField(null=True, blank=True)
    # The marketplace refused the token (401/403): syncing pauses until a new token is set.
    auth_failed = models.BooleanField(default=False)
    last_check_ok = models.BooleanField(null=True, blank=True)
    last_check_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("marketplace account")
        verbose_name_plural = _("marketplace accounts")

    def __str__(self) -> str:
        return f"{self.shop} (…{self.token_last4})" if self.token_last4 else str(self.shop)

    @property
    def has_token(self) -> bool:
        return bool(self.token_encrypted)

    @property
    def masked_token(self) -> str:
        return f"••••••••{self.token_last4}" if self.token_last4 else ""


class InboundStream(models.TextChoices):
    QUESTION = "question", _("Question")
    FEEDBACK = "feedback", _("Review")
    CHAT_EVENT = "chat_event", _("Chat event")


class InboundRecord(models.Model):
    """Every item the marketplace sent us, once, keyed by the marketplace's own id.

    The upsert on (shop, stream, external_id) is what makes overlapping syncs harmless.
    ``imported_at`` is set when the owning app (questions, chats, reviews) has taken the
    item through its own import path; records whose app hook does not exist yet wait here
    and are imported later by ``inbound_import_pending``.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    stream = models.CharField(max_length=20, choices=InboundStream.choices)
    external_id = models.CharField(max_length=128)
    payload = models.JSONField()
    remote_created_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    import_error = models.TextField(blank=True, default="")

    objects = ShopScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "stream", "external_id"], name="inbound_unique_external_id"
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "stream", "imported_at"], name="inbound_pending_idx")
        ]

    def __str__(self) -> str:
        return f"{self.stream}:{self.external_id}"


class RemoteChat(models.Model):
    """What we need to write into a marketplace chat: its id and the reply signature."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    chat_id = models.CharField(max_length=128)
    reply_sign = models.CharField(max_length=255, blank=True, default="")
    client_name = models.CharField(max_length=200, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopScopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shop", "chat_id"], name="remote_chat_unique")
        ]

    def __str__(self) -> str:
        return self.chat_id


class OutboundKind(models.TextChoices):
    QUESTION_ANSWER = "question_answer", _("Answer to a question")
    QUESTION_DECLINE = "question_decline", _("Question rejection")
    QUESTION_WITHDRAW = "question_withdraw", _("Withdrawal of an answer")
    FEEDBACK_ANSWER = "feedback_answer", _("Reply to a review")
    CHAT_MESSAGE = "chat_message", _("Chat message")


class OutboundState(models.TextChoices):
    """The one delivery vocabulary of every outgoing reply: queued → sending → sent / failed."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Failed")


class OutboundItem(models.Model):
    """One reply on its way to the marketplace: saved before any network call.

    Chat messages, questions (answer/decline, and the withdrawal of an undone automatic
    decline) and reviews point at their item; its ``state`` is what their pages show.
    ``idempotency_key`` is unique: enqueueing the same reply twice (double click, retried
    request) returns the existing item instead of creating a second one.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=OutboundKind.choices)
    # Empty for items the marketplace never gave us (demo data, typed in by hand): the local
    # connector takes those.
    target_ref = models.CharField(
        max_length=255,
        blank=True,
        default="",
        help_text="question/feedback id or the chat's reply reference at the marketplace",
    )
    payload = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=128, unique=True)
    state = models.CharField(
        max_length=10, choices=OutboundState.choices, default=OutboundState.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A claimed item is ours until then; a worker that died leaves it to be reclaimed.
    # ``attempts`` doubles as the claim number: only the attempt that claimed it records.
    lease_until = models.DateTimeField(null=True, blank=True)
    # The last attempt may have reached the marketplace (timeout, 5xx, broken response):
    # the next attempt checks remote state before sending again.
    outcome_unknown = models.BooleanField(default=False)
    last_attempt_started_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    error_is_auth = models.BooleanField(default=False)
    remote_id = models.CharField(max_length=128, blank=True, default="")
    created_by_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ShopScopedManager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["shop", "kind", "target_ref"], name="outbox_target_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=OutboundState.values), name="outbox_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=OutboundKind.values), name="outbox_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.target_ref} ({self.state})"
