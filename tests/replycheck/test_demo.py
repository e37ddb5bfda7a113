"""The demo shops show both contact policies in chat."""

from __future__ import annotations

import pytest

from sellerdesk.core.demo import DEMO_SHOPS, demo_seed
from sellerdesk.core.models import Shop
from sellerdesk.replycheck.services import ReplyBlocked, reply_guard

RU_CHAT = "Здравствуйте! Спасибо, что написали. Позвоните нам: +7 916 123-45-67. Хорошего дня!"
ZH_CHAT = "亲，您好！感谢您的咨询，您可以打电话 138 0013 8000 联系我们。祝您生活愉快！"


def test_ru_demo_shop_allows_contacts_in_chat_and_zh_shop_forbids_them(db):
    demo_seed()
    ru_shop, zh_shop = (Shop.objects.get(name=spec.name) for spec in DEMO_SHOPS)
    assert reply_guard(shop=ru_shop, text=RU_CHAT, channel="chat", warnings_confirmed=True).ok
    with pytest.raises(ReplyBlocked):
        reply_guard(shop=zh_shop, text=ZH_CHAT, channel="chat", warnings_confirmed=True)
    # In an answer to a question contacts are refused in both shops.
    with pytest.raises(ReplyBlocked):
        reply_guard(shop=ru_shop, text=RU_CHAT, channel="question_answer", warnings_confirmed=True)
