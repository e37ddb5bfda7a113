from __future__ import annotations

import zoneinfo
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Marketplace(models.TextChoices):
    WILDBERRIES = "wildberries", "Wildberries"
    OZON = "ozon", "Ozon"
    TAOBAO = "taobao", _("Taobao-style shop")
    OTHER = "other", _("Other")


class ReplyLanguage(models.TextChoices):
    RU = "ru", _("Russian")
    ZH = "zh", _("Chinese")
    EN = "en", _("English")


class Role(models.TextChoices):
    """Roles nest: a manager can do all a seller can, an admin all a manager can."""

    SELLER = "seller", _("Seller")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Admin")

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]

    def includes(self, other: Role) -> bool:
        return self.rank >= Role(other).rank


_ROLE_RANK = {Role.SELLER: 1, Role.MANAGER: 2, Role.ADMIN: 3}


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value})


class Shop(models.Model):
    name = models.CharField(_("name"), max_length=200)
    marketplace = models.CharField(
        _("marketplace"),
        max_length=20,
        choices=Marketplace.choices,
        default=Marketplace.WILDBERRIES,
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_time_zone]
    )
    default_language = models.CharField(
        _("default reply language"),
        max_length=2,
        choices=ReplyLanguage.choices,
        default=ReplyLanguage.RU,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


_ModelT = TypeVar("_ModelT", bound=models.Model)


class ShopScopedQuerySet(models.QuerySet[_ModelT]):
    """The one way to read shop data: `Model.objects.for_shop(shop)`.

    Models whose shop is reached through a relation set `shop_lookup`
    (for example ``"conversation__shop"``).
    """

    def for_shop(self, shop: Shop | int) -> ShopScopedQuerySet[_ModelT]:
        # shop_lookup is an optional class attribute of the model, not a field: hence getattr.
        lookup = getattr(self.model, "shop_lookup", "shop")
        return self.filter(**{lookup: shop})


class ShopScopedManager(models.Manager[_ModelT]):
    def get_queryset(self) -> ShopScopedQuerySet[_ModelT]:
        return ShopScopedQuerySet(self.model, using=self._db)

    def for_shop(self, shop: Shop | int) -> ShopScopedQuerySet[_ModelT]:
        return self.get_queryset().for_shop(shop)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.SELLER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "shop"], name="membership_unique_user_shop"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.shop} ({self.role})"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class Product(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="products")
    sku = models.CharField(_("SKU / article"), max_length=64)
    # The marketplace's own id of the product (Wildberries nmID). Synced chats name their
    # product by this id only, so it is how they find the product; questions and reviews carry
    # both ids and teach it to products known by their SKU (see marketplaces.sync).
    marketplace_id = models.CharField(
        _("marketplace product id"), max_length=64, blank=True, default=""
    )
    name = models.CharField(_("name"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "sku"], name="product_unique_shop_sku"),
            models.UniqueConstraint(
                fields=["shop", "marketplace_id"],
                condition=~models.Q(marketplace_id=""),
                name="product_unique_shop_marketplace_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} · {self.name}"


class RollupDay(models.Model):
    """A shop-local day whose roll-up rows of one kind ("sla", "quality") are built.

    Dashboards read roll-ups only for marked days and the raw events for every other day
    (today, or a day the worker has not reached), so a lagging worker never shows wrong figures.
    """

    kind = models.CharField(max_length=20)
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    built_at = models.DateTimeField()

    class Meta:
        verbose_name = _("roll-up day")
        verbose_name_plural = _("roll-up days")
        constraints = [
            models.UniqueConstraint(fields=["kind", "shop", "day"], name="rollup_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.shop_id} {self.day}"
