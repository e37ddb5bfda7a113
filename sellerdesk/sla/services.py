"""SLA writes: start and stop waiting periods, warn and breach them, edit policies.

Deadlines are computed once when a period starts and recomputed when a policy or the
shop's calendar changes; the Celery timers only *check* them, so a lost, duplicated or
early timer can never record a second warning or breach (the state check under
``select_for_update`` and the unique (clock, kind) constraint on events both refuse it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import ngettext

from sellerdesk.core.models import Membership, Shop
from sellerdesk.core.rollups import day_bounds
from sellerdesk.notifications.models import EventKind as NotifyEvent
from sellerdesk.notifications.services import notify_on_commit
from sellerdesk.sla.business_hours import (
    WeeklySchedule,
    add_business_time,
    business_time_between,
    parse_time,
)
from sellerdesk.sla.links import item_url
from sellerdesk.sla.models import (
    DEFAULT_CHECK_TIMES,
    DEFAULT_TARGET_MINUTES,
    DEFAULT_WARN_PERCENT,
    DEFAULT_WEEKLY_HOURS,
    NO_BUCKET,
    Channel,
    ClockState,
    EventKind,
    Holiday,
    Reminder,
    SlaCalendar,
    SlaClock,
    SlaDaily,
    SlaEvent,
    SlaPolicy,
    duration_bucket_expression,
    duration_bucket_field,
)

logger = logging.getLogger(__name__)

# Timers further out than this are armed later by the sweep: Redis re-delivers unacked
# ETA messages after its visibility timeout (1 h), so long ETAs would multiply.
ETA_HORIZON = timedelta(minutes=45)
# The sweep arms timers for deadlines this close, so they fire on time, not a minute late.
SWEEP_LOOKAHEAD = timedelta(seconds=90)
SWEEP_BATCH = 500
# A reminder check time counts as "now" for this long after it passed (worker downtime).
REMINDER_GRACE = timedelta(minutes=60)

WARN = "warn"
DUE = "due"


# --- Deadline arithmetic ----------------------------------------------------------------------


@dataclass(frozen=True)
class Clockwork:
    """How one shop's channel counts time: the policy plus the calendar."""

    target: timedelta
    warn_after: timedelta
    business_hours: bool
    schedule: WeeklySchedule
    holidays: frozenset[date]
    tz: ZoneInfo

    # Python adds and subtracts aware datetimes that share a tzinfo in wall-clock time,
    # so everything is taken to UTC first: a DST change must not stretch a deadline.

    def add(self, start: datetime, duration: timedelta) -> datetime:
        start = start.astimezone(UTC)
        if not self.business_hours:
            return start + duration
        return add_business_time(start, duration, self.schedule, self.holidays, self.tz)

    def between(self, a: datetime, b: datetime) -> timedelta:
        a, b = a.astimezone(UTC), b.astimezone(UTC)
        if not self.business_hours:
            return max(b - a, timedelta(0))
        return business_time_between(a, b, self.schedule, self.holidays, self.tz)

    def deadlines(self, since: datetime) -> tuple[datetime, datetime]:
        """(warn_at, due_at) for a period that started at ``since``."""
        return self.add(since, self.warn_after), self.add(since, self.target)


def policy_get(*, shop: Shop, channel: str) -> SlaPolicy:
    """The stored policy, or an unsaved one with the defaults."""
    policy = SlaPolicy.objects.for_shop(shop).filter(channel=channel).first()
    if policy is None:
        policy = SlaPolicy(
            shop=shop,
            channel=channel,
            target_minutes=DEFAULT_TARGET_MINUTES[Channel(channel)],
            warn_percent=DEFAULT_WARN_PERCENT,
        )
    return policy


def calendar_get(*, shop: Shop) -> SlaCalendar:
    calendar = SlaCalendar.objects.for_shop(shop).first()
    if calendar is None:
        calendar = SlaCalendar(
            shop=shop, weekly_hours=DEFAULT_WEEKLY_HOURS, check_times=list(DEFAULT_CHECK_TIMES)
        )
    return calendar


