"""A shop with a Wildberries account: the apps' own services and tasks deliver to Wildberries."""

from __future__ import annotations

import pytest

from chats.models import Conversation, DeliveryStatus
from chats.services import chat_message_send
from questions import tasks as question_tasks
from questions.models import DeliveryStatus as QuestionDelivery
from questions.models import Question
from questions.services import question_answer
from sellerdesk.core.models import Role
from sellerdesk.marketplaces import base, get_connector, services
from sellerdesk.marketplaces.local import LocalConnector
from sellerdesk.marketplaces.models import MarketplaceAccount
from sellerdesk.marketplaces.wildberries.connector import WildberriesConnector
from tests.factories import ShopFactory


@pytest.fixture
def tasks_inline():
    """Tasks run in-process when their on-commit callbacks execute (the broker is covered elsewhere)."""
    from sellerdesk.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.mark.django_db
def test_one_resolution_marketplace_connector_else_local(wb_account_apps, shops):
    assert isinstance(base.get_connector(wb_account_apps.shop), WildberriesConnector)
    assert isinstance(
        get_connector(wb_account_apps.shop), WildberriesConnector
    )  # the package's name too
    assert isinstance(base.get_connector(shops.other), LocalConnector)
    assert isinstance(base.get_connector(ShopFactory()), LocalConnector)
    services.account_token_remove(shop=wb_account_apps.shop)
    assert isinstance(base.get_connector(wb_account_apps.shop), LocalConnector)


def test_chat_reply_and_question_answer_land_in_the_fake(
    wb_fake, wb_account_apps, shops, tasks_inline, django_capture_on_commit_callbacks
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
    with django_capture_on_commit_callbacks(execute=True):
        reply = chat_message_send(
            conversation=conversation,
            author=seller,
            text="Доставим в четверг.",
            warnings_confirmed=True,
        )

    assert wb_fake.questions[remote_question["id"]]["answer"]["text"] == "Да, гарантия один год."
    assert [e["message"]["text"] for e in wb_fake.seller_messages(chat["chatID"])] == [
        "Доставим в четверг."
    ]
    question.refresh_from_db()
    reply.refresh_from_db()
    assert question.delivery_status == QuestionDelivery.SENT
    assert reply.delivery_status == DeliveryStatus.SENT
    assert reply.external_id.startswith(chat["chatID"])  # Wildberries' reference, not a local one


def test_question_retry_waits_as_long_as_wildberries_asks(
    wb_fake, wb_account_apps, shops, monkeypatch, tasks_inline, django_capture_on_commit_callbacks
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
    countdowns: list[int] = []

    class Stop(Exception):
        pass

    def retry(*, exc=None, countdown=None, **_):
        countdowns.append(countdown)
        return Stop()

    monkeypatch.setattr(question_tasks.question_deliver, "retry", retry)
    with pytest.raises(Stop), django_capture_on_commit_callbacks(execute=True):
        question_answer(
            question=question, text="1,2 кг", user=shops.users[Role.SELLER], warnings_confirmed=True
        )
    assert countdowns == [120]  # not the 15 s of the first backoff step
    question.refresh_from_db()
    assert question.delivery_status == QuestionDelivery.PENDING


def test_chat_retry_waits_as_long_as_wildberries_asks(
    wb_fake, wb_account_apps, shops, monkeypatch, django_capture_on_commit_callbacks
):
    from chats import tasks as chat_tasks

    chat = wb_fake.add_chat("Олег")
    wb_fake.add_buyer_message(chat, "Здравствуйте")
    services.account_sync(account_id=wb_account_apps.pk)
    conversation = Conversation.objects.for_shop(wb_account_apps.shop).get()
    monkeypatch.setattr(chat_tasks.chat_message_deliver_task, "delay", lambda *_a: None)
    reply = chat_message_send(
        conversation=conversation,
        author=shops.users[Role.SELLER],
        text="Здравствуйте!",
        warnings_confirmed=True,
    )
    wb_fake.inject(
        "429", path="/api/v1/seller/message", times=10, retry_headers={"X-Ratelimit-Retry": "90"}
    )
    countdowns: list[int] = []

    class Stop(Exception):
        pass

    def retry(*, countdown=None, **_):
        countdowns.append(countdown)
        return Stop()

    monkeypatch.setattr(chat_tasks.chat_message_deliver_task, "retry", retry)
    with pytest.raises(Stop):
        chat_tasks.chat_message_deliver_task.apply(args=[reply.pk], throw=True)
    assert countdowns == [90]
    reply.refresh_from_db()
    assert reply.delivery_status == DeliveryStatus.QUEUED and reply.failure_reason


def test_a_refused_token_marks_the_account_for_a_new_one(
    wb_fake, wb_account_apps, shops, django_capture_on_commit_callbacks, monkeypatch
):
    from chats import services as chat_services

    chat = wb_fake.add_chat("Анна")
    wb_fake.add_buyer_message(chat, "Привет")
    services.account_sync(account_id=wb_account_apps.pk)
    conversation = Conversation.objects.for_shop(wb_account_apps.shop).get()
    monkeypatch.setattr("chats.tasks.chat_message_deliver_task.delay", lambda *_a: None)
    reply = chat_message_send(
        conversation=conversation,
        author=shops.users[Role.SELLER],
        text="Добрый день!",
        warnings_confirmed=True,
    )
    wb_fake.revoke(next(iter(wb_fake.valid_tokens)))
    message = chat_services.chat_message_deliver(message_id=reply.pk)
    assert message.delivery_status == DeliveryStatus.FAILED
    assert MarketplaceAccount.objects.get(pk=wb_account_apps.pk).auth_failed


def test_items_the_marketplace_never_gave_us_are_delivered_locally(
    wb_fake, wb_account_apps, shops, tasks_inline, django_capture_on_commit_callbacks
):
    """Demo data or a question typed in by hand has no address on Wildberries: nothing goes there."""
    from chats.services import conversation_create
    from questions.services import question_create

    shop = wb_account_apps.shop
    seller = shops.users[Role.SELLER]
    with django_capture_on_commit_callbacks(execute=True):
        question = question_create(shop=shop, text="Есть ли доставка в Казань?")
    with django_capture_on_commit_callbacks(execute=True):
        question_answer(
            question=question,
            text="Да, доставляем по всей России.",
            user=seller,
            warnings_confirmed=True,
        )
    conversation = conversation_create(shop=shop, buyer_name="Пётр")
    with django_capture_on_commit_callbacks(execute=True):
        reply = chat_message_send(
            conversation=conversation, author=seller, text="Здравствуйте!", warnings_confirmed=True
        )
    question.refresh_from_db()
    reply.refresh_from_db()
    assert question.delivery_status == QuestionDelivery.SENT
    assert reply.delivery_status == DeliveryStatus.SENT and reply.external_id.startswith("local-")
    assert wb_fake.writes == []
