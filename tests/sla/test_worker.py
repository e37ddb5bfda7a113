"""A real Celery worker on Redis fires the SLA timers through the broker's ETA.

The policy is shrunk to a one-minute target with the warning at 95 %, and the buyer's
message is dated 55 seconds ago: the warning falls due about 2 s after the start and
the breach about 5 s after, so real time passes without a fake clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from sellerdesk.celery import app
from sellerdesk.core.models import Role
from sellerdesk.sla import services, tasks
from sellerdesk.sla.hooks import waiting_started, waiting_stopped
from sellerdesk.sla.models import ClockState, EventKind, SlaClock, SlaEvent

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker() -> Iterator[None]:
    assert tasks.sla_check_clock.name in app.tasks
    app.control.purge()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        yield


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def kinds(clock: SlaClock) -> list[str]:
    return list(
        SlaEvent.objects.filter(clock=clock).order_by("at", "pk").values_list("kind", flat=True)
    )


def one_minute_policy(shop) -> None:
    services.sla_policy_update(
        shop=shop, channel="chat", target_minutes=1, warn_percent=95, business_hours=False
    )


def test_worker_records_the_warning_then_the_breach_once_each(shops, worker):
    one_minute_policy(shops.mine)
    waiting_started(
        shop=shops.mine, channel="chat", item_id=501, since=timezone.now() - timedelta(seconds=55)
    )
    clock = SlaClock.objects.get(channel="chat", item_id=501)

    # No beat runs here: only the ETA timers armed at the start can record these.
    assert wait_for(lambda: SlaEvent.objects.filter(clock=clock, kind=EventKind.BREACHED).exists())
    # The beat's sweep and a duplicate timer arriving afterwards change nothing.
    tasks.sla_sweep.delay()
    tasks.sla_check_clock.delay(clock.pk, "due", clock.sla_due_at.isoformat())
    tasks.sla_check_clock.delay(clock.pk, "warn", clock.sla_warn_at.isoformat())
    time.sleep(3)  # let the worker run them

    clock.refresh_from_db()
    assert kinds(clock) == [EventKind.STARTED, EventKind.WARNED, EventKind.BREACHED]
    assert clock.state == ClockState.BREACHED
    assert clock.sla_warn_at <= clock.warned_at < clock.breached_at
    assert clock.breached_at >= clock.sla_due_at


def test_reply_before_the_due_time_is_met_and_the_timers_find_nothing_to_do(shops, worker):
    one_minute_policy(shops.mine)
    seller = shops.users[Role.SELLER]
    since = timezone.now() - timedelta(seconds=55)
    waiting_started(shop=shops.mine, channel="chat", item_id=502, since=since)
    waiting_stopped(
        shop=shops.mine, channel="chat", item_id=502, at=timezone.now(), by_user_id=seller.pk
    )
    clock = SlaClock.objects.get(channel="chat", item_id=502)

    # Let both armed timers come due and run.
    wait_for(lambda: timezone.now() > clock.sla_due_at + timedelta(seconds=3), seconds=15)
    clock.refresh_from_db()
    assert clock.state == ClockState.MET
    assert kinds(clock) == [EventKind.STARTED, EventKind.MET]
    met = SlaEvent.objects.get(clock=clock, kind=EventKind.MET)
    assert met.seller == seller
    assert 55 <= met.duration_seconds < 60