def clockwork_for(*, shop: Shop, channel: str) -> Clockwork:
    policy = policy_get(shop=shop, channel=channel)
    calendar = calendar_get(shop=shop)
    holidays: frozenset[date] = frozenset()
    if policy.business_hours:
        holidays = frozenset(Holiday.objects.for_shop(shop).values_list("date", flat=True))
    return Clockwork(
        target=policy.target,
        warn_after=policy.warn_after,
        business_hours=policy.business_hours,
        schedule=calendar.schedule,
        holidays=holidays,
        tz=ZoneInfo(shop.time_zone),
    )


def _seconds(span: timedelta) -> int:
    return max(int(span.total_seconds()), 0)


# --- Timers -----------------------------------------------------------------------------------


def _arm_timers(clocks: list[SlaClock], *, now: datetime, horizon: timedelta = ETA_HORIZON) -> None:
    """Queue ETA checks (after commit) for the deadlines of ``clocks`` within ``horizon``."""
    from sellerdesk.sla.tasks import sla_check_clock

    for clock in clocks:
        for kind, target in ((WARN, clock.sla_warn_at), (DUE, clock.sla_due_at)):
            if kind == WARN and clock.warned_at is not None:
                continue
            if target - now <= horizon:
                transaction.on_commit(
                    partial(
                        sla_check_clock.apply_async,
                        args=[clock.pk, kind, target.isoformat()],
                        eta=max(target, now),
                    )
                )


# --- Waiting periods --------------------------------------------------------------------------


def _open_clock_for_update(*, channel: str, item_id: int) -> SlaClock | None:
    return (
        SlaClock.objects.select_for_update()
        .filter(channel=channel, item_id=item_id, answered_at__isnull=True)
        .first()
    )


def _record(
    clock: SlaClock,
    *,
    kind: EventKind,
    at: datetime,
    duration: timedelta | None = None,
    elapsed: timedelta | None = None,
    seller_id: int | None = None,
) -> bool:
    """Append an event; False if this period already has one of that kind."""
    try:
        with transaction.atomic():
            SlaEvent.objects.create(
                shop_id=clock.shop_id,
                clock=clock,
                channel=clock.channel,
                item_id=clock.item_id,
                kind=kind,
                at=at,
                duration_seconds=None if duration is None else _seconds(duration),
                elapsed_seconds=None if elapsed is None else _seconds(elapsed),
                seller_id=seller_id,
            )
    except IntegrityError:
        return False
    if kind in _NOTIFIED:
        notify_on_commit(
            shop=clock.shop,
            kind=_NOTIFIED[kind],
            key=f"sla:{clock.pk}:{kind}",
            params={"channel": clock.channel, "item_id": clock.item_id},
            url=item_url(clock.channel, clock.item_id) or "",
        )
    return True


# SLA events that reach people outside the dashboard (the members who can answer).
_NOTIFIED = {EventKind.WARNED: NotifyEvent.SLA_WARNING, EventKind.BREACHED: NotifyEvent.SLA_BREACH}


@transaction.atomic
def sla_waiting_start(*, shop: Shop, channel: str, item_id: int, since: datetime) -> SlaClock:
    """A buyer now waits on this item; nothing changes if a period is already open."""
    channel = Channel(channel).value
    existing = _open_clock_for_update(channel=channel, item_id=item_id)
    if existing is not None:
        return existing
    warn_at, due_at = clockwork_for(shop=shop, channel=channel).deadlines(since)
    clock = SlaClock(
        shop=shop,
        channel=channel,
        item_id=item_id,
        period_started_at=since,
        sla_warn_at=warn_at,
        sla_due_at=due_at,
    )
    clock.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            clock.save()
    except IntegrityError:
        # Another transaction opened the period first: theirs stands.
        existing = _open_clock_for_update(channel=channel, item_id=item_id)
        if existing is None:
            raise
        return existing
    _record(clock, kind=EventKind.STARTED, at=since)
    _arm_timers([clock], now=timezone.now())
    return clock


