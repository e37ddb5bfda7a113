"""Real Celery workers (separate processes) sync from the fake; one is killed mid-sync."""

from __future__ import annotations

import signal

import pytest

from chats.models import Message
from questions.models import Question
from sellerdesk.celery import app
from sellerdesk.marketplaces import tasks
from sellerdesk.marketplaces.models import InboundRecord
from tests.workers import start_worker_process, stop, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_killed_mid_sync_and_restarted_imports_everything_once(wb_fake, wb_account_apps):
    wb_fake.events_page_size = (
        2  # many small pages: the chat limit (1/s after a burst) stretches the sync
    )
    wb_fake.populate(questions=6, feedbacks=2, chats=15, messages_per_chat=2)  # 30 events, 15 pages
    buyer_events = len(wb_fake.events)
    app.control.purge()

    first = start_worker_process()
    try:
        tasks.account_sync.delay(wb_account_apps.pk)

        def some_chat_events() -> bool:
            return InboundRecord.objects.filter(stream="chat_event").count() >= 10

        assert wait_for(some_chat_events), "the first worker never got going"
    finally:
        stop(first, signal.SIGKILL)  # no cleanup, no goodbye: as an OOM kill or a pulled plug
    imported_before = InboundRecord.objects.filter(stream="chat_event").count()
    assert imported_before < buyer_events, "the kill came too late to interrupt the sync"

    second = start_worker_process()
    try:
        tasks.account_sync.delay(wb_account_apps.pk)  # the next beat tick
        assert wait_for(lambda: Message.objects.count() == buyer_events)
        tasks.account_sync.delay(wb_account_apps.pk)  # and one more, overlapping everything
        marker = wb_fake.add_question("Последний вопрос для проверки")
        tasks.account_sync.delay(wb_account_apps.pk)
        assert wait_for(lambda: Question.objects.filter(external_id=marker["id"]).exists())
    finally:
        stop(second, signal.SIGTERM)

    assert Message.objects.count() == buyer_events
    assert sorted(Message.objects.values_list("external_id", flat=True)) == sorted(
        e["eventID"] for e in wb_fake.events
    )
    assert Question.objects.count() == 7
    assert InboundRecord.objects.filter(stream="feedback").count() == 2


def test_outbox_task_retries_a_server_error_and_delivers_once(wb_fake, wb_account_apps, settings):
    """Enqueue through the service (task on commit), a 500 on the first try, a worker does the rest."""
    from celery.contrib.testing.worker import start_worker

    from sellerdesk.marketplaces import services
    from sellerdesk.marketplaces.models import OutboundItem, OutboundKind, OutboundState

    settings.OUTBOX_BACKOFF_BASE_SECONDS = 0.5  # the worker runs in this process
    question = wb_fake.add_question("Можно ли мыть в посудомойке?")
    wb_fake.inject("500", path="/api/v1/questions", method="PATCH", apply=True)
    app.control.purge()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        item = services.outbox_enqueue(
            shop=wb_account_apps.shop,
            kind=OutboundKind.QUESTION_ANSWER,
            target_ref=question["id"],
            payload={"text": "Да, можно."},
            idempotency_key="worker-outbox-1",
        )
        assert wait_for(
            lambda: OutboundItem.objects.get(pk=item.pk).state == OutboundState.SENT, 30
        )
    item.refresh_from_db()
    assert item.attempts == 2
    assert [w["text"] for w in wb_fake.writes_for("question_answer")] == ["Да, можно."]
