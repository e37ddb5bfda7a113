"""Demo reply rules: the RU shop allows contacts in chat, the ZH shop forbids them.

So the demo shows both behaviours: in «Уютный дом» a phone number in a chat message
passes (answers to questions still refuse it); in 小熊童装旗舰店 it is refused everywhere.
"""

from __future__ import annotations

import random

from sellerdesk.core.models import Product, ReplyLanguage, Role, Shop
from sellerdesk.policy import Policy
from sellerdesk.replycheck.services import shop_policy_update

RU_RULES = {
    "allow_contacts_in_chat": True,
    "extra_forbidden_words": ["самовывоз со склада", "предоплата на карту"],
    "allowed_domains": ["wildberries.ru", "wb.ru", "uyutny-dom.ru"],
    "severity_overrides": {"greeting_without_name": "info", "overpromise": "error"},
    "max_length": {
        "chat": 800,
        "question_answer": 1000,
        "question_decline": 1000,
        "review_reply": 1000,
    },
}
ZH_RULES = {
    "allow_contacts_in_chat": False,
    "extra_forbidden_words": ["加微信", "私下交易"],
    "allowed_domains": ["taobao.com", "tmall.com"],
    "required_parts": {
        "chat": ["greeting", "closing"],
        "question_answer": ["greeting", "thanks", "closing"],
        "question_decline": ["greeting", "reason", "alternative", "closing"],
        "review_reply": ["greeting", "thanks", "closing"],
    },
    "severity_overrides": {"excessive_punctuation": "off"},
}


def seed(*, shop: Shop, products: list[Product], members: dict, rng: random.Random) -> None:
    rules = ZH_RULES if shop.default_language == ReplyLanguage.ZH else RU_RULES
    Policy.from_dict(rules)  # fail loudly here if the engine's format moved on
    shop_policy_update(shop=shop, data=rules, user=members.get(Role.MANAGER))
