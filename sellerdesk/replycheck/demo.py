"""Demo reply rules: the RU shop allows contacts in chat, the ZH shop forbids them.

So the demo shows both behaviours: in «Уютный дом» a phone number in a chat message
passes (answers to questions still refuse it); in 小熊童装旗舰店 it is refused everywhere.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from sellerdesk.core.models import Product, ReplyLanguage, Role, Shop
from sellerdesk.policy import Policy
from sellerdesk.replycheck.models import DecisionOutcome
from sellerdesk.replycheck.services import (
    DecisionContext,
    reply_check,
    reply_decision_record,
    report_has_errors,
    report_has_warnings,
    shop_policy_update,
)

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
    _quality_history(shop=shop, members=members, rng=rng)


# Attempts a team makes in a month: mostly clean, some sent over warnings, a few blocked
# and then fixed — so the quality dashboard and the sellers' cards have something to show.
_ATTEMPTS = {
    ReplyLanguage.RU: (
        ("Здравствуйте! Спасибо за вопрос. Да, размер соответствует таблице. Хорошего дня!", 8),
        ("Спасибо за вопрос. Да, подходит.", 3),
        ("Здравствуйте! Звоните нам: +7 916 123-45-67. Всего доброго!", 1),
    ),
    ReplyLanguage.ZH: (
        ("您好！感谢您的咨询。这款尺码标准，请参考尺码表。祝您生活愉快！", 8),
        ("感谢咨询，可以的。", 3),
        ("您好！加微信 shop888 聊。祝您愉快！", 1),
    ),
}


def _quality_history(*, shop: Shop, members: dict, rng: random.Random) -> None:
    attempts = _ATTEMPTS.get(ReplyLanguage(shop.default_language), _ATTEMPTS[ReplyLanguage.RU])
    reports = [
        (reply_check(shop=shop, text=text, channel="question_answer"), weight)
        for text, weight in attempts
    ]
    sellers = [members[Role.SELLER], members[Role.MANAGER]]
    now = timezone.now()
    for item_id in range(1, 121):
        user = rng.choice(sellers)
        at = now - timedelta(days=rng.randint(0, 27), minutes=rng.randint(0, 600))
        report = rng.choices([r for r, _w in reports], weights=[w for _r, w in reports])[0]
        context = DecisionContext(
            shop_id=shop.pk, user_id=user.pk, channel="question_answer", item_id=item_id
        )
        if report_has_errors(report):
            reply_decision_record(
                context=context, report=report, outcome=DecisionOutcome.BLOCKED, at=at
            )
            report = reports[0][0]
            at += timedelta(minutes=2)
            outcome = DecisionOutcome.FIXED_RESENT
        elif report_has_warnings(report):
            outcome = DecisionOutcome.SENT_OVER_WARNINGS
        else:
            outcome = DecisionOutcome.SENT_CLEAN
        reply_decision_record(context=context, report=report, outcome=outcome, at=at)
