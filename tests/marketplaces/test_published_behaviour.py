"""What the marketplace's description allows and the fake therefore does: the client copes.

Each test drives the fake into one behaviour the description permits (a seller event without
a message, downloads refused by the shared chat limit, the documented 403, review replies
held or rejected by moderation) and checks what a seller would notice.
"""

from __future__ import annotations

import pytest

from chats.models import Conversation, Message
from sellerdesk.marketplaces import services
from sellerdesk.marketplaces.models import InboundRecord, MarketplaceAccount
from sellerdesk.marketplaces.wildberries import sync
from sellerdesk.marketplaces.wildberries.connector import WildberriesConnector
from sellerdesk.marketplaces.wildberries.errors import WildberriesRequestError
from sellerdesk.sla.models import SlaClock
from tests.marketplaces.contract import ContractCheck, Exchange

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _sync(account, capture):
    with capture(execute=True):
        return services.account_sync(account_id=account.pk)


def test_a_seller_event_without_a_message_is_no_reply(
    wb_fake, wb_account_apps, django_capture_on_commit_callbacks
):
    chat = wb_fake.add_chat("Ирина")
    wb_fake.add_buyer_message(chat, "Здравствуйте, где мой заказ?")
    empty = wb_fake.add_seller_event_without_message(chat)

    stats = _sync(wb_account_apps, django_capture_on_commit_callbacks)

    assert stats.errors == []
    conversation = Conversation.objects.for_shop(wb_account_apps.shop).get()
    assert [m.text for m in Message.objects.filter(conversation=conversation)] == [
        "Здравствуйте, где мой заказ?"
    ]
    # The buyer still waits: the clock runs and the inbox shows the conversation as unanswered.
    assert conversation.first_unanswered_at is not None
    assert conversation.last_message_direction == "in"
    assert SlaClock.objects.filter(
        channel="chat", item_id=conversation.pk, answered_at__isnull=True
    ).exists()
    record = InboundRecord.objects.get(external_id=empty["eventID"])
    assert record.imported_at is not None  # handled: there is simply nothing to show


def test_buyer_files_held_back_by_the_rate_limit_arrive_later(
    wb_fake, wb_account_apps, django_capture_on_commit_callbacks
):
    chat = wb_fake.add_chat("Павел")
    event = wb_fake.add_buyer_message(chat, "Вот фото брака", image=JPEG)
    # The shared chat limit refuses the download on the first try and both retries.
    wb_fake.inject("429", path="/api/v1/seller/download/", times=3)

    _sync(wb_account_apps, django_capture_on_commit_callbacks)

    message = Message.objects.get(external_id=event["eventID"])
    assert message.text == "Вот фото брака"  # the buyer's words are not held back
    assert message.attachments.count() == 0
    record = InboundRecord.objects.get(external_id=event["eventID"])
    assert record.imported_at is None  # not done: its file is still to come
    assert "not downloaded yet" in record.import_error

    assert services.inbound_import_pending() == 1

    [attachment] = message.attachments.all()
    assert attachment.content_type == "image/jpeg" and attachment.size == len(JPEG)
    record.refresh_from_db()
    assert record.imported_at is not None and record.import_error == ""
    assert services.inbound_import_pending() == 0
    assert Message.objects.filter(conversation=message.conversation).count() == 1
    assert message.attachments.count() == 1


def test_the_documented_403_pauses_the_sync_with_the_marketplaces_words(wb_fake, wb_account):
    wb_fake.add_question("Есть ли гарантия?")
    wb_fake.inject("403", path="/api/v1/questions", method="GET")

    stats = services.account_sync(account_id=wb_account.pk)

    assert stats.errors == ["Ошибка авторизации"]
    account = MarketplaceAccount.objects.get(pk=wb_account.pk)
    assert account.auth_failed and account.last_error == "Ошибка авторизации"
    # Paused until a manager sets a token again: the next run asks the marketplace nothing.
    before = len(wb_fake.requests)
    services.account_sync(account_id=wb_account.pk)
    assert len(wb_fake.requests) == before


