"""The whole way: buyer items from the fake into the real apps, the seller's replies back out."""

from __future__ import annotations

from chats.models import Conversation, Message
from chats.services import chat_message_send
from questions.models import Question
from questions.services import question_answer
from reviews.models import Review
from sellerdesk.core.models import Role
from sellerdesk.marketplaces import services
from sellerdesk.marketplaces.models import InboundRecord, OutboundState
from tests.factories import ProductFactory


def test_round_trip_questions_and_chats_in_answers_out(wb_fake, wb_account_apps, shops):
    shop = wb_account_apps.shop
    ProductFactory(shop=shop, sku="A-104233", name="Кофемолка")
    wb_fake.add_question("Подходит ли для зёрен эспрессо?", nm_id=104233)
    wb_fake.add_question("Какая длина шнура?", nm_id=118871)
    chat = wb_fake.add_chat("Алёна", nm_id=104233)
    wb_fake.add_buyer_message(chat, "Здравствуйте! Пришёл не тот цвет.", image=b"\xff\xd8\xff jpeg")
    wb_fake.add_buyer_message(chat, "Можно обменять?")
    wb_fake.add_feedback("Отличная кофемолка", rating=5)

    services.account_sync(account_id=wb_account_apps.pk)
    services.account_sync(account_id=wb_account_apps.pk)  # a repeated sync adds nothing

    questions = Question.objects.for_shop(shop).order_by("created_at")
    assert [q.external_id for q in questions] == [q["id"] for q in wb_fake.questions.values()]
    assert questions[0].product.sku == "A-104233"
    conversation = Conversation.objects.for_shop(shop).get()
    assert conversation.external_id == chat["chatID"] and conversation.chat_ref == chat["replySign"]
    assert conversation.unread_count == 2
    incoming = list(Message.objects.for_shop(shop).order_by("created_at"))
    assert [m.text for m in incoming] == ["Здравствуйте! Пришёл не тот цвет.", "Можно обменять?"]
    assert incoming[0].attachments.count() == 1
    feedback = InboundRecord.objects.for_shop(shop).get(stream="feedback")
    assert feedback.imported_at is not None, feedback.import_error
    assert Review.objects.for_shop(shop).get().external_id == feedback.external_id

    seller = shops.users[Role.SELLER]
    answered = question_answer(
        question=questions[0],
        text="Да, мелет для эспрессо мелко и ровно.",
        user=seller,
        warnings_confirmed=True,
    )
    services.outbox_deliver(item_id=answered.outbound_id)
    reply = chat_message_send(
        conversation=conversation,
        author=seller,
        text="Да, обменяем, пришлите фото ярлыка.",
        warnings_confirmed=True,
    )
    services.outbox_deliver(item_id=reply.outbound_id)

    sent = wb_fake.questions[questions[0].external_id]
    assert (
        sent["state"] == "wbRu"
        and sent["answer"]["text"] == "Да, мелет для эспрессо мелко и ровно."
    )
    assert [e["message"]["text"] for e in wb_fake.seller_messages(chat["chatID"])] == [
        "Да, обменяем, пришлите фото ярлыка."
    ]
    assert len(wb_fake.writes) == 2

    # The seller's message comes back as an event: it is not imported a second time.
    services.account_sync(account_id=wb_account_apps.pk)
    assert Message.objects.for_shop(shop).count() == 3


def test_a_chat_retry_after_a_lost_response_is_not_sent_twice(
    wb_fake, wb_account_apps, shops, settings
):
    """The outbox marks the outcome unknown; the next attempt reads the chat back first."""
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 0  # the retry is due at once
    chat = wb_fake.add_chat("Сергей")
    wb_fake.add_buyer_message(chat, "Когда отправите?")
    services.account_sync(account_id=wb_account_apps.pk)
    conversation = Conversation.objects.for_shop(wb_account_apps.shop).get()
    reply = chat_message_send(
        conversation=conversation,
        author=shops.users[Role.SELLER],
        text="Отправим завтра утром.",
        warnings_confirmed=True,
    )
    wb_fake.inject("timeout", path="/api/v1/seller/message", apply=True, delay=1.5)
    first = services.outbox_deliver(item_id=reply.outbound_id)
    assert first.state == OutboundState.QUEUED and first.outcome_unknown and first.last_error
    second = services.outbox_deliver(item_id=reply.outbound_id)
    assert second.state == OutboundState.SENT
    assert len(wb_fake.seller_messages(chat["chatID"])) == 1
