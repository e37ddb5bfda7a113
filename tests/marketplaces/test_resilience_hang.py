"""A marketplace call that hangs holds no row lock: the shop keeps working, the reply goes out.

A real Celery worker (in this process, Redis broker) claims a question's answer and calls the
Wildberries fake, which hangs until the test releases it. Meanwhile a seller answers, declines,
edits and replies to other items of the same shop through the views, with a lock timeout on
the test's connection so a held lock fails the test instead of waiting; and no database
session holds an open transaction. Released, the call ends without a response (the answer
took effect, the reply was lost): the next attempt reads the question back and records it as
delivered without answering twice.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.urls import reverse

from chats.models import Conversation
from questions.models import Question, QuestionStatus
from questions.services import decline_rule_create, decline_rule_update
from reviews.models import Review
from sellerdesk.celery import app
from sellerdesk.core.models import Role
from sellerdesk.marketplaces import services
from sellerdesk.marketplaces.models import OutboundItem, OutboundState
from tests.conftest import _client_for
from tests.marketplaces.resilience import ANSWER, CHAT_REPLY, DECLINE, REVIEW_REPLY, wait_for
from tests.questions.conftest import rule_fields

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

HANG_SECONDS = 120  # the fake hangs until released; this only bounds a broken test


@pytest.fixture
def worker(settings) -> Iterator[None]:
    settings.WB_HTTP_TIMEOUT = HANG_SECONDS + 30  # the client waits for the fake's verdict
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 0.2
    app.control.purge()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        yield


def open_transactions() -> list[tuple[int, str]]:
    """Other sessions of this database inside a transaction (a row lock needs one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, coalesce(query, '') FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND xact_start IS NOT NULL"
        )
        return cursor.fetchall()


def test_a_hanging_marketplace_call_blocks_nobody_and_the_reply_still_goes_out_once(
    wb_fake, wb_account_apps, shops, worker
):
    shop = wb_account_apps.shop
    remote = [wb_fake.add_question(f"Вопрос {n} про кофемолку?") for n in range(3)]
    feedback = wb_fake.add_feedback("Отличная кофемолка", rating=5)
    chat = wb_fake.add_chat("Ирина")
    wb_fake.add_buyer_message(chat, "Здравствуйте, где мой заказ?")
    services.account_sync(account_id=wb_account_apps.pk)
    first, second, third = (Question.objects.get(external_id=q["id"]) for q in remote)
    review = Review.objects.get(external_id=feedback["id"])
    conversation = Conversation.objects.get(external_id=chat["chatID"])
    rule = decline_rule_create(shop=shop, fields=rule_fields("Поставщики", ["поставщик"]))
    seller = _client_for(shops.users[Role.SELLER])

    hang = threading.Event()
    wb_fake.inject(
        "timeout",
        path="/api/v1/questions",
        method="PATCH",
        apply=True,  # the answer takes effect; its response never comes back
        delay=HANG_SECONDS,
        release=hang,
    )
    try:
        answered = seller.post(
            reverse("questions:answer", args=[first.pk]),
            {"text": ANSWER, "warnings_confirmed": "1"},
        )
        assert answered.status_code == 302
        first.refresh_from_db()
        item = first.outbound

        def hanging() -> bool:
            item.refresh_from_db()
            return item.state == OutboundState.SENDING and (
                ("PATCH", "/api/v1/questions") in wb_fake.requests
            )

        assert wait_for(hanging), "the worker never reached the marketplace"

        # The worker is inside the marketplace call now. A lock it held would make these wait;
        # the lock timeout turns such a wait into an error.
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '5s'")
        assert open_transactions() == []
        with connection.cursor() as cursor:  # the rows of the reply under way are free too
            cursor.execute("BEGIN")
            cursor.execute(
                "SELECT 1 FROM questions_question WHERE id = %s FOR UPDATE NOWAIT", [first.pk]
            )
            cursor.execute(
                "SELECT 1 FROM marketplaces_outbounditem WHERE id = %s FOR UPDATE NOWAIT", [item.pk]
            )
            cursor.execute("ROLLBACK")
        assert (
            seller.post(
                reverse("questions:answer", args=[second.pk]),
                {"text": ANSWER, "warnings_confirmed": "1"},
            ).status_code
            == 302
        )
        assert (
            seller.post(
                reverse("questions:decline", args=[third.pk]),
                {"text": DECLINE, "warnings_confirmed": "1"},
            ).status_code
            == 302
        )
        assert (
            seller.post(
                reverse("reviews:answer", args=[review.pk]),
                {"text": REVIEW_REPLY, "warnings_confirmed": "1"},
            ).status_code
            == 302
        )
        assert (
            seller.post(
                reverse("chats:send", args=[conversation.pk]),
                {"text": CHAT_REPLY, "warnings_confirmed": "1"},
            ).status_code
            == 302
        )
        decline_rule_update(rule=rule, fields=rule_fields("Поставщики", ["поставщик", "закупаете"]))
        # Still hanging: everything above happened while the call was under way.
        item.refresh_from_db()
        assert item.state == OutboundState.SENDING and not hang.is_set()
    finally:
        hang.set()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")

    def all_sent() -> bool:
        return not OutboundItem.objects.for_shop(shop).exclude(state=OutboundState.SENT).exists()

    assert wait_for(all_sent, 90), list(
        OutboundItem.objects.values_list("kind", "state", "last_error")
    )
    item.refresh_from_db()
    assert item.attempts == 2 and item.outcome_unknown is False  # read back, not sent again
    assert [w["text"] for w in wb_fake.writes_for("question_answer", first.external_id)] == [ANSWER]
    assert len(wb_fake.writes_for("question_answer", second.external_id)) == 1
    assert wb_fake.questions[third.external_id]["state"] == "none"
    assert wb_fake.feedbacks[review.external_id]["answer"]["text"] == REVIEW_REPLY
    assert [e["message"]["text"] for e in wb_fake.seller_messages(chat["chatID"])] == [CHAT_REPLY]
    assert Question.objects.get(pk=second.pk).status == QuestionStatus.ANSWERED