def test_a_reply_held_by_moderation_is_not_sent_twice_and_a_rejected_one_may_be_replaced(
    wb_fake, wb_account
):
    wb_fake.moderate_answers = True
    feedback = wb_fake.add_feedback("Плед колется", rating=2)
    connector = WildberriesConnector(wb_account)
    first = "Спасибо за отзыв! Подскажите номер заказа, заменим плед."

    connector.answer_review(shop=wb_account.shop, review_ref=feedback["id"], text=first)
    assert wb_fake.feedbacks[feedback["id"]]["answer"]["state"] == "reviewRequired"
    # A retry of the same reply while the moderators look at it: delivered already.
    connector.answer_review(shop=wb_account.shop, review_ref=feedback["id"], text=first)
    assert len(wb_fake.writes_for("feedback_answer")) == 1
    with pytest.raises(WildberriesRequestError, match="already has a reply"):
        connector.answer_review(shop=wb_account.shop, review_ref=feedback["id"], text="Другое")

    wb_fake.moderate(feedback["id"], accept=False)
    second = "Спасибо, что написали! Заменим плед, напишите нам в чат заказа."
    connector.answer_review(shop=wb_account.shop, review_ref=feedback["id"], text=second)
    assert [w["text"] for w in wb_fake.writes_for("feedback_answer")] == [first, second]
    assert wb_fake.feedbacks[feedback["id"]]["answer"]["text"] == second


def test_the_sync_learns_how_moderation_ended(wb_fake, wb_account, recorded, monkeypatch):
    monkeypatch.setattr(sync, "STATE_CHECK_AGE", sync.STATE_CHECK_AGE * 0)
    wb_fake.moderate_answers = True
    held = wb_fake.add_feedback("Пришёл мятый", rating=3)
    published = wb_fake.add_feedback("Отличный плед", rating=5)
    services.account_sync(account_id=wb_account.pk)
    connector = WildberriesConnector(wb_account)
    for feedback in (held, published):
        connector.answer_review(shop=wb_account.shop, review_ref=feedback["id"], text="Спасибо!")

    services.account_sync(account_id=wb_account.pk)
    latest = {item.external_id: item for item in recorded.calls["feedback"]}
    assert latest[held["id"]].answer_moderation == "pending"
    assert latest[published["id"]].answer_moderation == "pending"

    wb_fake.moderate(held["id"], accept=False)
    wb_fake.moderate(published["id"], accept=True)
    services.account_sync(account_id=wb_account.pk)
    latest = {item.external_id: item for item in recorded.calls["feedback"]}
    assert latest[held["id"]].answer_moderation == "rejected"
    assert latest[published["id"]].answer_moderation == ""
    assert latest[published["id"]].answer_text == "Спасибо!"


def _exchange(status: int, body: bytes, content_type: str = "application/json") -> Exchange:
    return Exchange(
        method="POST",
        path="/api/v1/seller/message",
        query={},
        headers={
            "Authorization": "token",
            "Content-Type": "multipart/form-data; boundary=b",
        },
        body=b'--b\r\nContent-Disposition: form-data; name="replySign"\r\n\r\n1:x:sign\r\n--b--\r\n',
        status=status,
        response_body=body,
        response_content_type=content_type,
    )


def test_the_contract_check_catches_a_fake_that_drifts():
    check = ContractCheck()
    # As published: upload errors inside a 200 are part of the answer.
    check(_exchange(200, b'{"result": {"addTime": 1, "chatID": "1:x"}, "errors": ["E: a.pdf"]}'))
    assert check.violations == []
    # A time sent as text, and errors as null (the description makes it a plain array).
    check(_exchange(200, b'{"result": {"addTime": "1", "chatID": "1:x"}, "errors": null}'))
    assert len(check.violations) == 1
    assert "result/addTime" in check.violations[0] and "errors" in check.violations[0]
    # A status the method does not document.
    check(_exchange(404, b'{"title": "not found"}'))
    assert len(check.violations) == 2 and "404" in check.violations[1]


