"""A shop with a Wildberries account: chat, question and review replies reach Wildberries
through the one outbox, with its one retry policy."""

from __future__ import annotations

import pytest

from chats.models import Conversation
from chats.services import chat_message_send
from questions.models import Question
from questions.services import question_answer
from sellerdesk.core.models import Role
from sellerdesk.marketplaces import connectors, services
from sellerdesk.marketplaces.local import LocalConnector
from sellerdesk.marketplaces.models import MarketplaceAccount, OutboundItem, OutboundState
from sellerdesk.marketplaces.wildberries.connector import WildberriesConnector
from tests.factories import ShopFactory


@pytest.fixture
def published(monkeypatch) -> list[tuple[int, float | None]]:
    """Tasks the outbox handed to the broker, as (item id, countdown); nothing runs by itself."""
    calls: list[tuple[int, float | None]] = []
    monkeypatch.setattr(
        services, "_publish", lambda item_id, countdown: calls.append((item_id, countdown))
    )
    return calls


def deliver(calls: list[tuple[int, float | None]]) -> None:
    """Run every published attempt once, as a worker would (due or not: the claim decides)."""
    while calls:
        item_id, _countdown = calls.pop(0)
        services.outbox_deliver(item_id=item_id)


@pytest.mark.django_db
def test_one_resolution_marketplace_connector_for_its_items_else_local(wb_account_apps, shops):
    shop = wb_account_apps.shop
    assert isinstance(connectors.connector_for(shop, remote_ref="12345"), WildberriesConnector)
    # An item Wildberries never gave us has no address there.
    assert isinstance(connectors.connector_for(shop, remote_ref=""), LocalConnector)
    assert isinstance(connectors.connector_for(shops.other, remote_ref="12345"), LocalConnector)
    assert isinstance(connectors.connector_for(ShopFactory(), remote_ref="1"), LocalConnector)
    services.account_token_remove(shop=shop)
    assert isinstance(connectors.connector_for(shop, remote_ref="12345"), LocalConnector)


def test_chat_reply_and_question_answer_land_in_the_fake(
    wb_fake, wb_account_apps, shops, published, django_capture_on_commit_callbacks
):
    shop = wb_account_apps.shop
    remote_question = wb_fake.add_question("Есть ли гарантия на кофемолку?")
    chat = wb_fake.add_chat("Ирина")
    wb_fake.add_buyer_message(chat, "Добрый день, когда будет доставка?")
    services.account_sync(account_id=wb_account_apps.pk)
    question = Question.objects.for_shop(shop).get(external_id=remote_question["id"])
    conversation = Conversation.objects.for_shop(shop).get(external_id=chat["chatID"])
    seller = shops.users[Role.SELLER]

    with django_capture_on_commit_callbacks(execute=True):
        question_answer(
            question=question, text="Да, гарантия один год.", user=seller, warnings_confirmed=True
        )
        reply = chat_message_send(
            conversation=conversation,
            author=seller,
            text="Доставим в четверг.",
            warnings_confirmed=True,
        )
    question.refresh_from_db()
    assert question.outbound.state == OutboundState.QUEUED  # saved, not sent inside the request
    deliver(published)

    assert wb_fake.questions[remote_question["id"]]["answer"]["text"] == "Да, гарантия один год."
    assert [e["message"]["text"] for e in wb_fake.seller_messages(chat["chatID"])] == [
        "Доставим в четверг."
    ]
    question.refresh_from_db()
    reply.refresh_from_db()
    assert question.outbound.state == OutboundState.SENT
    assert reply.outbound.state == OutboundState.SENT
    # Wildberries' reference, not a local one: the sync recognises the reply coming back.
    assert reply.outbound.remote_id.startswith(chat["chatID"])


