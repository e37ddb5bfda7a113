from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.models import Shop, ShopScopedManager


class ShopPolicy(models.Model):
    """A shop's reply rules: the policy engine's ``Policy.to_dict()`` stored as JSON.

    The JSON is validated through ``Policy.from_dict`` by ``shop_policy_update``; an empty
    dict means "the engine's defaults".
    """

    shop = models.OneToOneField(
        Shop, on_delete=models.CASCADE, related_name="reply_policy", verbose_name=_("shop")
    )
    data = models.JSONField(_("rules"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("reply rules")
        verbose_name_plural = _("reply rules")

    def __str__(self) -> str:
        return f"{self.shop}"


class RepetitionSettings(models.Model):
    """When a public reply counts as repetitive for this shop (the ``repetitive`` warning)."""

    shop = models.OneToOneField(
        Shop, on_delete=models.CASCADE, related_name="repetition_settings", verbose_name=_("shop")
    )
    enabled = models.BooleanField(_("warn about repetitive replies"), default=True)
    similarity = models.FloatField(
        _("similarity that counts as nearly identical"),
        default=0.7,
        validators=[MinValueValidator(0.5), MaxValueValidator(1.0)],
        help_text=_("From 0.5 to 1.0; 1.0 means only the very same words."),
    )
    min_count = models.PositiveSmallIntegerField(
        _("nearly identical public replies before the warning"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    window_days = models.PositiveSmallIntegerField(
        _("days of public replies compared"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("repetition settings")
        verbose_name_plural = _("repetition settings")

    def __str__(self) -> str:
        return f"{self.shop}"


class PublicReply(models.Model):
    """A public reply the shop sent (question answers and declines, review replies), with its
    MinHash signature; its band keys are indexed in :class:`PublicReplyBand`."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20)
    # Which item the reply answers («review:12»): editing one reply never repeats itself.
    item_ref = models.CharField(max_length=60, blank=True, default="")
    text = models.TextField()
    signature = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = ShopScopedManager()

    class Meta:
        indexes = [models.Index(fields=["shop", "-created_at"], name="publicreply_shop_new")]

    def __str__(self) -> str:
        return self.text[:50]


class PublicReplyBand(models.Model):
    """One LSH band key of a public reply: replies sharing a key are compared."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+", db_index=False)
    reply = models.ForeignKey(PublicReply, on_delete=models.CASCADE, related_name="bands")
    key = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["shop", "key", "created_at", "reply"], name="publicreplyband_lookup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reply_id}:{self.key}"


class DecisionOutcome(models.TextChoices):
    """What the send guard decided about one attempt to send a reply."""

    SENT_CLEAN = "sent_clean", _("Sent clean")
    SENT_OVER_WARNINGS = "sent_warned", _("Sent over warnings")
    FIXED_RESENT = "fixed_resent", _("Fixed and resent")
    HELD = "held", _("Held for confirmation")
    BLOCKED = "blocked", _("Blocked")


SENT_OUTCOMES = (
    DecisionOutcome.SENT_CLEAN,
    DecisionOutcome.SENT_OVER_WARNINGS,
    DecisionOutcome.FIXED_RESENT,
)


class ReplyDecision(models.Model):
    """One decision of the server-side guard: who tried to send what kind of reply, and how it
    ended. The reply's text is not copied: ``channel`` and ``item_id`` lead to it."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    # Null for replies the system sent on its own (autopilot, auto-decline).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20)
    item_id = models.BigIntegerField(_("item"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=15, choices=DecisionOutcome.choices)
    errors = models.PositiveSmallIntegerField(default=0)
    warnings = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("at"), db_index=False)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("reply decision")
        verbose_name_plural = _("reply decisions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome__in=DecisionOutcome.values),
                name="reply_decision_outcome_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "created_at"], name="reply_decision_shop_at"),
            models.Index(fields=["shop", "user", "created_at"], name="reply_decision_user_at"),
            models.Index(fields=["channel", "item_id", "user"], name="reply_decision_item"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} {self.channel} #{self.item_id}"


class ReplyDecisionCode(models.Model):
    """One finding code of a decision, flattened (with the decision's keys) so the dashboard
    counts codes with plain indexed aggregates."""

    decision = models.ForeignKey(ReplyDecision, on_delete=models.CASCADE, related_name="codes")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=20)
    code = models.CharField(max_length=40)
    severity = models.CharField(max_length=10)
    outcome = models.CharField(max_length=15, choices=DecisionOutcome.choices)
    created_at = models.DateTimeField()

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("reply decision finding")
        verbose_name_plural = _("reply decision findings")
        indexes = [
            models.Index(fields=["shop", "created_at"], name="reply_decision_code_shop_at"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.severity})"


class QualityDaily(models.Model):
    """Roll-up: decisions per shop-local day, seller, channel and outcome (worker-maintained)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=20)
    outcome = models.CharField(max_length=15, choices=DecisionOutcome.choices)
    decisions = models.PositiveIntegerField(default=0)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("daily reply quality")
        verbose_name_plural = _("daily reply quality")
        indexes = [models.Index(fields=["shop", "day"], name="quality_daily_shop_day")]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day} {self.outcome}: {self.decisions}"


class QualityCodeDaily(models.Model):
    """Roll-up: finding codes per shop-local day, seller, channel, severity and outcome."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=20)
    code = models.CharField(max_length=40)
    severity = models.CharField(max_length=10)
    outcome = models.CharField(max_length=15, choices=DecisionOutcome.choices)
    findings = models.PositiveIntegerField(default=0)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("daily finding count")
        verbose_name_plural = _("daily finding counts")
        indexes = [models.Index(fields=["shop", "day"], name="quality_code_daily_shop_day")]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day} {self.code}: {self.findings}"