def test_files_refused_inside_a_200_are_not_a_silent_success_and_the_echo_is_ours(
    wb_fake, wb_account_apps, shops, seller_client, monkeypatch, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from chats.services import chat_message_send
    from sellerdesk.core.models import Role
    from sellerdesk.marketplaces.models import OutboundState
    from tests.chats.helpers import GOOD_REPLY, pdf_upload

    published: list[int] = []
    monkeypatch.setattr(services, "_publish", lambda item_id, countdown: published.append(item_id))
    chat = wb_fake.add_chat("Анна")
    wb_fake.add_buyer_message(chat, "Пришлите, пожалуйста, чек")
    _sync(wb_account_apps, django_capture_on_commit_callbacks)
    conversation = Conversation.objects.for_shop(wb_account_apps.shop).get()
    wb_fake.inject("upload_error", path="/api/v1/seller/message")

    with django_capture_on_commit_callbacks(execute=True):
        reply = chat_message_send(
            conversation=conversation,
            author=shops.users[Role.SELLER],
            text=GOOD_REPLY,
            files=[pdf_upload("check.pdf")],
            warnings_confirmed=True,
        )
    for item_id in published:
        services.outbox_deliver(item_id=item_id)

    reply.refresh_from_db()
    item = reply.outbound
    # Delivered (sending again would repeat the text), but not as a full success.
    assert item.state == OutboundState.SENT and item.remote_id.startswith(chat["chatID"])
    assert "not the files" in item.last_error and "check.pdf" in item.last_error
    [write] = wb_fake.writes_for("chat_message")
    assert write["text"] == GOOD_REPLY and write["files"] == []
    page = seller_client.get(reverse("chats:conversation", args=[conversation.pk]))
    assert "файлы не дошли" in page.text  # the seller's page says the files are missing

    # The event comes back later than the send response said, and without the file: still ours.
    _sync(wb_account_apps, django_capture_on_commit_callbacks)
    outgoing = Message.objects.filter(conversation=conversation, direction="out")
    assert list(outgoing.values_list("pk", flat=True)) == [reply.pk]
    reply.refresh_from_db()
    assert reply.external_id == wb_fake.seller_messages(chat["chatID"])[0]["eventID"]


def test_a_review_reply_shows_its_moderation_and_a_rejected_one_is_answered_again(
    wb_fake, wb_account_apps, shops, seller_client, monkeypatch, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from reviews.models import Review
    from reviews.services import review_answer
    from sellerdesk.core.models import Role

    monkeypatch.setattr(sync, "STATE_CHECK_AGE", sync.STATE_CHECK_AGE * 0)
    published: list[int] = []
    monkeypatch.setattr(services, "_publish", lambda item_id, countdown: published.append(item_id))

    def deliver():
        while published:
            services.outbox_deliver(item_id=published.pop(0))

    wb_fake.moderate_answers = True
    feedback = wb_fake.add_feedback("Чайник подтекает", rating=2, user_name="Анна")
    _sync(wb_account_apps, django_capture_on_commit_callbacks)
    review = Review.objects.for_shop(wb_account_apps.shop).get()
    seller = shops.users[Role.SELLER]
    first = "Здравствуйте, Анна! Спасибо за отзыв. Жаль, что чайник подтекает: заменим его по гарантии. Хорошего дня!"
    with django_capture_on_commit_callbacks(execute=True):
        review_answer(review=review, text=first, user=seller, warnings_confirmed=True)
    deliver()
    _sync(wb_account_apps, django_capture_on_commit_callbacks)

    review.refresh_from_db()
    assert review.answered_at is not None and review.answer_moderation == "pending"
    page = seller_client.get(reverse("reviews:detail", args=[review.pk]))
    assert 'data-moderation="pending"' in page.text

    wb_fake.moderate(feedback["id"], accept=False)
    _sync(wb_account_apps, django_capture_on_commit_callbacks)

    review.refresh_from_db()
    assert review.answered_at is None and review.status == "unanswered"
    assert review.answer_moderation == "rejected" and review.answer_text == first
    assert SlaClock.objects.filter(
        channel="review", item_id=review.pk, answered_at__isnull=True
    ).exists()  # the buyer waits for a reply again
    page = seller_client.get(reverse("reviews:detail", args=[review.pk]))
    assert 'data-moderation="rejected"' in page.text and 'id="reply-box"' in page.text

    second = "Здравствуйте, Анна! Спасибо, что написали. Заменим чайник по гарантии, хорошего дня!"
    with django_capture_on_commit_callbacks(execute=True):
        review_answer(review=review, text=second, user=seller, warnings_confirmed=True)
    deliver()
    assert [w["text"] for w in wb_fake.writes_for("feedback_answer")] == [first, second]
    wb_fake.moderate(feedback["id"], accept=True)
    _sync(wb_account_apps, django_capture_on_commit_callbacks)

    review.refresh_from_db()
    assert review.answer_text == second and review.answered_at is not None
    assert review.answer_moderation == "" and review.outbound.state == "sent"
