"""Synced chat events land in conversations once, through the normal paths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from chats import services
from chats.models import Conversation, Direction, Message
from sellerdesk.marketplaces.inbound import IncomingChatMessage, IncomingProduct
from sellerdesk.marketplaces.models import OutboundItem, OutboundState
from tests.chats.helpers import GOOD_REPLY, pdf_upload
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


def _sent(conversation, text, *, attempt_at, sent_at=None, files=()):
    """A reply written here, as the outbox leaves it after an attempt (sent, or outcome unknown)."""
    message = services.chat_message_send(
        conversation=conversation,
        author=conversation.shop.memberships.first().user,
        text=text,
        files=list(files),
        warnings_confirmed=True,
    )
    OutboundItem.objects.filter(pk=message.outbound_id).update(
        state=OutboundState.SENT if sent_at else OutboundState.SENDING,
        attempts=1,
        last_attempt_started_at=attempt_at,
        sent_at=sent_at,
        remote_id=f"1:abc@{int(attempt_at.timestamp() * 1000)}" if sent_at else "",
    )
    return message


def _seller(event_id, text, at, **overrides):
    return _event(
        message_external_id=event_id, sender="seller", text=text, created_at=at, **overrides
    )


def test_our_reply_coming_back_is_recognised_by_the_outbox_record_not_by_equal_times(shops):
    services.chat_message_import_from_marketplace(shop=shops.mine, item=_event())
    conversation = Conversation.objects.get()
    start = timezone.now() - timedelta(minutes=3)
    own = _sent(conversation, GOOD_REPLY, attempt_at=start, sent_at=start + timedelta(seconds=1))
    # The marketplace stamps the event 700 ms after what its send response said.
    echo = _seller("ev-2", GOOD_REPLY, start + timedelta(seconds=1, milliseconds=700))

    services.chat_message_import_from_marketplace(shop=shops.mine, item=echo)
    services.chat_message_import_from_marketplace(shop=shops.mine, item=echo)  # synced again

    assert Message.objects.filter(direction=Direction.OUTGOING).count() == 1
    own.refresh_from_db()
    assert own.external_id == "ev-2"


def test_two_equal_replies_match_two_events_and_a_portal_reply_is_recorded(shops):
    services.chat_message_import_from_marketplace(shop=shops.mine, item=_event())
    conversation = Conversation.objects.get()
    start = timezone.now() - timedelta(minutes=10)
    first = _sent(conversation, GOOD_REPLY, attempt_at=start, sent_at=start)
    # Its outcome unknown (the response was lost): no send time, only the attempt's start.
    second = _sent(conversation, GOOD_REPLY, attempt_at=start + timedelta(minutes=1))
    for event_id, at in (("ev-2", start), ("ev-3", start + timedelta(minutes=1, seconds=2))):
        services.chat_message_import_from_marketplace(
            shop=shops.mine, item=_seller(event_id, GOOD_REPLY, at)
        )
    # The same words typed on the marketplace's portal later are the seller's, not ours.
    services.chat_message_import_from_marketplace(
        shop=shops.mine, item=_seller("ev-4", GOOD_REPLY, start + timedelta(minutes=5))
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.external_id, second.external_id) == ("ev-2", "ev-3")
    portal = Message.objects.get(external_id="ev-4")
    assert portal.outbound_id is None and portal.direction == Direction.OUTGOING


def test_an_event_before_our_first_attempt_is_not_our_reply(shops):
    services.chat_message_import_from_marketplace(shop=shops.mine, item=_event())
    conversation = Conversation.objects.get()
    start = timezone.now() - timedelta(minutes=1)
    own = _sent(conversation, GOOD_REPLY, attempt_at=start, sent_at=start)
    services.chat_message_import_from_marketplace(
        shop=shops.mine, item=_seller("ev-2", GOOD_REPLY, start - timedelta(minutes=30))
    )
    own.refresh_from_db()
    assert own.external_id == ""
    assert Message.objects.filter(direction=Direction.OUTGOING).count() == 2


def test_a_reply_whose_file_the_marketplace_refused_is_still_ours(shops):
    services.chat_message_import_from_marketplace(shop=shops.mine, item=_event())
    conversation = Conversation.objects.get()
    start = timezone.now() - timedelta(minutes=1)
    own = _sent(
        conversation, GOOD_REPLY, attempt_at=start, sent_at=start, files=[pdf_upload("check.pdf")]
    )
    services.chat_message_import_from_marketplace(
        shop=shops.mine, item=_seller("ev-2", GOOD_REPLY, start + timedelta(seconds=1))
    )
    own.refresh_from_db()
    assert own.external_id == "ev-2"
    assert Message.objects.filter(direction=Direction.OUTGOING).count() == 1


def test_a_portal_reply_answers_the_buyer(shops):
    services.chat_message_import_from_marketplace(shop=shops.mine, item=_event())
    conversation = Conversation.objects.get()
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
