"""Demo data for the autopilot: rules switched on, every demo review triaged and drafted,
and three reviews of one product sharing a problem (one systemic alert)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from autopilot import services
from reviews import services as reviews
from reviews.models import Review
from sellerdesk.core.models import Product, Shop

_SHARED = {
    "ru": [
        ("Ольга", "Доставка затянулась на две недели, долго ждала."),
        ("Пётр", "Очень долгая доставка, ждал почти месяц."),
        ("Ирина", "Долго шла посылка, задержка доставки больше недели."),
        ("Мария", "Долгая доставка: заказ шёл три недели."),
    ],
    "zh": [
        ("小王", "物流太慢了，等了两个星期。"),
        ("小李", "发货慢，好久才到。"),
        ("小张", "物流慢，迟迟不发货。"),
    ],
}


def seed(*, shop: Shop, products: list[Product], members: dict, rng: random.Random) -> None:
    services.autopilot_settings_update(
        shop=shop, fields={"reviews_enabled": True, "delay_minutes": 30}, user=None
    )
    if products:
        now = timezone.now()
        for offset, (buyer, text) in enumerate(_SHARED.get(shop.default_language, _SHARED["ru"])):
            reviews.review_create(
                shop=shop,
                rating=2,
                text=text,
                buyer_name=buyer,
                product=products[0],
                created_at=now - timedelta(hours=2 + offset),
            )
    # The demo seeds inside one transaction: draft here rather than wait for the on-commit task.
    for review_id in (
        Review.objects.for_shop(shop).filter(answered_at__isnull=True).values_list("pk", flat=True)
    ):
        services.review_autopilot(review_id=review_id)
