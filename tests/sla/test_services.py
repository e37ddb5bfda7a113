"""The SLA clock as chats and questions drive it through the hooks."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from sellerdesk.notifications.services import notify
from sellerdesk.sla import services
from sellerdesk.sla.hooks import waiting_started, waiting_stopped
from sellerdesk.sla.models import ClockState, EventKind, Reminder, SlaClock, SlaEvent
from sellerdesk.sla.selectors import due_at_map

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # Tuesday, 13:00 in Moscow


def kinds(item_id, channel="chat"):
    return list(
        SlaEvent.objects.filter(channel=channel, item_id=item_id)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )


def test_buyer_message_starts_clock_with_default_chat_target(shops):
    waiting_started(shop=shops.mine, channel="chat", item_id=1, since=T0)
    clock = SlaClock.objects.get(channel="chat", item_id=1)
    assert clock.sla_due_at == T0 + timedelta(hours=1)
    assert clock.sla_warn_at == T0 + timedelta(minutes=48)
    assert clock.state == ClockState.WAITING
    assert kinds(1) == [EventKind.STARTED]


def test_question_default_target_is_a_day(shops):
    waiting_started(shop=shops.mine, channel="question", item_id=7, since=T0)
    assert SlaClock.objects.get(channel="question", item_id=7).sla_due_at == T0 + timedelta(
        hours=24
    )


def test_second_buyer_message_while_waiting_keeps_the_first_deadline(shops):
    waiting_started(shop=shops.mine, channel="chat", item_id=1, since=T0)
    waiting_started(shop=shops.mine, channel="chat", item_id=1, since=T0 + timedelta(minutes=20))
    clock = SlaClock.objects.get(channel="chat", item_id=1)
    assert clock.period_started_at == T0
    assert kinds(1) == [EventKind.STARTED]


def test_reply_in_time_records_met_with_response_time(shops):
    seller = shops.users["seller"]
    waiting_started(shop=shops.mine, channel="chat", item_id=1, since=T0)
    waiting_stopped(
        shop=shops.mine,
        channel="chat",
        item_id=1,
        at=T0 + timedelta(minutes=25),
        by_user_id=seller.pk,
    )
    clock = SlaClock.objects.get(channel="chat", item_id=1)
    assert clock.state == ClockState.MET
    met = SlaEvent.objects.get(clock=clock, kind=EventKind.MET)
    assert met.duration_seconds == 25 * 60
    assert met.seller == seller


def test_reply_after_due_without_sweep_records_breach_then_late_answer(shops):
    waiting_started(shop=shops.mine, channel="chat", item_id=1, since=T0)
    waiting_stopped(shop=shops.mine, channel="chat", item_id=1, at=T0 + timedelta(hours=2))
    clock = SlaClock.objects.get(channel="chat", item_id=1)
    assert clock.state == ClockState.BREACHED
    assert kinds(1) == [EventKind.STARTED, EventKind.BREACHED, EventKind.ANSWERED_LATE]
    breach = SlaEvent.objects.get(clock=clock, kind=EventKind.BREACHED)
    assert breach.at == clock.sla_due_at


def test_next_buyer_message_after_reply_starts_a_new_period(shops):
    waiting_started(shop=shops.mine, channel="chat", item_id=1, since=T0)
    waiting_stopped(shop=shops.mine, channel="chat", item_id=1, at=T0 + timedelta(minutes=5))
    waiting_started(shop=shops.mine, channel="chat", item_id=1, since=T0 + timedelta(hours=3))
    periods = SlaClock.objects.filter(channel="chat", item_id=1).order_by("period_started_at")
    assert [p.state for p in periods] == [ClockState.MET, ClockState.WAITING]
    assert periods[1].sla_due_at == T0 + timedelta(hours=4)


def test_stop_without_open_period_is_harmless(shops):
    assert services.sla_waiting_stop(shop=shops.mine, channel="question", item_id=99, at=T0) is None


def test_stop_from_another_shop_does_not_close_the_period(shops):
    waiting_started(shop=shops.mine, channel="chat", item_id=1, since=T0)
    waiting_stopped(shop=shops.other, channel="chat", item_id=1, at=T0 + timedelta(minutes=5))
    assert SlaClock.objects.get(channel="chat", item_id=1).answered_at is None


def test_warning_and_breach_are_recorded_once_each_however_often_checked(shops):
    clock = services.sla_waiting_start(shop=shops.mine, channel="chat", item_id=1, since=T0)
    late = T0 + timedelta(minutes=50)
    assert services.sla_mark_warned(clock_id=clock.pk, now=late) is True
    assert services.sla_mark_warned(clock_id=clock.pk, now=late) is False
    assert services.sla_sweep(now=late)["warned"] == 0
    overdue = T0 + timedelta(minutes=61)
    assert services.sla_sweep(now=overdue)["breached"] == 1
    assert services.sla_mark_breached(clock_id=clock.pk, now=overdue) is False
    assert services.sla_sweep(now=overdue + timedelta(minutes=1)) == {
        "breached": 0,
        "warned": 0,
        "armed": 0,
    }
    assert kinds(1) == [EventKind.STARTED, EventKind.WARNED, EventKind.BREACHED]


def test_breach_is_not_recorded_before_the_due_time(shops):
    clock = services.sla_waiting_start(shop=shops.mine, channel="chat", item_id=1, since=T0)
    assert services.sla_mark_breached(clock_id=clock.pk, now=T0 + timedelta(minutes=59)) is False
    assert services.sla_sweep(now=T0 + timedelta(minutes=59))["breached"] == 0


def test_breached_period_stays_breached_when_answered(shops):
    clock = services.sla_waiting_start(shop=shops.mine, channel="chat", item_id=1, since=T0)
    services.sla_sweep(now=T0 + timedelta(hours=2))
    waiting_stopped(shop=shops.mine, channel="chat", item_id=1, at=T0 + timedelta(hours=3))
    clock.refresh_from_db()
    assert clock.state == ClockState.BREACHED
    late = SlaEvent.objects.get(clock=clock, kind=EventKind.ANSWERED_LATE)
    assert late.duration_seconds == 3 * 3600


def test_business_hours_policy_pauses_the_clock_overnight(shops):
    services.sla_policy_update(
        shop=shops.mine, channel="chat", target_minutes=60, warn_percent=50, business_hours=True
    )
    # Tuesday 17:30 Moscow (14:30 UTC); working hours default Mon–Fri 09–18
    since = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)
    clock = services.sla_waiting_start(shop=shops.mine, channel="chat", item_id=1, since=since)
    assert clock.sla_warn_at == datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 18:00 Moscow
    assert clock.sla_due_at == datetime(2026, 11, 25, 6, 30, tzinfo=UTC)  # Wed 09:30 Moscow
    waiting_stopped(
        shop=shops.mine, channel="chat", item_id=1, at=datetime(2026, 11, 25, 6, 10, tzinfo=UTC)
    )
    met = SlaEvent.objects.get(clock=clock, kind=EventKind.MET)
    assert met.duration_seconds == 40 * 60  # 30 min Tuesday + 10 min Wednesday
    assert met.elapsed_seconds == 15 * 3600 + 40 * 60


def test_policy_change_moves_open_deadlines_but_not_closed_ones(shops):
    closed = services.sla_waiting_start(shop=shops.mine, channel="chat", item_id=1, since=T0)
    waiting_stopped(shop=shops.mine, channel="chat", item_id=1, at=T0 + timedelta(minutes=10))
    open_clock = services.sla_waiting_start(shop=shops.mine, channel="chat", item_id=2, since=T0)
    other_shop = services.sla_waiting_start(shop=shops.other, channel="chat", item_id=3, since=T0)
    services.sla_policy_update(
        shop=shops.mine, channel="chat", target_minutes=120, warn_percent=50, business_hours=False
    )
    for clock in (closed, open_clock, other_shop):
        clock.refresh_from_db()
    assert open_clock.sla_due_at == T0 + timedelta(hours=2)
    assert open_clock.sla_warn_at == T0 + timedelta(hours=1)
    assert closed.sla_due_at == T0 + timedelta(hours=1)
    assert other_shop.sla_due_at == T0 + timedelta(hours=1)


def test_holiday_added_moves_business_hours_deadline(shops):
    services.sla_policy_update(
        shop=shops.mine, channel="question", target_minutes=60, warn_percent=80, business_hours=True
    )
    since = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)  # Tue 17:30 Moscow
    clock = services.sla_waiting_start(shop=shops.mine, channel="question", item_id=5, since=since)
    services.sla_holiday_add(shop=shops.mine, day=date(2026, 11, 25), name="Inventory")
    clock.refresh_from_db()
    assert clock.sla_due_at == datetime(2026, 11, 26, 6, 30, tzinfo=UTC)  # Thursday 09:30 Moscow


def test_timer_for_a_moved_deadline_is_dropped(shops):
    clock = services.sla_waiting_start(shop=shops.mine, channel="chat", item_id=1, since=T0)
    old_due = clock.sla_due_at
    services.sla_policy_update(
        shop=shops.mine, channel="chat", target_minutes=180, warn_percent=80, business_hours=False
    )
    result = services.sla_check_clock(
        clock_id=clock.pk, kind="due", target=old_due, now=old_due + timedelta(seconds=1)
    )
    assert result == "stale"
    assert kinds(1) == [EventKind.STARTED]


def test_near_deadlines_get_timers_after_commit_and_far_ones_are_armed_by_the_sweep(
    shops, django_capture_on_commit_callbacks
):
    services.sla_policy_update(
        shop=shops.mine, channel="chat", target_minutes=30, warn_percent=80, business_hours=False
    )
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks() as callbacks:
        services.sla_waiting_start(shop=shops.mine, channel="chat", item_id=1, since=T0)
    assert len(callbacks) == 2  # the warning and the due time

    # A day-long question target is too far for a broker ETA: the sweep arms it when near.
    with time_machine.travel(T0, tick=False), django_capture_on_commit_callbacks() as callbacks:
        services.sla_waiting_start(shop=shops.mine, channel="question", item_id=2, since=T0)
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        result = services.sla_sweep(now=T0 + timedelta(hours=24) - timedelta(seconds=30))
    assert result["armed"] == 1
    # The sweep also breached the chat period (its team is told); one timer was armed.
    timers = [c for c in callbacks if getattr(c, "func", None) is not notify]
    assert len(timers) == 1


def test_due_at_map_returns_open_periods_in_one_query(shops, django_assert_num_queries):
    waiting_started(shop=shops.mine, channel="chat", item_id=1, since=T0)
    waiting_started(shop=shops.mine, channel="chat", item_id=2, since=T0 + timedelta(minutes=30))
    waiting_started(shop=shops.mine, channel="chat", item_id=3, since=T0)
    waiting_stopped(shop=shops.mine, channel="chat", item_id=3, at=T0 + timedelta(minutes=1))
    with django_assert_num_queries(1):
        found = due_at_map("chat", [1, 2, 3, 4])
    assert set(found) == {1, 2}
    assert found[2][0] == T0 + timedelta(minutes=90)
    assert found[1][1] == ClockState.WAITING


def test_reminders_go_out_once_per_check_time_when_chats_wait(shops):
    waiting_started(shop=shops.mine, channel="chat", item_id=1, since=T0)
    nine = datetime(2026, 11, 25, 6, 5, tzinfo=UTC)  # 09:05 Moscow
    created = services.sla_send_reminders(now=nine)
    assert created == len(shops.users)
    assert services.sla_send_reminders(now=nine + timedelta(minutes=5)) == 0
    seller_reminder = Reminder.objects.get(user=shops.users["seller"])
    assert "1" in seller_reminder.text
    # Nobody in the other shop is reminded: nothing waits there.
    assert not Reminder.objects.filter(shop=shops.other).exists()
    # The next check time (13:00) sends a new round.
    assert services.sla_send_reminders(now=datetime(2026, 11, 25, 10, 1, tzinfo=UTC)) == len(
        shops.users
    )


def test_no_reminder_between_check_times(shops):
    waiting_started(shop=shops.mine, channel="chat", item_id=1, since=T0)
    assert (
        services.sla_send_reminders(now=datetime(2026, 11, 25, 8, 0, tzinfo=UTC)) == 0
    )  # 11:00 Moscow


def test_due_soon_ordering_puts_the_nearest_deadline_first(shops):
    from django.db.models import F

    from sellerdesk.core.models import Product
    from sellerdesk.sla.selectors import with_sla_due
    from tests.factories import ProductFactory

    # Any model keyed by the item id will do; products stand in for conversations here.
    relaxed, urgent, idle = (ProductFactory(shop=shops.mine) for _ in range(3))
    waiting_started(shop=shops.mine, channel="chat", item_id=relaxed.pk, since=T0)
    waiting_started(
        shop=shops.mine, channel="chat", item_id=urgent.pk, since=T0 - timedelta(minutes=40)
    )
    ordered = with_sla_due(Product.objects.for_shop(shops.mine), "chat").order_by(
        F("sla_due_at").asc(nulls_last=True), "pk"
    )
    assert list(ordered) == [urgent, relaxed, idle]


def test_a_failing_sla_never_breaks_the_callers_transaction(shops, caplog):
    from sellerdesk.core.models import Shop

    waiting_started(shop=shops.mine, channel="carrier-pigeon", item_id=1, since=T0)
    assert "SLA clock not started" in caplog.text
    # The surrounding transaction is still usable.
    assert Shop.objects.filter(pk=shops.mine.pk).exists()


def test_sweep_under_a_travelling_clock_warns_then_breaches_once(shops):
    with time_machine.travel(T0, tick=False) as traveller:
        waiting_started(shop=shops.mine, channel="chat", item_id=77, since=T0)
        traveller.move_to(T0 + timedelta(minutes=46))
        assert services.sla_sweep() == {"breached": 0, "warned": 0, "armed": 0}
        traveller.move_to(T0 + timedelta(minutes=49))
        assert services.sla_sweep()["warned"] == 1
        traveller.move_to(T0 + timedelta(minutes=59))
        assert services.sla_sweep()["armed"] == 1  # the due time is near: a precise timer is armed
        traveller.move_to(T0 + timedelta(minutes=61))
        assert services.sla_sweep()["breached"] == 1
        traveller.move_to(T0 + timedelta(minutes=62))
        assert services.sla_sweep() == {"breached": 0, "warned": 0, "armed": 0}
    clock = SlaClock.objects.get(channel="chat", item_id=77)
    assert clock.warned_at == T0 + timedelta(minutes=49)
    assert clock.breached_at == T0 + timedelta(minutes=61)
    assert kinds(77) == [EventKind.STARTED, EventKind.WARNED, EventKind.BREACHED]


def test_around_the_clock_target_counts_real_time_across_a_dst_change(shops):
    from zoneinfo import ZoneInfo

    services.sla_policy_update(
        shop=shops.mine,
        channel="question",
        target_minutes=24 * 60,
        warn_percent=80,
        business_hours=False,
    )
    # A caller passing Berlin local time the day before the clocks go back.
    since = datetime(2026, 10, 24, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    clock = services.sla_waiting_start(shop=shops.mine, channel="question", item_id=3, since=since)
    assert clock.sla_due_at == since.astimezone(UTC) + timedelta(hours=24)
    assert clock.sla_due_at.astimezone(ZoneInfo("Europe/Berlin")).hour == 11
