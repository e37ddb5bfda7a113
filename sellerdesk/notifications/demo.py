"""Demo notifications: a bell with something in it, e-mail addresses, the local Telegram bot.

The bot token points at the local fake (``manage.py telegram_fake_server``, started by
``rundemo``); one failed e-mail shows what a delivery problem looks like on the profile.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from sellerdesk.core.models import Product, Role, Shop
from sellerdesk.marketplaces.crypto import token_encrypt
from sellerdesk.notifications.models import (
    DeliveryState,
    EventKind,
    Notification,
    NotificationDelivery,
    NotifyChannel,
    TelegramBot,
)

DEMO_BOT_TOKEN = "700000:demo-bot-token"


def seed(*, shop: Shop, products: list[Product], members: dict, rng: random.Random) -> None:
    for user in members.values():
        if not user.email:
            user.email = f"{user.username}@demo.sellerdesk.local"
            user.save(update_fields=["email"])
    if not TelegramBot.objects.exists():
        TelegramBot.objects.create(
            token_encrypted=token_encrypt(DEMO_BOT_TOKEN),
            token_last4=DEMO_BOT_TOKEN[-4:],
            username="sellerdesk_demo_bot",
        )
    now = timezone.now()
    product = products[0] if products else None
    for role, user in members.items():
        low = Notification.objects.create(
            shop=shop,
            user=user,
            kind=EventKind.REVIEW_LOW,
            key=f"demo:{shop.pk}:review-low",
            params={
                "rating": 1,
                "product": product.name if product else "",
                "excerpt": "Пришёл с трещиной на крышке",
            },
            url="/reviews/",
        )
        Notification.objects.filter(pk=low.pk).update(created_at=now - timedelta(hours=3))
        Notification.objects.create(
            shop=shop,
            user=user,
            kind=EventKind.SLA_BREACH,
            key=f"demo:{shop.pk}:sla",
            params={"channel": "chat", "item_id": 1},
            url="/chats/",
        )
        if role == Role.SELLER:
            NotificationDelivery.objects.create(
                notification=low,
                channel=NotifyChannel.EMAIL,
                state=DeliveryState.FAILED,
                not_before=now - timedelta(hours=3),
                attempts=6,
                last_error="SMTP: 451 temporary failure (demo)",
            )
