"""Response-time SLAs: policies, the shop's working calendar, clocks, events, reminders.

The SLA app knows items only as ``(channel, item_id)``: it never imports the chats,
questions or reviews models, so those apps can change freely.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.models import Shop, ShopScopedManager
from sellerdesk.sla.business_hours import WeeklySchedule, parse_time


class Channel(models.TextChoices):
    CHAT = "chat", _("Chat")
    QUESTION = "question", _("Question")
    REVIEW = "review", _("Review")


# First-response targets a shop starts with, in minutes.
DEFAULT_TARGET_MINUTES = {Channel.CHAT: 60, Channel.QUESTION: 24 * 60, Channel.REVIEW: 24 * 60}
DEFAULT_WARN_PERCENT = 80
DEFAULT_WEEKLY_HOURS = {str(day): [["09:00", "18:00"]] for day in range(5)}
DEFAULT_CHECK_TIMES = ["09:00", "13:00", "18:00"]


class SlaPolicy(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="sla_policies")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    target_minutes = models.PositiveIntegerField(
        _("first-response target, minutes"),
        validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 30)],
    )
    warn_percent = models.PositiveSmallIntegerField(
        # "% o" looks like a format directive to xgettext; the label is never %-formatted.
        # xgettext:no-python-format
        _("warn at, % of the target"),
        default=DEFAULT_WARN_PERCENT,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    business_hours = models.BooleanField(
        _("count business hours only"),
        default=False,
        help_text=_(
            "Off: the clock runs around the clock. On: only the shop's working hours count."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "channel"], name="sla_policy_unique_shop_channel"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="sla_policy_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shop} · {self.get_channel_display()}"

    @property
    def target(self) -> timedelta:
        return timedelta(minutes=self.target_minutes)

    @property
    def warn_after(self) -> timedelta:
        return timedelta(seconds=self.target_minutes * 60 * self.warn_percent // 100)


def validate_weekly_hours(value: object) -> None:
    if not isinstance(value, dict):
        raise ValidationError(_("Working hours must be a mapping of weekdays to time windows."))
    try:
        schedule = WeeklySchedule.from_mapping(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Invalid working hours: %(error)s"), params={"error": exc}) from exc
    if set(value) - {str(day) for day in range(7)}:
        raise ValidationError(_("Weekdays are numbered 0 (Monday) to 6 (Sunday)."))
    if schedule.is_empty:
        raise ValidationError(_("Set working hours on at least one day."))


def validate_check_times(value: object) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Check times must be a list."))
    try:
        for item in value:
            parse_time(str(item))
    except ValueError as exc:
        raise ValidationError(_("Invalid check time: %(error)s"), params={"error": exc}) from exc


class SlaCalendar(models.Model):
    """The shop's working week and reminder check times; the time zone is the shop's."""

    shop = models.OneToOneField(Shop, on_delete=models.CASCADE, related_name="sla_calendar")
    weekly_hours = models.JSONField(
        _("working hours"), default=dict, validators=[validate_weekly_hours]
    )
    check_times = models.JSONField(
        _("reminder check times"), default=list, validators=[validate_check_times]
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("SLA calendar")
        verbose_name_plural = _("SLA calendars")

    def __str__(self) -> str:
        return str(self.shop)

    @property
    def schedule(self) -> WeeklySchedule:
        return WeeklySchedule.from_mapping(self.weekly_hours or DEFAULT_WEEKLY_HOURS)


class Holiday(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="sla_holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "date"], name="sla_holiday_unique_shop_date")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.name}".strip()


class ClockState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")


class SlaClock(models.Model):
    """One waiting period of one item: from the buyer's message to the seller's answer.

    Rows are history: a new period (the buyer writes again after an answer) is a new
    row. At most one period per item is open (``answered_at`` is null). ``state`` moves
    waiting → met (answered in time) or waiting → breached (due time passed), and
    met/breached never change again; a breached period stays open until answered.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    item_id = models.BigIntegerField(_("item"))
    period_started_at = models.DateTimeField(_("waiting since"))
    sla_warn_at = models.DateTimeField(_("warning at"))
    sla_due_at = models.DateTimeField(_("due at"))
    state = models.CharField(
        _("state"), max_length=10, choices=ClockState.choices, default=ClockState.WAITING
    )
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "item_id"],
                condition=Q(answered_at__isnull=True),
                name="sla_clock_one_open_period",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ClockState.values), name="sla_clock_state_valid"
            ),
        ]
        indexes = [
            # The sweep: waiting clocks past their due/warning time.
            models.Index(
                fields=["sla_due_at"], condition=Q(state="waiting"), name="sla_clock_waiting_due"
            ),
            models.Index(
                fields=["sla_warn_at"],
                condition=Q(state="waiting", warned_at__isnull=True),
                name="sla_clock_unwarned_warn",
            ),
            # Dashboard lists, both small slices of a shop's open periods: at risk
            # (waiting, past the warning time) and breached but still unanswered.
            models.Index(
                fields=["shop", "sla_warn_at"],
                condition=Q(state="waiting"),
                name="sla_clock_shop_waiting_warn",
            ),
            models.Index(
                fields=["shop", "sla_due_at"],
                condition=Q(state="breached", answered_at__isnull=True),
                name="sla_clock_shop_breached_open",
            ),
            # due_at_map / with_sla_due look items up through the partial unique
            # constraint on (channel, item_id) for open periods.
            # "Due soon" lists: a shop's open periods of one channel, most urgent first,
            # paged by keyset on (sla_due_at, item_id) — see selectors.open_clock_page.
            models.Index(
                fields=["shop", "channel", "sla_due_at", "item_id"],
                condition=Q(answered_at__isnull=True),
                name="sla_clock_shop_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} #{self.item_id} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class EventKind(models.TextChoices):
    STARTED = "started", _("Started")
    WARNED = "warned", _("Warned")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")
    # The answer to a period that had already breached: its response time still counts.
    ANSWERED_LATE = "answered_late", _("Answered late")


class SlaEvent(models.Model):
    """An append-only log the dashboard aggregates over.

    ``duration_seconds``: for warned/breached, the policy time elapsed at that point;
    for met/answered_late, the first-response time counted the policy's way.
    ``elapsed_seconds`` is the same span in plain wall-clock time.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="events")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    item_id = models.BigIntegerField(_("item"))
    kind = models.CharField(_("event"), max_length=15, choices=EventKind.choices)
    at = models.DateTimeField(_("at"))
    duration_seconds = models.PositiveIntegerField(_("duration, s"), null=True, blank=True)
    elapsed_seconds = models.PositiveIntegerField(
        _("wall-clock duration, s"), null=True, blank=True
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("SLA event")
        verbose_name_plural = _("SLA events")
        ordering = ["at", "pk"]
        constraints = [
            # One of each kind per period: warnings and breaches are recorded once.
            models.UniqueConstraint(fields=["clock", "kind"], name="sla_event_once_per_period"),
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="sla_event_kind_valid"
            ),
        ]
        indexes = [
            # For the dashboard. On PostgreSQL migration 0002 builds it as a covering
            # index (INCLUDE channel, duration_seconds, seller_id) so the aggregates run
            # as index-only scans; SQLite (the demo) gets the plain key columns.
            models.Index(fields=["shop", "kind", "at"], name="sla_event_dashboard"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.channel} #{self.item_id} @ {self.at:%Y-%m-%d %H:%M}"
        )


class Reminder(models.Model):
    """An in-app note to a member: chats are waiting for an answer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sla_reminders"
    )
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("text"), max_length=300)
    # Which check time produced it ("2026-11-24 09:00" shop time): one per person and slot.
    slot = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "shop", "slot"], name="sla_reminder_once_per_slot"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "shop"],
                condition=Q(read_at__isnull=True),
                name="sla_reminder_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.text


