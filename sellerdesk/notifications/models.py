"""Notifications: what happened (one row per person and event), and how it reaches them.

An event (a 1★ review, an SLA breach, a failed delivery…) becomes one ``Notification`` per
person who should hear of it — unique on (user, key), so however many workers or retries
see the same event, each person is told once. The bell on every page reads these rows.
Outside the app, each channel the person chose gets a ``NotificationDelivery``: a small
outbox (claim with a lease, send outside any transaction, record the outcome) that the
worker drains, with quiet hours and hourly digests decided when the row is made.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.models import Shop, ShopScopedManager


class EventKind(models.TextChoices):
    REVIEW_LOW = "review_low", _("New 1–2★ review")
    SLA_WARNING = "sla_warning", _("Answer due soon (SLA warning)")
    SLA_BREACH = "sla_breach", _("Answer overdue (SLA breach)")
    ESCALATION = "escalation", _("Review escalated to a person")
    SYSTEMIC = "systemic", _("Systemic problem with a product")
    DELIVERY_FAILED = "delivery_failed", _("A reply was not delivered")
    TOKEN_REFUSED = "token_refused", _("Marketplace token refused")


class NotifyChannel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram")


# What a person gets before they change anything: everything in the app, the urgent
# events by e-mail too (Telegram only once linked and chosen).
DEFAULT_CHANNELS: dict[str, list[str]] = {
    EventKind.REVIEW_LOW: [NotifyChannel.IN_APP, NotifyChannel.EMAIL],
    EventKind.SLA_WARNING: [NotifyChannel.IN_APP],
    EventKind.SLA_BREACH: [NotifyChannel.IN_APP, NotifyChannel.EMAIL],
    EventKind.ESCALATION: [NotifyChannel.IN_APP, NotifyChannel.EMAIL],
    EventKind.SYSTEMIC: [NotifyChannel.IN_APP, NotifyChannel.EMAIL],
    EventKind.DELIVERY_FAILED: [NotifyChannel.IN_APP],
    EventKind.TOKEN_REFUSED: [NotifyChannel.IN_APP, NotifyChannel.EMAIL],
}


def validate_channels(value: object) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_("Channels must be a mapping of events to channel lists."))
    for kind, channels in value.items():
        if kind not in EventKind.values:
            raise ValidationError(_("Unknown event: %(kind)s"), params={"kind": kind})
        if not isinstance(channels, list) or any(c not in NotifyChannel.values for c in channels):
            raise ValidationError(_("Unknown channel for %(kind)s"), params={"kind": kind})


class NotificationPreference(models.Model):
    """One person's choices in one shop; absent means ``DEFAULT_CHANNELS``, no quiet hours."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    channels = models.JSONField(
        _("channels per event"), default=dict, validators=[validate_channels]
    )
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    digest = models.BooleanField(
        _("hourly digest"),
        default=False,
        help_text=_("E-mail and Telegram: one message an hour instead of one per event."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "shop"], name="notification_pref_unique"),
            models.CheckConstraint(
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="notification_pref_quiet_both_or_none",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.shop}"

    def channels_for(self, kind: str) -> list[str]:
        if kind in self.channels:
            return list(self.channels[kind])
        return list(DEFAULT_CHANNELS.get(kind, [NotifyChannel.IN_APP]))


class Notification(models.Model):
    """One event told to one person; ``key`` names the event so it is told once."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    key = models.CharField(max_length=120)
    # Texts are rendered when shown, in the reader's language: store the facts only.
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    # Shown under the bell: off when the person chose only outside channels for this event.
    in_app = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_person"),
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="notification_kind_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "shop"],
                condition=Q(read_at__isnull=True, in_app=True),
                name="notification_unread",
            ),
            models.Index(fields=["user", "shop", "-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user}"


class DeliveryState(models.TextChoices):
    """The same words as the reply outbox: queued → sending → sent / failed."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationDelivery(models.Model):
    """One notification on one outside channel (e-mail, Telegram)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(
        max_length=10,
        choices=[(c.value, c.label) for c in NotifyChannel if c != NotifyChannel.IN_APP],
    )
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    # Part of the hourly digest rather than a message of its own.
    digest = models.BooleanField(default=False)
    # Quiet hours, digests and back-off all say "not before".
    not_before = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    shop_lookup = "notification__shop"
    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notification_delivery_once"
            ),
            models.CheckConstraint(
                condition=Q(state__in=DeliveryState.values), name="notification_delivery_state"
            ),
        ]
        indexes = [
            models.Index(
                fields=["not_before"],
                condition=Q(state="queued"),
                name="notification_delivery_due",
            ),
            models.Index(
                fields=["lease_until"],
                condition=Q(state="sending"),
                name="notification_delivery_leased",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.state} #{self.notification_id}"


class TelegramBot(models.Model):
    """The installation's bot (one row): its token encrypted at rest, the update cursor."""

    token_encrypted = models.TextField(blank=True)
    token_last4 = models.CharField(max_length=4, blank=True)
    username = models.CharField(max_length=64, blank=True)
    updates_offset = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Telegram bot")
        verbose_name_plural = _("Telegram bot")

    def __str__(self) -> str:
        return f"@{self.username}" if self.username else "Telegram bot"


class TelegramLink(models.Model):
    """A person's Telegram chat, linked by sending the bot their one-time code."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="telegram_link"
    )
    chat_id = models.BigIntegerField(null=True, blank=True)
    # Shown on the profile until used; single use, expires.
    code = models.CharField(max_length=16, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    # The bot was blocked by the person: nothing is sent until they link again.
    blocked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram link")
        verbose_name_plural = _("Telegram links")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=~Q(code=""), name="telegram_link_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.chat_id}"
