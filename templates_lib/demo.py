"""Demo data: the shipped set, one shop variable and a few personal templates with some use."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from sellerdesk.core.models import Product, Role, Shop
from templates_lib import services
from templates_lib.models import Category, Channel, ReplyTemplate, TemplateUse

_SHOP_VARIABLES = {
    "ru": ("working_hours", "Часы работы поддержки", "ежедневно с 9:00 до 21:00 по Москве"),
    "zh": ("working_hours", "客服工作时间", "每天9:00至21:00（北京时间）"),
}

_PERSONAL = {
    "ru": (
        "Моё: ответим в рабочее время",
        "Здравствуйте{% if buyer_name %}, {{ buyer_name }}{% endif %}! Спасибо за сообщение. "
        "Мы на связи {{ working_hours }} — ответим, как только начнётся рабочий день. Хорошего вечера!",
    ),
    "zh": (
        "我的：非工作时间回复",
        "亲，您好！感谢您的留言。我们的客服工作时间是{{ working_hours }}，上班后会第一时间回复您。祝您生活愉快！",
    ),
}


def seed(*, shop: Shop, products: list[Product], members: dict, rng: random.Random) -> None:
    services.templates_install_defaults(shop=shop)
    language = shop.default_language if shop.default_language in _SHOP_VARIABLES else "ru"
    name, label, value = _SHOP_VARIABLES[language]
    services.custom_variable_save(shop=shop, name=name, label=label, value=value)
    seller = members[Role.SELLER]
    title, body = _PERSONAL[language]
    services.template_save(
        shop=shop,
        user=seller,
        role=Role.SELLER,
        personal=True,
        name=title,
        body=body,
        channels=[Channel.CHAT],
        language=language,
        category=Category.OTHER,
        tags=[],
    )
    # some history, so the picker's ranking by the seller's own use shows in the demo
    own_language = list(
        ReplyTemplate.objects.for_shop(shop).filter(language=language).order_by("pk")
    )
    now = timezone.now()
    for template in rng.sample(own_language, k=min(5, len(own_language))):
        count = rng.randint(1, 12)
        used_at = now - timedelta(hours=rng.randint(1, 72))
        TemplateUse.objects.create(
            shop=shop, user=seller, template=template, count=count, last_used_at=used_at
        )
        ReplyTemplate.objects.filter(pk=template.pk).update(usage_count=count, last_used_at=used_at)
