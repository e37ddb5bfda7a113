"""Synced chat events land in conversations once, through the normal paths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from chats import services
from chats.models import Conversation, Direction, Message
from sellerdesk.marketplaces.inbound import IncomingChatMessage, IncomingProduct
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _event(**overrides) -> IncomingChatMessage:
    values = {
        "chat_external_id": "1:abc",
        "message_external_id": "ev-1",
        "chat_ref": "1:abc:sign",
        "buyer_name": "Иван",
        "buyer_external_id": "123",
        "sender": "buyer",
        "text": "Здравствуйте, где заказ?",
        "created_at": timezone.now() - timedelta(minutes=5),
        "product": IncomingProduct(external_id="555", sku="WB-555", name="Плед"),
    }
    return IncomingChatMessage(**(values | overrides))


def test_buyer_event_creates_the_conversation_once(shops):
    product = ProductFactory(shop=shops.mine, sku="WB-555")
    services.chat_message_import_from_marketplace(shop=shops.mine, item=_event())
    services.chat_message_import_from_marketplace(shop=shops.mine, item=_event())
    conversation = Conversation.objects.get()
    assert conversation.product == product and conversation.chat_ref == "1:abc:sign"
    assert conversation.unread_count == 1 and conversation.first_unanswered_at is not None
    assert Message.objects.count() == 1


def test_portal_reply_answers_and_our_own_reply_is_not_duplicated(shops):
    services.chat_message_import_from_marketplace(shop=shops.mine, item=_event())
    conversation = Conversation.objects.get()
    own = Message.objects.create(
        conversation=conversation,
        shop=shops.mine,
        direction=Direction.OUTGOING,
        text="Ответ",
        created_at=timezone.now(),
        external_id="remote-7",
    )
    services.chat_message_import_from_marketplace(
        shop=shops.mine,
        item=_event(
            message_external_id="ev-2",
            sender="seller",
            text="Ответ",
            remote_send_ref=own.external_id,
        ),
    )
    assert Message.objects.count() == 2

    services.chat_message_import_from_marketplace(
        shop=shops.mine,
        item=_event(
            message_external_id="ev-3", sender="seller", text="Ответили с портала", chat_ref=""
        ),
    )
    conversation.refresh_from_db()
    assert conversation.first_unanswered_at is None
    assert conversation.last_message_direction == Direction.OUTGOING
    assert conversation.chat_ref == "1:abc:sign"