@transaction.atomic
def sla_waiting_stop(
    *, shop: Shop, channel: str, item_id: int, at: datetime, by_user_id: int | None = None
) -> SlaClock | None:
    """The seller answered (or the item was declined): close the open period, if any."""
    channel = Channel(channel).value
    clock = _open_clock_for_update(channel=channel, item_id=item_id)
    if clock is None or clock.shop_id != shop.pk:
        return None
    at = max(at, clock.period_started_at)
    clockwork = clockwork_for(shop=shop, channel=channel)
    if clock.state == ClockState.WAITING and at > clock.sla_due_at:
        # The answer came after the deadline but before any timer noticed.
        _breach(clock, clockwork=clockwork, now=at)
    response = clockwork.between(clock.period_started_at, at)
    elapsed = at - clock.period_started_at
    if clock.state == ClockState.WAITING:
        clock.state = ClockState.MET
        _record(
            clock,
            kind=EventKind.MET,
            at=at,
            duration=response,
            elapsed=elapsed,
            seller_id=by_user_id,
        )
    else:
        _record(
            clock,
            kind=EventKind.ANSWERED_LATE,
            at=at,
            duration=response,
            elapsed=elapsed,
            seller_id=by_user_id,
        )
    clock.answered_at = at
    clock.answered_by_id = by_user_id
    clock.save(update_fields=["state", "answered_at", "answered_by", "breached_at"])
    return clock


def _breach(clock: SlaClock, *, clockwork: Clockwork, now: datetime) -> None:
    clock.state = ClockState.BREACHED
    clock.breached_at = now
    _record(
        clock,
        kind=EventKind.BREACHED,
        at=clock.sla_due_at,
        duration=clockwork.between(clock.period_started_at, clock.sla_due_at),
        elapsed=clock.sla_due_at - clock.period_started_at,
    )


@transaction.atomic
def sla_mark_warned(*, clock_id: int, now: datetime | None = None) -> bool:
    """Record the warning if it is due and not yet recorded; True if this call recorded it."""
    now = now or timezone.now()
    clock = SlaClock.objects.select_for_update().filter(pk=clock_id).first()
    if clock is None or clock.state != ClockState.WAITING or clock.warned_at is not None:
        return False
    if clock.sla_warn_at > now:
        return False
    clock.warned_at = now
    clock.save(update_fields=["warned_at"])
    clockwork = clockwork_for(shop=clock.shop, channel=clock.channel)
    return _record(
        clock,
        kind=EventKind.WARNED,
        at=now,
        duration=clockwork.between(clock.period_started_at, now),
        elapsed=now - clock.period_started_at,
    )


@transaction.atomic
def sla_mark_breached(*, clock_id: int, now: datetime | None = None) -> bool:
    """Record the breach if the due time passed while still waiting; True if this call did."""
    now = now or timezone.now()
    clock = (
        SlaClock.objects.select_for_update(of=("self",))
        .select_related("shop")
        .filter(pk=clock_id)
        .first()
    )
    if clock is None or clock.state != ClockState.WAITING or clock.sla_due_at > now:
        return False
    _breach(clock, clockwork=clockwork_for(shop=clock.shop, channel=clock.channel), now=now)
    clock.save(update_fields=["state", "breached_at"])
    return True


def sla_check_clock(
    *, clock_id: int, kind: str, target: datetime, now: datetime | None = None
) -> str:
    """What an ETA timer does: mark, re-arm if it fired early, or drop if the deadline moved."""
    from sellerdesk.sla.tasks import sla_check_clock as task

    now = now or timezone.now()
    clock = SlaClock.objects.filter(pk=clock_id).only("sla_warn_at", "sla_due_at", "state").first()
    if clock is None or clock.state != ClockState.WAITING:
        return "closed"
    current = clock.sla_warn_at if kind == WARN else clock.sla_due_at
    if current != target:
        return "stale"  # the policy changed; the recompute armed a fresh timer
    if now < target:
        task.apply_async(args=[clock_id, kind, target.isoformat()], eta=target)
        return "early"
    marked = (
        sla_mark_warned(clock_id=clock_id, now=now)
        if kind == WARN
        else sla_mark_breached(clock_id=clock_id, now=now)
    )
    return "marked" if marked else "noop"


