"""The autopilot: per-shop rules, one drafted reply per incoming review or question, the
daily send counter, and alerts about problems many buyers share."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sellerdesk.core.models import Product, Shop, ShopScopedManager


def preset_ratings() -> list[int]:
    """The suggested preset: 4–5★ (and, with it, no negative situation)."""
    return [4, 5]


class AutopilotSettings(models.Model):
    """What the autopilot may send without a person, for one shop. Off until a manager says so."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="autopilot_settings")
    reviews_enabled = models.BooleanField(_("answer reviews automatically"), default=False)
    ratings = models.JSONField(_("ratings answered automatically"), default=preset_ratings)
    situations = models.JSONField(
        _("negative situations answered automatically anyway"), default=list, blank=True
    )
    questions_enabled = models.BooleanField(
        _("answer repeated questions automatically"), default=False
    )
    delay_minutes = models.PositiveIntegerField(
        _("delay before sending, minutes"),
        default=30,
        validators=[MaxValueValidator(7 * 24 * 60)],
    )
    daily_cap = models.PositiveIntegerField(
        _("automatic answers per day at most"), default=200, validators=[MaxValueValidator(100_000)]
    )
    paused = models.BooleanField(_("paused"), default=False)
    systemic_threshold = models.PositiveSmallIntegerField(
        _("reviews of one product with one problem before an alert"),
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(100)],
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("autopilot rules")
        verbose_name_plural = _("autopilot rules")

    def __str__(self) -> str:
        return f"{self.shop}: autopilot"


class Kind(models.TextChoices):
    REVIEW = "review", _("Review")
    QUESTION = "question", _("Question")


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("autopilot state", "Draft for a person")
    SCHEDULED = "scheduled", pgettext_lazy("autopilot state", "Scheduled")
    SENT = "sent", pgettext_lazy("autopilot state", "Sent automatically")
    ANSWERED = "answered", pgettext_lazy("autopilot state", "Answered by a person")
    CANCELLED = "cancelled", pgettext_lazy("autopilot state", "Cancelled")
    ESCALATED = "escalated", pgettext_lazy("autopilot state", "Escalated")


class AutoReply(models.Model):
    """The autopilot's reply to one review or question, and everything it decided on the way.

    The audit: ``gate`` (the rule in force and why it allowed or held the reply),
    ``original_text`` (the draft as generated), ``check_report`` (the engine's report),
    ``triggers`` (escalation triggers found), ``could_stop`` (who could have cancelled it
    while it waited), and who edited, cancelled or sent it.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    review = models.OneToOneField(
        "reviews.Review", on_delete=models.CASCADE, null=True, blank=True, related_name="autopilot"
    )
    question = models.OneToOneField(
        "questions.Question",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="autopilot",
    )
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    text = models.TextField(_("reply"), blank=True)
    original_text = models.TextField(blank=True)
    template_name = models.CharField(max_length=120, blank=True)
    language = models.CharField(max_length=2, blank=True)
    situation = models.CharField(max_length=20, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    gate = models.JSONField(default=dict, blank=True)
    check_report = models.JSONField(default=dict, blank=True)
    triggers = models.JSONField(default=list, blank=True)
    could_stop = models.JSONField(default=list, blank=True)
    edited = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    item_created_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ShopScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["shop", "state", "-created_at"], name="autoreply_shop_state"),
            models.Index(
                fields=["state", "scheduled_for"],
                name="autoreply_due",
                condition=Q(state="scheduled"),
            ),
            models.Index(fields=["product", "-created_at"], name="autoreply_product"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="review", review__isnull=False, question__isnull=True)
                | Q(kind="question", question__isnull=False, review__isnull=True),
                name="autoreply_one_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.state}: {self.text[:40]}"

    @property
    def item_ref(self) -> str:
        return (
            f"review:{self.review_id}"
            if self.kind == Kind.REVIEW
            else f"question:{self.question_id}"
        )


class SendDay(models.Model):
    """How many automatic answers a shop sent on one day: the cap is counted here, under a lock."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "day"], name="sendday_unique")]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day}: {self.sent}"


class SystemicAlert(models.Model):
    """K reviews of one product sharing a negative situation within a week: one alert for managers."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    situation = models.CharField(max_length=20)
    review_count = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ShopScopedManager()

    class Meta:
        ordering = ["-last_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "product", "situation"],
                condition=Q(resolved_at__isnull=True),
                name="systemicalert_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.situation} ×{self.review_count}"
