"""Demo data: default policies, a holiday, and two months of answered waiting periods.

The history uses item ids from ``HISTORY_ITEM_BASE`` up, which no real conversation or
question has: those periods are all closed, so the dashboard never links to them.
Items that wait *now* come from the chats and questions demo data through the hooks.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from sellerdesk.core.models import Role, Shop
from sellerdesk.sla import services
from sellerdesk.sla.models import (
    DEFAULT_CHECK_TIMES,
    DEFAULT_TARGET_MINUTES,
    DEFAULT_WARN_PERCENT,
    DEFAULT_WEEKLY_HOURS,
    Channel,
    ClockState,
    EventKind,
    Reminder,
    SlaClock,
    SlaEvent,
)

HISTORY_ITEM_BASE = 900_000_000
HISTORY_DAYS = 60
# (channel, periods per day, median response in minutes)
TRAFFIC = ((Channel.CHAT, (6, 14), 22), (Channel.QUESTION, (2, 6), 300))

HOLIDAYS = {
    "ru": ("Новый год", date(2027, 1, 1)),
    "zh": ("春节", date(2027, 2, 6)),
}
REMINDER_TEXT = {
    "ru": "2 чата ждут ответа.",
    "zh": "有 2 个聊天等待回复。",
    "en": "2 chats are waiting for an answer.",
}


def _response_minutes(rng: random.Random, median: float) -> float:
    # Log-normal: most answers come fast, a tail comes late (that tail is what SLAs catch).
    return max(0.5, rng.lognormvariate(0, 0.9) * median)


def _local_start(rng: random.Random, day: date, tz: ZoneInfo) -> datetime:
    # Buyers write mostly in the daytime and evening.
    hour = rng.choices(
        range(24), weights=[1, 1, 1, 1, 1, 1, 2, 4, 6, 8, 9, 9, 9, 9, 9, 8, 8, 8, 9, 9, 8, 6, 4, 2]
    )[0]
    return datetime(
        day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=tz
    )


def seed(*, shop: Shop, products, members: dict, rng: random.Random) -> None:
    tz = ZoneInfo(shop.time_zone)
    services.sla_settings_update(
        shop=shop,
        policies={
            channel: {
                "target_minutes": DEFAULT_TARGET_MINUTES[Channel(channel)],
                "warn_percent": DEFAULT_WARN_PERCENT,
                "business_hours": False,
            }
            for channel in Channel.values
        },
        weekly_hours=DEFAULT_WEEKLY_HOURS,
        check_times=list(DEFAULT_CHECK_TIMES),
    )
    language = shop.default_language if shop.default_language in HOLIDAYS else "ru"
    holiday_name, holiday_day = HOLIDAYS[language]
    services.sla_holiday_add(shop=shop, day=holiday_day, name=holiday_name)

    answerers = [members[Role.SELLER]] * 4 + [members[Role.MANAGER]] * 2 + [members[Role.ADMIN]]
    now = timezone.now()
    today = now.astimezone(tz).date()
    item_id = HISTORY_ITEM_BASE + shop.pk * 1_000_000
    clocks: list[SlaClock] = []
    plans: list[tuple[SlaClock, datetime, object]] = []
    for days_ago in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=days_ago)
        for channel, (low, high), median in TRAFFIC:
            target = timedelta(minutes=DEFAULT_TARGET_MINUTES[channel])
            for _ in range(rng.randint(low, high)):
                item_id += 1
                since = _local_start(rng, day, tz).astimezone(ZoneInfo("UTC"))
                answered = since + timedelta(minutes=_response_minutes(rng, median))
                if answered >= now:
                    continue
                due = since + target
                warn = since + target * DEFAULT_WARN_PERCENT / 100
                clock = SlaClock(
                    shop=shop,
                    channel=channel,
                    item_id=item_id,
                    period_started_at=since,
                    sla_warn_at=warn,
                    sla_due_at=due,
                    state=ClockState.MET if answered <= due else ClockState.BREACHED,
                    warned_at=warn if answered > warn else None,
                    breached_at=due if answered > due else None,
                    answered_at=answered,
                    answered_by=rng.choice(answerers),
                )
                clocks.append(clock)
                plans.append((clock, answered, clock.answered_by))
    SlaClock.objects.bulk_create(clocks, batch_size=500)

    events: list[SlaEvent] = []
    for clock, answered, seller in plans:

        def event(kind, at, seconds=None, seller=None, clock=clock):
            return SlaEvent(
                shop=shop,
                clock=clock,
                channel=clock.channel,
                item_id=clock.item_id,
                kind=kind,
                at=at,
                duration_seconds=seconds,
                elapsed_seconds=seconds,
                seller=seller,
            )

        events.append(event(EventKind.STARTED, clock.period_started_at))
        if clock.warned_at:
            events.append(
                event(
                    EventKind.WARNED,
                    clock.warned_at,
                    int((clock.warned_at - clock.period_started_at).total_seconds()),
                )
            )
        response = int((answered - clock.period_started_at).total_seconds())
        if clock.state == ClockState.BREACHED:
            events.append(
                event(
                    EventKind.BREACHED,
                    clock.sla_due_at,
                    int((clock.sla_due_at - clock.period_started_at).total_seconds()),
                )
            )
            events.append(event(EventKind.ANSWERED_LATE, answered, response, seller))
        else:
            events.append(event(EventKind.MET, answered, response, seller))
    SlaEvent.objects.bulk_create(events, batch_size=1000)

    Reminder.objects.create(
        user=members[Role.SELLER],
        shop=shop,
        text=REMINDER_TEXT.get(shop.default_language, REMINDER_TEXT["en"]),
        slot=f"{today:%Y-%m-%d} 09:00",
    )
