"""Notification reads: the bell, the profile's lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from sellerdesk.core.models import Shop
from sellerdesk.notifications.models import (
    DeliveryState,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    TelegramBot,
    TelegramLink,
)
from sellerdesk.notifications.texts import Text, render


@dataclass(frozen=True)
class BellItem:
    notification: Notification
    text: Text


def unread_count(*, user: Any, shop: Shop) -> int:
    return (
        Notification.objects.for_shop(shop)
        .filter(user=user, in_app=True, read_at__isnull=True)
        .count()
    )


def recent(*, user: Any, shop: Shop, limit: int = 50) -> list[BellItem]:
    rows = Notification.objects.for_shop(shop).filter(user=user, in_app=True)[:limit]
    return [BellItem(row, render(row.kind, row.params)) for row in rows]


def notification_get_for_user(*, user: Any, shop: Shop, notification_id: int) -> Notification:
    found = Notification.objects.for_shop(shop).filter(user=user, pk=notification_id).first()
    if found is None:
        raise Http404
    return found


def preference_for(*, user: Any, shop: Shop) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user, shop=shop).first() or (
        NotificationPreference(user=user, shop=shop)
    )


def failed_deliveries(*, user: Any, shop: Shop, limit: int = 20) -> list[NotificationDelivery]:
    return list(
        NotificationDelivery.objects.for_shop(shop)
        .filter(notification__user=user, state=DeliveryState.FAILED)
        .select_related("notification")
        .order_by("-created_at")[:limit]
    )


def delivery_get_for_user(*, user: Any, shop: Shop, delivery_id: int) -> NotificationDelivery:
    found = (
        NotificationDelivery.objects.for_shop(shop)
        .filter(notification__user=user, pk=delivery_id)
        .select_related("notification")
        .first()
    )
    if found is None:
        raise Http404
    return found


def telegram_link_for(*, user: Any) -> TelegramLink | None:
    return TelegramLink.objects.filter(user=user).first()


def telegram_bot() -> TelegramBot | None:
    return TelegramBot.objects.exclude(token_encrypted="").order_by("pk").first()
