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
        default=0.8,
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
