from __future__ import annotations

from django.conf import settings
from django.db import models
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
