"""300 replies across chats, questions and reviews; the worker is SIGKILLed twice mid-run.

A real worker (prefork, two processes) and a real beat run as separate processes against
the test database and the Wildberries fake. The worker's process group is killed without
warning twice while replies are on their way, and started again. Every reply reaches the fake
exactly once: an item the dead worker left "sending" is reclaimed when its lease runs out
(the beat sweep re-enqueues it) and read back before it is sent again; items whose task
message died with the worker are re-enqueued by the same sweep.
"""

from __future__ import annotations

import signal
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection

from chats.models import Conversation
from chats.services import chat_message_send
from questions.models import Question
from questions.services import question_answer
from reviews.models import Review
from reviews.services import review_answer
from sellerdesk.celery import app
from sellerdesk.core.models import Role
from sellerdesk.marketplaces import services
from sellerdesk.marketplaces.models import OutboundItem, OutboundKind, OutboundState
from tests.marketplaces.resilience import (
    ANSWER,
    CHAT_REPLY,
    REVIEW_REPLY,
    celery_process,
    stop,
    wait_for,
)

pytestmark = [pytest.mark.worker, pytest.mark.isolated, pytest.mark.django_db(transaction=True)]

PER_CHANNEL = 100
CHATS = 20
LEASE_SECONDS = 20
SWEEP_SECONDS = 1


def test_300_replies_survive_two_sigkills_each_delivered_exactly_once(
    wb_fake, wb_account_apps, shops, tmp_path
):
    shop = wb_account_apps.shop
    for n in range(PER_CHANNEL):
        wb_fake.add_question(f"Вопрос номер {n}: подходит ли кофемолка для эспрессо?")
        wb_fake.add_feedback(f"Отзыв номер {n}: отличная кофемолка", rating=5)
    for n in range(CHATS):
        wb_fake.add_buyer_message(wb_fake.add_chat(f"Покупатель {n}"), "Здравствуйте! Где заказ?")
    services.account_sync(account_id=wb_account_apps.pk)
    questions = list(Question.objects.for_shop(shop))
    reviews = list(Review.objects.for_shop(shop))
    conversations = list(Conversation.objects.for_shop(shop))
    assert (len(questions), len(reviews), len(conversations)) == (PER_CHANNEL, PER_CHANNEL, CHATS)

    env = {
        "DJANGO_SETTINGS_MODULE": "sellerdesk.settings.test",
        "TEST_DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "TEST_REDIS_URL": settings.REDIS_URL,
        "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS),
        "OUTBOX_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "OUTBOX_BACKOFF_BASE_SECONDS": "1",
        "WB_HTTP_TIMEOUT": "5",
    }
    log = tmp_path / "celery.log"
    app.control.purge()
    beat = celery_process(
        "beat", env, log=log, extra=("--schedule", str(tmp_path / "beat-schedule"))
    )
    worker = celery_process("worker", env, log=log, extra=("--pool=prefork", "--concurrency=2"))
    seller = shops.users[Role.SELLER]
    try:
        for question, review in zip(questions, reviews, strict=True):
            question_answer(question=question, text=ANSWER, user=seller, warnings_confirmed=True)
            review_answer(review=review, text=REVIEW_REPLY, user=seller, warnings_confirmed=True)
        for n in range(PER_CHANNEL):
            chat_message_send(
                conversation=conversations[n % CHATS],
                author=seller,
                text=f"{CHAT_REPLY} №{n}",
                warnings_confirmed=True,
            )
        items = OutboundItem.objects.for_shop(shop)
        assert items.count() == 3 * PER_CHANNEL

        def sent() -> int:
            return items.filter(state=OutboundState.SENT).count()

        def mid_call(at_least: int):
            return lambda: sent() >= at_least and items.filter(state=OutboundState.SENDING).exists()

        for threshold in (PER_CHANNEL, 2 * PER_CHANNEL):
            assert wait_for(mid_call(threshold), 600), log.read_text()[-3000:]
            stop(worker, signal.SIGKILL)  # no goodbye: an OOM kill or a pulled plug
            assert sent() < 3 * PER_CHANNEL, "the kill came too late to interrupt anything"
            worker = celery_process(
                "worker", env, log=log, extra=("--pool=prefork", "--concurrency=2")
            )

        assert wait_for(lambda: sent() == 3 * PER_CHANNEL, 600), Counter(
            items.values_list("state", flat=True)
        )
    finally:
        stop(worker)
        stop(beat)

    # The sweep reclaimed what the kills interrupted: some replies needed a second attempt.
    assert items.filter(attempts__gt=1).exists()
    writes = Counter(
        (w["kind"], w["target"])
        for w in wb_fake.writes
        if w["kind"] in ("question_answer", "feedback_answer")
    )
    assert sum(writes.values()) == 2 * PER_CHANNEL
    assert all(count == 1 for count in writes.values()), [k for k, c in writes.items() if c > 1]
    answered = {target for kind, target in writes if kind == "question_answer"}
    assert answered == {q.external_id for q in questions}
    assert {t for k, t in writes if k == "feedback_answer"} == {r.external_id for r in reviews}
    texts = Counter(e["message"]["text"] for e in wb_fake.seller_messages())
    assert len(texts) == PER_CHANNEL and set(texts.values()) == {1}
    assert (
        items.filter(kind=OutboundKind.CHAT_MESSAGE, state=OutboundState.SENT).count()
        == PER_CHANNEL
    )
