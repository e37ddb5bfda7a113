"""Real Celery workers (separate processes) send scheduled autopilot replies."""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from autopilot import services, tasks
from autopilot.models import AutoReply, SendDay, State
from reviews.models import Review
from sellerdesk.celery import app
from sellerdesk.core.models import Role
from tests.autopilot.conftest import arrive
from tests.workers import start_worker_process, stop, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def state(auto: AutoReply) -> str:
    return AutoReply.objects.get(pk=auto.pk).state


def delivered(review_id: int) -> bool:
    """The reply went through the marketplaces outbox and the marketplace has it."""
    review = Review.objects.select_related("outbound").get(pk=review_id)
    return review.outbound is not None and review.outbound.state == "sent"


def test_a_worker_sends_after_the_delay_and_never_a_cancelled_one(shop, shops, kettle):
    app.control.purge()
    services.autopilot_settings_update(shop=shop, fields={"delay_minutes": 1}, user=None)
    with transaction.atomic():
        kept = arrive(shop, 5, "Отличный чайник", product=kettle, buyer="Анна")
        dropped = arrive(shop, 5, "Хороший чайник", product=kettle, buyer="Олег")
    assert (kept.state, dropped.state) == (State.SCHEDULED, State.SCHEDULED)
    services.auto_reply_cancel(auto=dropped, user=shops.users[Role.SELLER])
    worker = start_worker_process()
    try:
        assert wait_for(lambda: state(kept) == State.SENT, 150)
        tasks.auto_replies_sweep.delay()
        assert wait_for(lambda: delivered(kept.review_id), 60)
    finally:
        stop(worker)
    sent = AutoReply.objects.get(pk=kept.pk)
    assert sent.sent_at >= sent.scheduled_for
    assert Review.objects.get(pk=kept.review_id).answer_text == sent.text
    assert state(dropped) == State.CANCELLED
    assert Review.objects.get(pk=dropped.review_id).answered_at is None


def test_the_daily_cap_holds_under_two_workers(shop, kettle):
    app.control.purge()
    services.autopilot_settings_update(
        shop=shop, fields={"delay_minutes": 0, "daily_cap": 3}, user=None
    )
    names = ["Анна", "Олег", "Вера", "Игорь", "Мария", "Пётр", "Ольга", "Денис"]
    autos = [arrive(shop, 5, "Чайник супер", product=kettle, buyer=name) for name in names]
    assert all(a.state == State.SCHEDULED for a in autos)
    workers = [start_worker_process(), start_worker_process()]
    try:
        for auto in autos:  # the on-commit ETA tasks, plus a duplicate of each
            tasks.auto_reply_send.delay(auto.pk)
            tasks.auto_reply_send.delay(auto.pk)

        def settled() -> bool:
            now = timezone.now()
            waiting = AutoReply.objects.filter(state=State.SCHEDULED, scheduled_for__lte=now)
            return not waiting.exists()

        assert wait_for(settled, 120)
    finally:
        for worker in workers:
            stop(worker)
    assert AutoReply.objects.filter(state=State.SENT).count() == 3
    assert Review.objects.filter(answered_at__isnull=False).count() == 3
    assert SendDay.objects.get(shop=shop).sent == 3
    tomorrow = AutoReply.objects.filter(state=State.SCHEDULED)
    assert tomorrow.count() == 5
    assert all(a.scheduled_for > timezone.now() + timedelta(minutes=1) for a in tomorrow)


def _worker_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        # Statistics views are a snapshot per transaction: this one is open, so refresh it.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_send_sends_nothing_twice(shop, kettle):
    app.control.purge()
    services.autopilot_settings_update(shop=shop, fields={"delay_minutes": 0}, user=None)
    auto = arrive(shop, 5, "Чайник прекрасный", product=kettle, buyer="Анна")
    first = start_worker_process()
    try:
        # A seller's transaction holds the review row: the worker claims the reply, locks
        # the day's counter, and then waits on the review in the middle of its send.
        with transaction.atomic():
            Review.objects.select_for_update().get(pk=auto.review_id)
            tasks.auto_reply_send.delay(auto.pk)
            assert wait_for(_worker_waits_for_a_lock, 60), "the worker never reached the send"
            stop(first, signal.SIGKILL)
    finally:
        stop(first, signal.SIGKILL)
    assert state(auto) == State.SCHEDULED  # the killed worker committed nothing
    assert Review.objects.get(pk=auto.review_id).answered_at is None
    second = start_worker_process()
    try:
        tasks.auto_replies_sweep.delay()  # beat's backstop for the lost task
        assert wait_for(lambda: state(auto) == State.SENT, 60)
        tasks.auto_replies_sweep.delay()
        tasks.auto_reply_send.delay(auto.pk)
        assert wait_for(lambda: delivered(auto.review_id), 60)
    finally:
        stop(second)
    assert Review.objects.filter(answered_at__isnull=False).count() == 1
    assert SendDay.objects.get(shop=shop).sent == 1
    from sellerdesk.marketplaces.models import OutboundItem

    assert OutboundItem.objects.filter(shop=shop).count() == 1  # one delivery, not two