def test_question_retry_waits_as_long_as_wildberries_asks(
    wb_fake, wb_account_apps, shops, published, django_capture_on_commit_callbacks
):
    shop = wb_account_apps.shop
    remote_question = wb_fake.add_question("Какой вес?")
    services.account_sync(account_id=wb_account_apps.pk)
    question = Question.objects.for_shop(shop).get(external_id=remote_question["id"])
    wb_fake.inject(
        "429",
        path="/api/v1/questions",
        method="PATCH",
        times=10,
        retry_headers={"X-Ratelimit-Retry": "120"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        question_answer(
            question=question, text="1,2 кг", user=shops.users[Role.SELLER], warnings_confirmed=True
        )
    assert len(published) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.outbox_deliver(item_id=published.pop()[0])
    assert [countdown for _, countdown in published] == [120]  # not the 5 s of the first step
    question.refresh_from_db()
    assert question.outbound.state == OutboundState.QUEUED and question.outbound.last_error


def test_chat_retry_waits_as_long_as_wildberries_asks(
    wb_fake, wb_account_apps, shops, published, django_capture_on_commit_callbacks
):
    chat = wb_fake.add_chat("Олег")
    wb_fake.add_buyer_message(chat, "Здравствуйте")
    services.account_sync(account_id=wb_account_apps.pk)
    conversation = Conversation.objects.for_shop(wb_account_apps.shop).get()
    with django_capture_on_commit_callbacks(execute=True):
        reply = chat_message_send(
            conversation=conversation,
            author=shops.users[Role.SELLER],
            text="Здравствуйте!",
            warnings_confirmed=True,
        )
    wb_fake.inject(
        "429", path="/api/v1/seller/message", times=10, retry_headers={"X-Ratelimit-Retry": "90"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.outbox_deliver(item_id=published.pop()[0])
    assert [countdown for _, countdown in published] == [90]
    reply.refresh_from_db()
    assert reply.outbound.state == OutboundState.QUEUED and reply.outbound.last_error


def test_a_refused_token_marks_the_account_for_a_new_one(
    wb_fake, wb_account_apps, shops, published, django_capture_on_commit_callbacks
):
    chat = wb_fake.add_chat("Анна")
    wb_fake.add_buyer_message(chat, "Привет")
    services.account_sync(account_id=wb_account_apps.pk)
    conversation = Conversation.objects.for_shop(wb_account_apps.shop).get()
    with django_capture_on_commit_callbacks(execute=True):
        reply = chat_message_send(
            conversation=conversation,
            author=shops.users[Role.SELLER],
            text="Добрый день!",
            warnings_confirmed=True,
        )
    wb_fake.revoke(next(iter(wb_fake.valid_tokens)))
    deliver(published)
    item = OutboundItem.objects.get(pk=reply.outbound_id)
    assert item.state == OutboundState.FAILED and item.error_is_auth
    assert MarketplaceAccount.objects.get(pk=wb_account_apps.pk).auth_failed


def test_items_the_marketplace_never_gave_us_are_delivered_locally(
    wb_fake, wb_account_apps, shops, published, django_capture_on_commit_callbacks
):
    """Demo data or a question typed in by hand has no address on Wildberries: nothing goes there."""
    from chats.services import conversation_create
    from questions.services import question_create

    shop = wb_account_apps.shop
    seller = shops.users[Role.SELLER]
    question = question_create(shop=shop, text="Есть ли доставка в Казань?")
    with django_capture_on_commit_callbacks(execute=True):
        question_answer(
            question=question,
            text="Да, доставляем по всей России.",
            user=seller,
            warnings_confirmed=True,
        )
        conversation = conversation_create(shop=shop, buyer_name="Пётр")
        reply = chat_message_send(
            conversation=conversation, author=seller, text="Здравствуйте!", warnings_confirmed=True
        )
    deliver(published)
    question.refresh_from_db()
    reply.refresh_from_db()
    assert question.outbound.state == OutboundState.SENT
    assert reply.outbound.state == OutboundState.SENT
    assert reply.outbound.remote_id.startswith("local-")
    assert wb_fake.writes == []
