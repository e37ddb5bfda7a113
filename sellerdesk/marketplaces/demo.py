"""Demo data: the Wildberries shop is connected to the local fake (``manage.py wb_fake_server``).

Start the fake in another terminal and the beat's sync pulls its generated questions,
reviews and chats within a minute; "Sync now" on the Marketplace page does it at once.
Without the fake running the page simply shows the connection error.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from sellerdesk.core.models import Marketplace, Product, Role, Shop
from sellerdesk.marketplaces import services
from sellerdesk.marketplaces.models import OutboundItem, OutboundKind, OutboundState

DEMO_FAKE_URL = "http://127.0.0.1:8765"
DEMO_TOKEN = "demo-wb-token-5f2c"

_SENT = {
    "ru": [
        (OutboundKind.QUESTION_ANSWER, "Да, кофемолка мелет и для турки, и для эспрессо."),
        (
            OutboundKind.CHAT_MESSAGE,
            "Здравствуйте! Заказ передан в доставку, трек-номер в личном кабинете.",
        ),
    ],
    "zh": [(OutboundKind.CHAT_MESSAGE, "您好，订单已发货，请留意物流信息。")],
}


def seed(*, shop: Shop, products: list[Product], members: dict, rng: random.Random) -> None:
    if shop.marketplace == Marketplace.WILDBERRIES:
        services.account_settings_update(
            shop=shop, enabled=True, feedbacks_base_url=DEMO_FAKE_URL, chat_base_url=DEMO_FAKE_URL
        )
        services.account_token_set(shop=shop, token=DEMO_TOKEN)
    lines = _SENT["ru" if shop.default_language == "ru" else "zh"]
    author = members.get(Role.SELLER)
    for index, (kind, text) in enumerate(lines):
        sent_at = timezone.now() - timedelta(hours=rng.randint(2, 30))
        OutboundItem.objects.create(
            shop=shop,
            kind=kind,
            target_ref=f"demo-{uuid.UUID(int=rng.getrandbits(128)).hex[:20]}",
            payload={"text": text},
            idempotency_key=f"demo:{shop.pk}:{index}",
            state=OutboundState.SENT,
            attempts=1,
            sent_at=sent_at,
            created_by_id=getattr(author, "pk", None),
            remote_id="demo",
        )