def sla_sweep(*, now: datetime | None = None, batch: int = SWEEP_BATCH) -> dict[str, int]:
    """Backstop for lost timers, run every minute: mark what is overdue, arm what is near."""
    now = now or timezone.now()
    waiting = SlaClock.objects.filter(state=ClockState.WAITING)
    # Warnings first: a clock whose timers were all lost (a broker restart) is past both its
    # warning and its due time, and a breach first would leave it unwarned for good.
    unwarned = list(
        waiting.filter(warned_at__isnull=True, sla_warn_at__lte=now)
        .order_by("sla_warn_at")
        .values_list("pk", flat=True)[:batch]
    )
    warned = sum(sla_mark_warned(clock_id=pk, now=now) for pk in unwarned)
    overdue = list(
        waiting.filter(sla_due_at__lte=now)
        .order_by("sla_due_at")
        .values_list("pk", flat=True)[:batch]
    )
    breached = sum(sla_mark_breached(clock_id=pk, now=now) for pk in overdue)
    soon = now + SWEEP_LOOKAHEAD
    near = list(
        waiting.filter(sla_due_at__gt=now, sla_due_at__lte=soon).union(
            waiting.filter(warned_at__isnull=True, sla_warn_at__gt=now, sla_warn_at__lte=soon)
        )[:batch]
    )
    with transaction.atomic():
        _arm_timers(near, now=now, horizon=SWEEP_LOOKAHEAD)
    return {"breached": breached, "warned": warned, "armed": len(near)}


# --- Policies and calendar --------------------------------------------------------------------


def _recompute_open_clocks(*, shop: Shop, channels: list[str]) -> int:
    """New deadlines for the shop's still-waiting periods; met/breached periods stay as they are."""
    now = timezone.now()
    clocks = list(
        SlaClock.objects.for_shop(shop)
        .select_for_update()
        .filter(channel__in=channels, state=ClockState.WAITING, answered_at__isnull=True)
    )
    works = {channel: clockwork_for(shop=shop, channel=channel) for channel in channels}
    for clock in clocks:
        clock.sla_warn_at, clock.sla_due_at = works[clock.channel].deadlines(
            clock.period_started_at
        )
    SlaClock.objects.bulk_update(clocks, ["sla_warn_at", "sla_due_at"], batch_size=500)
    _arm_timers(clocks, now=now)
    return len(clocks)


@transaction.atomic
def sla_policy_update(
    *, shop: Shop, channel: str, target_minutes: int, warn_percent: int, business_hours: bool
) -> SlaPolicy:
    """Save the shop's policy for a channel and move the open deadlines accordingly."""
    policy = policy_get(shop=shop, channel=channel)
    policy.target_minutes = target_minutes
    policy.warn_percent = warn_percent
    policy.business_hours = business_hours
    policy.full_clean()
    policy.save()
    _recompute_open_clocks(shop=shop, channels=[policy.channel])
    return policy


@transaction.atomic
def sla_calendar_update(*, shop: Shop, weekly_hours: dict, check_times: list[str]) -> SlaCalendar:
    calendar = calendar_get(shop=shop)
    calendar.weekly_hours = weekly_hours
    calendar.check_times = check_times
    calendar.full_clean()
    calendar.save()
    _recompute_open_clocks(shop=shop, channels=list(Channel.values))
    return calendar


@transaction.atomic
def sla_settings_update(
    *, shop: Shop, policies: dict[str, dict], weekly_hours: dict, check_times: list[str]
) -> None:
    """The settings page in one go: calendar and every channel's policy, one recompute."""
    calendar = calendar_get(shop=shop)
    calendar.weekly_hours = weekly_hours
    calendar.check_times = check_times
    calendar.full_clean()
    calendar.save()
    for channel, values in policies.items():
        policy = policy_get(shop=shop, channel=channel)
        policy.target_minutes = values["target_minutes"]
        policy.warn_percent = values["warn_percent"]
        policy.business_hours = values["business_hours"]
        policy.full_clean()
        policy.save()
    _recompute_open_clocks(shop=shop, channels=list(Channel.values))


@transaction.atomic
def sla_holiday_add(*, shop: Shop, day: date, name: str = "") -> Holiday:
    holiday = Holiday(shop=shop, date=day, name=name.strip())
    holiday.full_clean()
    holiday.save()
    _recompute_open_clocks(shop=shop, channels=list(Channel.values))
    return holiday


