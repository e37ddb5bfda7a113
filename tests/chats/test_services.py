from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from chats import services
from chats.models import Attachment, Conversation, Direction, Message
from sellerdesk.core.models import Role
from sellerdesk.marketplaces.models import OutboundState
from sellerdesk.replycheck.services import ReplyBlocked, ReplyNeedsConfirmation, shop_policy_update
from tests.chats.helpers import (
    GOOD_REPLY,
    conversation_with,
    fake_pdf_upload,
    pdf_upload,
    png_upload,
)
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sla_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "waiting_started", lambda **kw: calls.append(("started", kw)))
    monkeypatch.setattr(services, "waiting_stopped", lambda **kw: calls.append(("stopped", kw)))
    return calls


def test_buyer_messages_count_unread_and_start_the_sla_clock_once(shops, sla_calls):
    product = ProductFactory(shop=shops.mine, sku="WB-1", name="Плед")
    first_at = timezone.now() - timedelta(minutes=30)
    conversation = conversation_with(
        shops.mine, product=product, texts=("Здравствуйте", "Где заказ?"), at=first_at
    )

    assert conversation.unread_count == 2
    assert conversation.first_unanswered_at == first_at
    assert conversation.last_message_excerpt == "Где заказ?"
    assert conversation.last_message_direction == Direction.INCOMING
    assert [name for name, _kw in sla_calls] == ["started"]
    assert sla_calls[0][1]["since"] == first_at and sla_calls[0][1]["channel"] == "chat"


def test_seller_reply_is_queued_answers_the_buyer_and_delivers_after_commit(
    shops, sla_calls, django_capture_on_commit_callbacks, outbox
):
    conversation = conversation_with(shops.mine)

    with django_capture_on_commit_callbacks(execute=True):
        message = services.chat_message_send(
            conversation=conversation,
            author=shops.users[Role.SELLER],
            text=GOOD_REPLY,
            files=[pdf_upload(), png_upload()],
        )

    message.refresh_from_db()
    assert message.outbound.state == OutboundState.QUEUED
    assert message.direction == Direction.OUTGOING
    assert outbox.published == [(message.outbound_id, None)]
    # The files travel with the reply: the outbox reads them from storage when it sends.
    assert sorted(f["content_type"] for f in message.outbound.payload["files"]) == [
        "application/pdf",
        "image/png",
    ]
    attachments = list(message.attachments.order_by("content_type"))
    assert [a.content_type for a in attachments] == ["application/pdf", "image/png"]
    assert attachments[0].file.storage.exists(attachments[0].file.name)
    assert attachments[1].thumbnail  # images get a preview
    conversation.refresh_from_db()
    assert conversation.first_unanswered_at is None
    assert conversation.unread_count == 0
    assert [name for name, _kw in sla_calls] == ["started", "stopped"]


def test_nothing_is_saved_or_enqueued_when_a_file_is_fake(
    shops, django_capture_on_commit_callbacks
):
    conversation = conversation_with(shops.mine)
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ValidationError) as refused,
    ):
        services.chat_message_send(
            conversation=conversation,
            author=shops.users[Role.SELLER],
            text=GOOD_REPLY,
            files=[fake_pdf_upload()],
        )
    assert "contract.pdf" in refused.value.messages[0]
    assert not Message.objects.filter(direction=Direction.OUTGOING).exists()
    assert not Attachment.objects.exists()
    assert callbacks == []


def test_policy_warnings_need_confirmation_and_errors_block(shops):
    conversation = conversation_with(shops.mine)
    seller = shops.users[Role.SELLER]
    with pytest.raises(ReplyNeedsConfirmation):
        services.chat_message_send(
            conversation=conversation, author=seller, text="Заказ приедет завтра."
        )
    message = services.chat_message_send(
        conversation=conversation,
        author=seller,
        text="Заказ приедет завтра.",
        warnings_confirmed=True,
    )
    assert message.outbound.state == OutboundState.QUEUED

    with_phone = (
        "Здравствуйте, Анна! Спасибо за вопрос. Позвоните нам: +7 916 123-45-67. Хорошего дня!"
    )
    assert services.chat_message_send(conversation=conversation, author=seller, text=with_phone).pk
    shop_policy_update(shop=shops.mine, data={"allow_contacts_in_chat": False})
    with pytest.raises(ReplyBlocked):
        services.chat_message_send(
            conversation=conversation, author=seller, text=with_phone, warnings_confirmed=True
        )


def test_empty_and_too_long_replies_are_refused(shops):
    conversation = conversation_with(shops.mine)
    seller = shops.users[Role.SELLER]
    with pytest.raises(ValidationError):
        services.chat_message_send(conversation=conversation, author=seller, text="   ")
    with pytest.raises(ValidationError) as too_long:
        services.chat_message_send(
            conversation=conversation, author=seller, text="Здравствуйте! " + "а" * 1000
        )
    assert "1000" in too_long.value.messages[0]


def test_opening_marks_read(shops):
    conversation = conversation_with(shops.mine, texts=("Раз", "Два", "Три"))
    services.conversation_mark_read(conversation=conversation)
    assert Conversation.objects.get(pk=conversation.pk).unread_count == 0
    assert Conversation.objects.get(pk=conversation.pk).last_read_at is not None


def test_product_of_another_shop_is_refused(shops):
    foreign = ProductFactory(shop=shops.other)
    with pytest.raises(ValidationError):
        services.conversation_create(shop=shops.mine, buyer_name="Анна", product=foreign)


def test_summary_refresh_recomputes_denormalised_fields(shops):
    conversation = conversation_with(shops.mine, texts=("Первое", "Второе"))
    Conversation.objects.filter(pk=conversation.pk).update(
        unread_count=0, last_message_excerpt="", first_unanswered_at=None
    )
    conversation.refresh_from_db()
    services.conversation_summary_refresh(conversation=conversation)
    assert conversation.unread_count == 2
    assert conversation.last_message_excerpt == "Второе"
    assert conversation.first_unanswered_at is not None


@pytest.mark.parametrize("record", ["buyer", "seller"])
def test_marketplace_files_are_typed_by_their_bytes_not_their_label(shops, record):
    """A reply written on the marketplace's portal is as untrusted as a buyer's message."""
    from chats.demo import demo_png

    conversation = conversation_with(shops.mine)
    files = [
        ("page.png", "image/png", b"<html><script>alert(1)</script></html>"),
        ("photo.bin", "", demo_png(1, (1, 2, 3))),
    ]
    if record == "buyer":
        message = services.buyer_message_receive(conversation=conversation, text="Вот", files=files)
    else:
        message = services.seller_message_record(
            conversation=conversation, text="Вот", created_at=timezone.now(), files=files
        )
    stored = {a.original_name: a.content_type for a in message.attachments.all()}
    assert stored == {"page.png": "application/octet-stream", "photo.bin": "image/png"}
