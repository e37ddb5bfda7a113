"""Outbound replies: saved first, delivered once, retried on what retrying can fix."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from sellerdesk.marketplaces import services
from sellerdesk.marketplaces.models import OutboundItem, OutboundKind, OutboundState
from sellerdesk.marketplaces.selectors import outbound_items_for_targets


def _enqueue(shop, kind, target, text, key=None, **payload):
    return services.outbox_enqueue(
        shop=shop,
        kind=kind,
        target_ref=target,
        payload={"text": text, **payload},
        idempotency_key=key or f"{kind}:{hashlib.sha1(f'{target}:{text}'.encode()).hexdigest()}",
    )


def _deliver_until_settled(item, limit=6):
    """What the task queue does: run due attempts (we skip the backoff wait)."""
    for _ in range(limit):
        OutboundItem.objects.filter(pk=item.pk, state=OutboundState.QUEUED).update(
            next_attempt_at=timezone.now()
        )
        services.outbox_deliver(item_id=item.pk)
        item.refresh_from_db()
        if item.state in (OutboundState.SENT, OutboundState.FAILED):
            break
    return item


def test_answers_declines_review_replies_and_chat_messages_reach_the_marketplace(
    wb_fake, wb_account, recorded
):
    wb_fake.populate(questions=2, feedbacks=1, chats=1)
    services.account_sync(account_id=wb_account.pk)
    shop = wb_account.shop
    first, second = list(wb_fake.questions)
    feedback = next(iter(wb_fake.feedbacks))
    chat = next(iter(wb_fake.chats.values()))
    default_storage.save("outbox-test/receipt.pdf", ContentFile(b"%PDF-1.4 test"))

    items = [
        _enqueue(shop, OutboundKind.QUESTION_ANSWER, first, "Да, подходит для эспрессо."),
        _enqueue(shop, OutboundKind.QUESTION_DECLINE, second, "Вопрос не о товаре."),
        _enqueue(shop, OutboundKind.FEEDBACK_ANSWER, feedback, "Спасибо за отзыв!"),
        _enqueue(
            shop,
            OutboundKind.CHAT_MESSAGE,
            chat["replySign"],
            "Отправили чек во вложении.",
            files=[
                {
                    "name": "receipt.pdf",
                    "content_type": "application/pdf",
                    "size": 13,
                    "path": "outbox-test/receipt.pdf",
                }
            ],
        ),
    ]
    for item in items:
        assert _deliver_until_settled(item).state == OutboundState.SENT

    assert wb_fake.questions[first]["state"] == "wbRu"
    assert wb_fake.questions[first]["answer"]["text"] == "Да, подходит для эспрессо."
    assert wb_fake.questions[second]["state"] == "none"
    assert wb_fake.feedbacks[feedback]["answer"]["text"] == "Спасибо за отзыв!"
    [message] = wb_fake.seller_messages(chat["chatID"])
    assert message["message"]["text"] == "Отправили чек во вложении."
    assert [f["name"] for f in message["message"]["attachments"]["files"]] == ["receipt.pdf"]
    assert len(wb_fake.writes) == 4

    # The seller's own message comes back through the event stream (the chats app tells it
    # from a portal reply by the outbox's record); the outbox kept the marketplace's answer.
    services.account_sync(account_id=wb_account.pk)
    echoed = [call for call in recorded.calls["chat_event"] if call.sender == "seller"]
    assert [call.text for call in echoed] == ["Отправили чек во вложении."]
    assert items[3].remote_id.startswith(chat["chatID"])


def test_the_same_idempotency_key_never_makes_a_second_item(wb_fake, wb_account):
    question = wb_fake.add_question("Какой размер?")
    one = _enqueue(
        wb_account.shop, OutboundKind.QUESTION_ANSWER, question["id"], "M", key="answer-42"
    )
    two = _enqueue(
        wb_account.shop, OutboundKind.QUESTION_ANSWER, question["id"], "M", key="answer-42"
    )
    assert one.pk == two.pk
    _deliver_until_settled(one)
    services.outbox_deliver(item_id=one.pk)  # a duplicate task message
    assert len(wb_fake.writes_for("question_answer")) == 1


@pytest.mark.parametrize("fault", ["500", "timeout", "disconnect", "malformed"])
def test_a_lost_response_is_checked_before_resending(fault, wb_fake, wb_account):
    """The marketplace did the write but we never heard: the retry must not do it again."""
    question = wb_fake.add_question("Есть доставка в Казань?")
    feedback = wb_fake.add_feedback("Хороший плед", rating=5)
    chat = wb_fake.add_chat("Ирина")
    wb_fake.add_buyer_message(chat, "Здравствуйте!")
    services.account_sync(account_id=wb_account.pk)
    cases = [
        (
            "PATCH",
            "/api/v1/questions",
            OutboundKind.QUESTION_ANSWER,
            question["id"],
            "Да, доставляем.",
            "question_answer",
        ),
        (
            "POST",
            "/api/v1/feedbacks/answer",
            OutboundKind.FEEDBACK_ANSWER,
            feedback["id"],
            "Рады, что понравился!",
            "feedback_answer",
        ),
        (
            "POST",
            "/api/v1/seller/message",
            OutboundKind.CHAT_MESSAGE,
            chat["replySign"],
            "Добрый день!",
            "chat_message",
        ),
    ]
    for method, path, kind, target, text, write_kind in cases:
        wb_fake.inject(fault, path=path, method=method, apply=True, delay=1.5)
        item = _enqueue(wb_account.shop, kind, target, text)
        services.outbox_deliver(item_id=item.pk)
        item.refresh_from_db()
        assert item.state == OutboundState.QUEUED and item.attempts == 1 and item.last_error
        assert item.outcome_unknown
        item = _deliver_until_settled(item)
        assert item.state == OutboundState.SENT, item.last_error
        assert len(wb_fake.writes_for(write_kind)) == 1, write_kind


@pytest.mark.parametrize("fault", ["500", "timeout", "429"])
def test_a_request_that_failed_before_reaching_the_marketplace_is_sent_on_retry(
    fault, wb_fake, wb_account
):
    question = wb_fake.add_question("Сколько весит?")
    wb_fake.inject(
        fault,
        path="/api/v1/questions",
        method="PATCH",
        times=4 if fault == "429" else 1,
        delay=1.5,
        retry_headers={"X-Ratelimit-Retry": "7"},
    )
    item = _enqueue(wb_account.shop, OutboundKind.QUESTION_ANSWER, question["id"], "1,2 кг")
    before = timezone.now()
    services.outbox_deliver(item_id=item.pk)
    item.refresh_from_db()
    assert item.state == OutboundState.QUEUED
    if fault == "429":
        # The server's own retry hint wins over our shorter first backoff.
        assert item.next_attempt_at >= before + timedelta(seconds=7)
    assert _deliver_until_settled(item).state == OutboundState.SENT
    assert [w["text"] for w in wb_fake.writes_for("question_answer")] == ["1,2 кг"]


def test_a_refusal_fails_with_the_marketplace_message_and_the_seller_can_retry(wb_fake, wb_account):
    chat = wb_fake.add_chat("Павел")
    item = _enqueue(
        wb_account.shop, OutboundKind.CHAT_MESSAGE, "1:not-a-real-signature", "Здравствуйте"
    )
    item = _deliver_until_settled(item)
    assert item.state == OutboundState.FAILED
    assert item.last_error == "Invalid signature"
    assert item.attempts == 1  # a 400 is not retried
    assert item.payload["text"] == "Здравствуйте"  # nothing typed is lost

    # Fixed at the marketplace side (here: the chat now has that signature); the seller retries.
    chat["replySign"] = "1:not-a-real-signature"
    services.outbox_retry(item=item)
    assert _deliver_until_settled(item).state == OutboundState.SENT
    assert len(wb_fake.seller_messages(chat["chatID"])) == 1


def test_answer_to_a_question_answered_elsewhere_fails_without_overwriting(wb_fake, wb_account):
    question = wb_fake.add_question("Цвет как на фото?")
    question.update(
        state="wbRu", answer={"text": "Да", "editable": True, "createDate": "2026-01-01T00:00:00Z"}
    )
    item = _deliver_until_settled(
        _enqueue(wb_account.shop, OutboundKind.QUESTION_ANSWER, question["id"], "Да, как на фото")
    )
    assert item.state == OutboundState.FAILED and "already answered" in item.last_error
    assert wb_fake.writes == []


def test_revoked_token_fails_replies_which_go_out_after_a_new_token(wb_fake, wb_account):
    question = wb_fake.add_question("Есть ли гарантия?")
    wb_fake.revoke(wb_account_token := next(iter(wb_fake.valid_tokens)))
    item = _deliver_until_settled(
        _enqueue(wb_account.shop, OutboundKind.QUESTION_ANSWER, question["id"], "Год")
    )
    assert item.state == OutboundState.FAILED and item.error_is_auth
    assert wb_account_token not in item.last_error

    wb_fake.valid_tokens.add("wb-fresh-token-9876")
    services.account_token_set(shop=wb_account.shop, token="wb-fresh-token-9876")
    item.refresh_from_db()
    assert item.state == OutboundState.QUEUED
    assert _deliver_until_settled(item).state == OutboundState.SENT
    assert len(wb_fake.writes_for("question_answer")) == 1


def test_worker_killed_while_sending_does_not_send_twice(wb_fake, wb_account):
    chat = wb_fake.add_chat("Наталья")
    wb_fake.add_buyer_message(chat, "Где мой заказ?")
    services.account_sync(account_id=wb_account.pk)
    item = _enqueue(
        wb_account.shop, OutboundKind.CHAT_MESSAGE, chat["replySign"], "Заказ уже в пути."
    )
    # The worker claimed the item, the message went out, then the process died.
    from sellerdesk.marketplaces.services import _claim
    from sellerdesk.marketplaces.wildberries.connector import client_for_account

    _claim(item.pk)
    with client_for_account(wb_account) as client:
        client.send_message(reply_sign=chat["replySign"], text="Заказ уже в пути.")
    OutboundItem.objects.filter(pk=item.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )

    assert services.outbox_requeue_due() == 1  # the sweep notices the orphan
    item = _deliver_until_settled(item)
    assert item.state == OutboundState.SENT
    assert len(wb_fake.seller_messages(chat["chatID"])) == 1


def test_delivery_state_selector_shows_each_reply(wb_fake, wb_account):
    question = wb_fake.add_question("Вопрос")
    item = _enqueue(wb_account.shop, OutboundKind.QUESTION_ANSWER, question["id"], "Ответ")
    states = outbound_items_for_targets(
        shop=wb_account.shop, kind=OutboundKind.QUESTION_ANSWER, target_refs=[question["id"]]
    )
    assert states[question["id"]].state == OutboundState.QUEUED
    _deliver_until_settled(item)
    states = outbound_items_for_targets(
        shop=wb_account.shop, kind=OutboundKind.QUESTION_ANSWER, target_refs=[question["id"]]
    )
    assert states[question["id"]].state == OutboundState.SENT
    assert (
        outbound_items_for_targets(
            shop=wb_account.shop, kind=OutboundKind.QUESTION_ANSWER, target_refs=["other-shop-id"]
        )
        == {}
    )
