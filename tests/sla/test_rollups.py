"""Daily roll-ups: the dashboards read them for finished days and agree with the raw events."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from sellerdesk.core.models import Role, RollupDay
from sellerdesk.core.rollups import rollups_catch_up
from sellerdesk.replycheck.models import DecisionOutcome, QualityDaily
from sellerdesk.replycheck.selectors import QualityFilter, quality_dashboard
from sellerdesk.replycheck.services import DecisionContext, reply_check, reply_decision_record
from sellerdesk.sla.models import (
    DURATION_BUCKETS,
    EventKind,
    SlaClock,
    SlaDaily,
    SlaEvent,
    duration_bucket_of,
)
from sellerdesk.sla.selectors import (
    DashboardFilter,
    bucket_percentile,
    dashboard_breach_chart,
    dashboard_figures,
    dashboard_per_seller,
    dashboard_summary,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def _history(shop, sellers, *, days=20, per_day=12, seed=3):
    """Answered and breached periods spread over past days, at awkward local hours."""
    rng = random.Random(seed)
    item = 0
    for day in range(days):
        for _n in range(per_day):
            item += 1
            started = NOW - timedelta(days=day, minutes=rng.randint(0, 23 * 60))
            minutes = rng.choice([0.5, 3, 7, 12, 19.5, 33, 58, 75, 200, 1500, 4000])
            answered = started + timedelta(minutes=minutes)
            breached = minutes > 60
            clock = SlaClock.objects.create(
                shop=shop,
                channel=rng.choice(["chat", "question", "review"]),
                item_id=item,
                period_started_at=started,
                sla_warn_at=started + timedelta(minutes=48),
                sla_due_at=started + timedelta(minutes=60),
                state="breached" if breached else "met",
                answered_at=answered,
            )
            seller = rng.choice(sellers)
            if breached:
                SlaEvent.objects.create(
                    shop=shop, clock=clock, channel=clock.channel, item_id=item,
                    kind=EventKind.BREACHED, at=clock.sla_due_at, duration_seconds=3600,
                )  # fmt: skip
            SlaEvent.objects.create(
                shop=shop, clock=clock, channel=clock.channel, item_id=item,
                kind=EventKind.ANSWERED_LATE if breached else EventKind.MET, at=answered,
                duration_seconds=int(minutes * 60), seller=seller,
            )  # fmt: skip


def _everything(flt, *, use_rollups):
    figures = dashboard_figures(flt, use_rollups=use_rollups)
    return (
        dashboard_summary(figures),
        [(b.day, b.count) for b in dashboard_breach_chart(flt, figures).bars],
        dashboard_per_seller(figures),
    )


def test_sla_dashboard_from_rollups_is_identical_to_raw_events(shops):
    shops.other.time_zone = "Asia/Shanghai"
    shops.other.save()
    sellers = [shops.users[Role.SELLER], shops.users[Role.MANAGER]]
    _history(shops.mine, sellers)
    _history(shops.other, [shops.other_users[Role.SELLER]], seed=5)
    with time_machine.travel(NOW, tick=False):
        assert rollups_catch_up(days_back=25) > 0
        built = RollupDay.objects.filter(kind="sla").count()
        assert built == 2 * 25
        assert SlaDaily.objects.exists()
        for channel in ("", "chat"):
            flt = DashboardFilter(
                shops=(shops.mine, shops.other),
                start=(NOW - timedelta(days=21)).date(),
                end=NOW.date(),
                channel=channel,
                tz=ZoneInfo("Europe/Moscow"),
            )
            assert _everything(flt, use_rollups=True) == _everything(flt, use_rollups=False)
        # Built again: the same rows, nothing doubled.
        before = list(SlaDaily.objects.order_by("shop", "day", "channel", "seller").values())
        call_command(
            "rollup_rebuild", "--from", "2026-11-20", "--to", "2026-12-01", "--kind", "sla"
        )
        after = list(SlaDaily.objects.order_by("shop", "day", "channel", "seller").values())
        strip = [{k: v for k, v in row.items() if k != "id"} for row in before]
        assert strip == [{k: v for k, v in row.items() if k != "id"} for row in after]


def test_catch_up_builds_only_finished_days(shops):
    with time_machine.travel(NOW, tick=False):
        rollups_catch_up(days_back=2)
    today = NOW.astimezone(ZoneInfo(shops.mine.time_zone)).date()
    days = set(RollupDay.objects.filter(shop=shops.mine).values_list("day", flat=True))
    assert today not in days and today - timedelta(days=1) in days


def test_percentile_within_half_a_bucket_of_the_exact_value():
    values = [60 * m for m in (3, 4, 5, 10, 11, 12, 13, 30, 31, 90)]
    buckets = [0] * DURATION_BUCKETS
    for value in values:
        buckets[duration_bucket_of(value)] += 1
    assert abs(bucket_percentile(buckets, 0.5) - 11.5 * 60) <= 30


def test_quality_dashboard_from_rollups_is_identical_to_raw(shops):
    seller = shops.users[Role.SELLER]
    report = reply_check(shop=shops.mine, text="Позвоните: +7 916 123-45-67", channel="chat")
    rng = random.Random(1)
    for n in range(120):
        at = NOW - timedelta(days=rng.randint(0, 15), minutes=rng.randint(0, 1400))
        reply_decision_record(
            context=DecisionContext(
                shop_id=shops.mine.pk,
                user_id=rng.choice([seller.pk, None]),
                channel=rng.choice(["chat", "review_reply"]),
                item_id=n,
            ),
            report=report,
            outcome=rng.choice(list(DecisionOutcome)),
            at=at,
        )
    with time_machine.travel(NOW, tick=False):
        rollups_catch_up(days_back=20)
        assert QualityDaily.objects.exists()
        for channel in ("", "chat"):
            flt = QualityFilter(
                shops=(shops.mine,),
                start=(NOW - timedelta(days=16)).date(),
                end=NOW.date(),
                channel=channel,
            )
            rolled = quality_dashboard(flt, use_rollups=True)
            raw = quality_dashboard(flt, use_rollups=False)
            assert rolled == raw
            assert rolled.total.checked > 0
