"""Business-time arithmetic for SLA deadlines. Pure Python: no Django, no database.

A shop works in weekly *windows* of local wall-clock time (Monday = 0). A window whose
end is not after its start runs overnight into the next day; ``00:00–00:00`` is a whole
day. A window belongs to the date it starts on: a holiday cancels the windows that
start on that date, while a shift that began the evening before still runs to its end.

All arithmetic is done on UTC instants built from local wall times, so days that are 23
or 25 hours long around DST changes count exactly the time that really passes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Searching further than this for working time means the schedule has none left.
_SEARCH_LIMIT = timedelta(days=800)


@dataclass(frozen=True, order=True)
class Window:
    start: time
    end: time

    @property
    def overnight(self) -> bool:
        return self.end <= self.start

    def label(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def parse_time(value: str) -> time:
    """``"9:00"``, ``"09:00"`` or ``"24:00"`` (the end of the day, stored as 00:00)."""
    hours, _, minutes = value.strip().partition(":")
    hour, minute = int(hours), int(minutes or 0)
    if hour == 24 and minute == 0:
        return time(0, 0)
    return time(hour, minute)


@dataclass(frozen=True)
class WeeklySchedule:
    """Seven tuples of windows, Monday first."""

    days: tuple[tuple[Window, ...], ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError("a weekly schedule has seven days")

    @classmethod
    def from_mapping(cls, data: Mapping[str | int, Iterable[Iterable[str]]]) -> WeeklySchedule:
        """Build from ``{"0": [["09:00", "18:00"]], ...}`` (JSON-friendly; missing days are off)."""
        days: list[tuple[Window, ...]] = []
        for weekday in range(7):
            raw = data.get(str(weekday), data.get(weekday, ()))  # type: ignore[call-overload]
            windows = []
            for pair in raw:
                start, end = list(pair)
                windows.append(Window(parse_time(start), parse_time(end)))
            days.append(tuple(sorted(windows)))
        return cls(tuple(days))

    def to_mapping(self) -> dict[str, list[list[str]]]:
        return {
            str(weekday): [[f"{w.start:%H:%M}", f"{w.end:%H:%M}"] for w in windows]
            for weekday, windows in enumerate(self.days)
            if windows
        }

    @classmethod
    def around_the_clock(cls) -> WeeklySchedule:
        whole_day = (Window(time(0), time(0)),)
        return cls((whole_day,) * 7)

    @property
    def is_empty(self) -> bool:
        return not any(self.days)


def _raw_intervals(
    first_day: date, schedule: WeeklySchedule, holidays: Iterable[date] | set[date], tz: ZoneInfo
) -> Iterator[tuple[datetime, datetime]]:
    holiday_set = set(holidays)
    day = first_day
    last_day = first_day + _SEARCH_LIMIT
    while day <= last_day:
        if day not in holiday_set:
            for window in schedule.days[day.weekday()]:
                end_day = day + timedelta(days=1) if window.overnight else day
                start = datetime.combine(day, window.start, tzinfo=tz).astimezone(UTC)
                end = datetime.combine(end_day, window.end, tzinfo=tz).astimezone(UTC)
                if end > start:  # a window swallowed by a DST gap has no length
                    yield start, end
        day += timedelta(days=1)


def working_intervals(
    since: datetime, schedule: WeeklySchedule, holidays: Iterable[date], tz: ZoneInfo
) -> Iterator[tuple[datetime, datetime]]:
    """Merged, ordered UTC intervals of working time that end after ``since``."""
    if schedule.is_empty:
        raise ValueError("the schedule has no working hours")
    # Start a day early: yesterday's overnight window may still be running.
    first_day = since.astimezone(tz).date() - timedelta(days=1)
    current: tuple[datetime, datetime] | None = None
    for start, end in _raw_intervals(first_day, schedule, holidays, tz):
        if current is not None and start <= current[1]:
            current = (current[0], max(current[1], end))
            continue
        if current is not None and current[1] > since:
            yield current
        current = (start, end)
    if current is not None and current[1] > since:
        yield current
    # Running off the search limit means no working time is left (e.g. all holidays).


def add_business_time(
    start: datetime,
    duration: timedelta,
    schedule: WeeklySchedule,
    holidays: Iterable[date],
    tz: ZoneInfo,
) -> datetime:
    """The instant at which ``duration`` of working time has passed since ``start``.

    A start outside working hours counts from the next opening; a zero duration gives
    that opening. The result carries the tzinfo of ``start``.
    """
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    remaining = duration
    # Python adds timedeltas to aware datetimes in wall-clock time: work in UTC.
    start_utc = start.astimezone(UTC)
    for interval_start, interval_end in working_intervals(start_utc, schedule, holidays, tz):
        begin = max(interval_start, start_utc)
        available = interval_end - begin
        if remaining <= available:
            return (begin + remaining).astimezone(start.tzinfo)
        remaining -= available
    raise ValueError("the schedule has no working time left")


def business_time_between(
    a: datetime,
    b: datetime,
    schedule: WeeklySchedule,
    holidays: Iterable[date],
    tz: ZoneInfo,
) -> timedelta:
    """Working time within ``[a, b)``; zero when ``b`` is not after ``a``."""
    if a.tzinfo is None or b.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    total = timedelta(0)
    if b <= a:
        return total
    a, b = a.astimezone(UTC), b.astimezone(UTC)
    for interval_start, interval_end in working_intervals(a, schedule, holidays, tz):
        if interval_start >= b:
            break
        total += min(interval_end, b) - max(interval_start, a)
    return total