# First-response time buckets (upper edges, minutes) for the dashboard's percentiles: one
# minute wide where answers cluster, wider beyond; the last bucket is open-ended. Counts per
# bucket are exact and add up across days, shops and sellers, so any period's median and
# p90 come from the daily roll-up rows as well as from the raw events — the same numbers.
DURATION_BUCKET_EDGES_MINUTES: tuple[int, ...] = (
    *range(1, 21),
    *range(22, 41, 2),
    45, 50, 55, 60, 70, 80, 90, 105, 120, 150, 180, 240, 300, 360, 480, 720, 1440, 2880,
)  # fmt: skip
DURATION_BUCKETS = len(DURATION_BUCKET_EDGES_MINUTES) + 1


NO_BUCKET = -1  # an answer without a recorded duration


def duration_bucket_of(seconds: int) -> int:
    """The bucket of one first-response time (as ``duration_bucket_expression`` in SQL)."""
    for index, edge in enumerate(DURATION_BUCKET_EDGES_MINUTES):
        if seconds < edge * 60:
            return index
    return DURATION_BUCKETS - 1


def duration_bucket_field(index: int) -> str:
    return f"d{index:02d}"


def duration_bucket_expression(field_name: str = "duration_seconds") -> Case:
    """SQL for a first-response time's bucket index (see DURATION_BUCKET_EDGES_MINUTES)."""
    whens = [When(**{f"{field_name}__isnull": True}, then=Value(NO_BUCKET))]
    whens += [
        When(**{f"{field_name}__lt": edge * 60}, then=Value(index))
        for index, edge in enumerate(DURATION_BUCKET_EDGES_MINUTES)
    ]
    return Case(*whens, default=Value(DURATION_BUCKETS - 1), output_field=IntegerField())


class SlaDaily(models.Model):
    """Roll-up of one shop-local day: answers and breaches per channel and seller, and the
    answers' first-response times by bucket (``d00`` … ``d48``). Built by the worker."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    met = models.PositiveIntegerField(default=0)
    answered_late = models.PositiveIntegerField(default=0)
    breached = models.PositiveIntegerField(default=0)

    objects = ShopScopedManager()

    class Meta:
        verbose_name = _("daily SLA figures")
        verbose_name_plural = _("daily SLA figures")
        indexes = [models.Index(fields=["shop", "day"], name="sla_daily_shop_day")]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day} {self.channel}"


for _index in range(DURATION_BUCKETS):
    SlaDaily.add_to_class(duration_bucket_field(_index), models.PositiveIntegerField(default=0))