@transaction.atomic
def sla_holiday_delete(*, holiday: Holiday) -> None:
    shop = holiday.shop
    holiday.delete()
    _recompute_open_clocks(shop=shop, channels=list(Channel.values))


# --- Reminders --------------------------------------------------------------------------------


def _current_slot(*, check_times: list[str], local_now: datetime) -> str | None:
    """The latest check time of today that passed within the grace period, as a slot key."""
    passed = []
    for value in check_times:
        moment = datetime.combine(local_now.date(), parse_time(value), tzinfo=local_now.tzinfo)
        if moment <= local_now < moment + REMINDER_GRACE:
            passed.append(moment)
    if not passed:
        return None
    return f"{max(passed):%Y-%m-%d %H:%M}"


@transaction.atomic
def sla_send_reminders(*, now: datetime | None = None) -> int:
    """At each shop's check times, remind its members of chats still waiting; once per slot."""
    now = now or timezone.now()
    waiting_chats: dict[int, int] = dict(
        SlaClock.objects.filter(channel=Channel.CHAT, answered_at__isnull=True)
        .values("shop_id")
        .annotate(count=Count("pk"))
        .values_list("shop_id", "count")
    )
    created = 0
    for shop in Shop.objects.filter(pk__in=waiting_chats):
        calendar = calendar_get(shop=shop)
        slot = _current_slot(
            check_times=calendar.check_times or list(DEFAULT_CHECK_TIMES),
            local_now=now.astimezone(ZoneInfo(shop.time_zone)),
        )
        if slot is None:
            continue
        count = waiting_chats[shop.pk]
        with translation.override(
            shop.default_language if shop.default_language != "zh" else "zh-hans"
        ):
            text = ngettext(
                "%(count)d chat is waiting for an answer.",
                "%(count)d chats are waiting for an answer.",
                count,
            ) % {"count": count}
        user_ids = Membership.objects.for_shop(shop).values_list("user_id", flat=True)
        reminders = [
            Reminder(user_id=user_id, shop=shop, text=text, slot=slot) for user_id in user_ids
        ]
        before = Reminder.objects.for_shop(shop).filter(slot=slot).count()
        Reminder.objects.bulk_create(reminders, ignore_conflicts=True)
        created += Reminder.objects.for_shop(shop).filter(slot=slot).count() - before
    return created


@transaction.atomic
def reminder_mark_read(*, shop: Shop, user_id: int, reminder_id: int | None = None) -> int:
    """Mark one reminder (or all of them) read for this person."""
    reminders = Reminder.objects.for_shop(shop).filter(user_id=user_id, read_at__isnull=True)
    if reminder_id is not None:
        reminders = reminders.filter(pk=reminder_id)
    return reminders.update(read_at=timezone.now())


def sla_rollup_day(shop: Shop, day: date) -> int:
    """Replace one shop-local day's roll-up rows (per channel and seller); rows written."""
    start, end = day_bounds(shop, day)
    SlaDaily.objects.filter(shop=shop, day=day).delete()
    rows: dict[tuple[str, int | None], SlaDaily] = {}
    answers = (EventKind.MET, EventKind.ANSWERED_LATE)
    events = (
        SlaEvent.objects.filter(
            shop=shop, at__gte=start, at__lt=end, kind__in=(*answers, EventKind.BREACHED)
        )
        .annotate(bucket=duration_bucket_expression())
        .values("channel", "seller_id", "kind", "bucket")
        .annotate(n=Count("*"))
        .order_by()
    )
    for event in events:
        key = (event["channel"], event["seller_id"])
        row = rows.get(key)
        if row is None:
            row = rows[key] = SlaDaily(
                shop=shop, day=day, channel=event["channel"], seller_id=event["seller_id"]
            )
        kind, n = event["kind"], event["n"]
        if kind == EventKind.MET:
            row.met += n
        elif kind == EventKind.ANSWERED_LATE:
            row.answered_late += n
        else:
            row.breached += n
        if kind in answers and event["bucket"] != NO_BUCKET:
            field_name = duration_bucket_field(event["bucket"])
            setattr(row, field_name, getattr(row, field_name) + n)
    SlaDaily.objects.bulk_create(rows.values())
    return len(rows)
