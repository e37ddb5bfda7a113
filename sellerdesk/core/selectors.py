from __future__ import annotations

from typing import Protocol

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from sellerdesk.core.models import Membership, Product, Role, Shop


def membership_list_for_user(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    return Membership.objects.filter(user_id=user.pk).select_related("shop").order_by("shop__name")


def membership_get_for_user(*, user: AbstractBaseUser, shop_id: int) -> Membership | None:
    return membership_list_for_user(user=user).filter(shop_id=shop_id).first()


def member_list(*, shop: Shop) -> QuerySet[Membership]:
    return (
        Membership.objects.for_shop(shop).select_related("user").order_by("role", "user__username")
    )


def member_locked_usernames(*, shop: Shop) -> set[str]:
    """Logins of the shop's members that login throttling (django-axes) has locked out now."""
    usernames = Membership.objects.for_shop(shop).values_list("user__username", flat=True)
    return set(
        AccessAttempt.objects.filter(
            username__in=usernames,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        ).values_list("username", flat=True)
    )


def product_list(*, shop: Shop) -> QuerySet[Product]:
    return Product.objects.for_shop(shop).order_by("sku")


class MarketplaceProductRef(Protocol):
    """How a marketplace names a product (``marketplaces.inbound.IncomingProduct``)."""

    @property
    def sku(self) -> str: ...  # the seller's own article, as the seller typed it there

    @property
    def external_id(self) -> str: ...  # the marketplace's id (Wildberries nmId)


def product_for_marketplace(*, shop: Shop, product: MarketplaceProductRef | None) -> Product | None:
    """The shop's product a marketplace item is about: by the marketplace's id first (all a
    synced chat carries), else by the seller's own article."""
    if product is None:
        return None
    products = Product.objects.for_shop(shop)
    if product.external_id:
        found = products.filter(marketplace_id=product.external_id).first()
        if found is not None:
            return found
    if product.sku:
        return products.filter(sku=product.sku).first()
    return None


def admin_shops(*, user: AbstractBaseUser) -> list[Shop]:
    """Shops where this person is an admin: the only ones a cross-shop dashboard may show."""
    return [
        membership.shop
        for membership in Membership.objects.filter(user_id=user.pk, role=Role.ADMIN)
        .select_related("shop")
        .order_by("shop__name")
    ]
