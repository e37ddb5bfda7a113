"""Business-time arithmetic: the pure function behind every SLA deadline."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sellerdesk.sla.business_hours import (
    WeeklySchedule,
    add_business_time,
    business_time_between,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
MOSCOW = ZoneInfo("Europe/Moscow")
UTC = ZoneInfo("UTC")

OFFICE = WeeklySchedule.from_mapping({str(d): [["09:00", "18:00"]] for d in range(5)})  # Mon–Fri
NIGHT_SHIFT = WeeklySchedule.from_mapping({str(d): [["22:00", "06:00"]] for d in range(7)})
SPLIT_DAY = WeeklySchedule.from_mapping({"0": [["13:00", "17:00"], ["09:00", "12:00"]]})


def local(tz, *args):
    return datetime(*args, tzinfo=tz)


def add(start, hours=0, minutes=0, schedule=OFFICE, holidays=(), tz=BERLIN):
    return add_business_time(
        start, timedelta(hours=hours, minutes=minutes), schedule, set(holidays), tz
    )


def test_inside_hours_adds_plainly():
    # Tuesday 10:00 + 1 h
    assert add(local(BERLIN, 2026, 11, 24, 10, 0), hours=1) == local(BERLIN, 2026, 11, 24, 11, 0)


def test_duration_runs_over_closing_into_next_morning():
    # Tuesday 17:30 + 1 h → 30 min today, 30 min on Wednesday from 09:00
    assert add(local(BERLIN, 2026, 11, 24, 17, 30), hours=1) == local(BERLIN, 2026, 11, 25, 9, 30)


def test_message_arriving_at_night_starts_the_clock_at_opening():
    # Tuesday 23:10 + 1 h → Wednesday 10:00
    assert add(local(BERLIN, 2026, 11, 24, 23, 10), hours=1) == local(BERLIN, 2026, 11, 25, 10, 0)


def test_message_arriving_before_opening_counts_from_opening():
    assert add(local(BERLIN, 2026, 11, 24, 6, 0), minutes=15) == local(BERLIN, 2026, 11, 24, 9, 15)


def test_friday_evening_rolls_over_the_weekend():
    # Friday 17:00 + 2 h → 1 h on Friday, 1 h on Monday
    assert add(local(BERLIN, 2026, 11, 27, 17, 0), hours=2) == local(BERLIN, 2026, 11, 30, 10, 0)


def test_saturday_arrival_waits_for_monday():
    assert add(local(BERLIN, 2026, 11, 28, 12, 0), hours=1) == local(BERLIN, 2026, 11, 30, 10, 0)


def test_multi_day_duration_counts_only_working_days():
    # 24 business hours from Monday 09:00 = 2 days 6 h of 9-hour days → Wednesday 15:00
    assert add(local(BERLIN, 2026, 11, 23, 9, 0), hours=24) == local(BERLIN, 2026, 11, 25, 15, 0)


def test_holiday_is_skipped():
    # Thursday 31 Dec 17:00 + 2 h with 1 Jan (Friday) off → Monday 4 Jan 10:00
    result = add(local(BERLIN, 2026, 12, 31, 17, 0), hours=2, holidays={date(2027, 1, 1)})
    assert result == local(BERLIN, 2027, 1, 4, 10, 0)


def test_consecutive_holidays_are_skipped():
    holidays = {date(2026, 12, 24), date(2026, 12, 25)}
    # Wednesday 23 Dec 17:30 + 1 h → Monday 28 Dec 09:30
    assert add(local(BERLIN, 2026, 12, 23, 17, 30), hours=1, holidays=holidays) == local(
        BERLIN, 2026, 12, 28, 9, 30
    )


def test_overnight_window_spans_midnight():
    # 23:00 + 3 h in a 22:00–06:00 shift → 02:00 next day
    assert add(local(BERLIN, 2026, 11, 24, 23, 0), hours=3, schedule=NIGHT_SHIFT) == local(
        BERLIN, 2026, 11, 25, 2, 0
    )


def test_arrival_after_midnight_inside_yesterdays_overnight_shift():
    # 03:00 is inside the shift that began at 22:00 the day before
    assert add(local(BERLIN, 2026, 11, 25, 3, 0), hours=2, schedule=NIGHT_SHIFT) == local(
        BERLIN, 2026, 11, 25, 5, 0
    )


def test_overnight_shift_continues_into_the_next_shift():
    # 05:00 + 2 h: one hour until 06:00, then the next shift from 22:00
    assert add(local(BERLIN, 2026, 11, 25, 5, 0), hours=2, schedule=NIGHT_SHIFT) == local(
        BERLIN, 2026, 11, 25, 23, 0
    )


def test_holiday_cancels_the_overnight_shift_starting_on_it_but_not_the_one_ending_on_it():
    holidays = {date(2026, 11, 25)}
    # The 24th's shift (22:00 → 06:00 on the 25th) still runs; the 25th's shift is cancelled.
    result = add(
        local(BERLIN, 2026, 11, 25, 5, 0), hours=2, schedule=NIGHT_SHIFT, holidays=holidays
    )
    assert result == local(BERLIN, 2026, 11, 26, 23, 0)


def test_split_day_with_lunch_break():
    # Monday 11:30 + 1 h → 30 min before lunch, 30 min after
    result = add(local(BERLIN, 2026, 11, 23, 11, 30), hours=1, schedule=SPLIT_DAY)
    assert result == local(BERLIN, 2026, 11, 23, 13, 30)


def test_zero_duration_outside_hours_gives_next_opening():
    assert add(local(BERLIN, 2026, 11, 28, 12, 0)) == local(BERLIN, 2026, 11, 30, 9, 0)


def test_around_the_clock_equals_plain_addition():
    start = local(BERLIN, 2026, 3, 28, 20, 0)
    result = add(start, hours=30, schedule=WeeklySchedule.around_the_clock())
    assert result == start.astimezone(UTC) + timedelta(hours=30)


# --- DST ------------------------------------------------------------------------------------


def test_spring_forward_day_is_one_hour_shorter_around_the_clock():
    # Berlin jumps from 02:00 to 03:00 on 29 March 2026: 24 real hours after Saturday
    # 12:00 is Sunday 13:00 local.
    schedule = WeeklySchedule.around_the_clock()
    result = add(local(BERLIN, 2026, 3, 28, 12, 0), hours=24, schedule=schedule)
    assert result == local(BERLIN, 2026, 3, 29, 13, 0)
    # (aware datetimes sharing a tzinfo subtract in wall-clock time, hence the UTC detour)
    assert result.astimezone(UTC) - local(BERLIN, 2026, 3, 28, 12, 0).astimezone(UTC) == timedelta(
        hours=24
    )


def test_night_shift_across_spring_forward_is_one_hour_shorter():
    # The 28→29 March shift 22:00–06:00 lasts 7 real hours in Berlin.
    start = local(BERLIN, 2026, 3, 28, 22, 0)
    end = local(BERLIN, 2026, 3, 29, 6, 0)
    assert business_time_between(start, end, NIGHT_SHIFT, set(), BERLIN) == timedelta(hours=7)
    # 7 h of work from the shift's start ends exactly at 06:00 local.
    assert add(start, hours=7, schedule=NIGHT_SHIFT) == end


def test_night_shift_across_fall_back_is_one_hour_longer():
    # New York falls back on 1 November 2026: the 31 Oct → 1 Nov shift lasts 9 h.
    start = local(NEW_YORK, 2026, 10, 31, 22, 0)
    end = local(NEW_YORK, 2026, 11, 1, 6, 0)
    assert business_time_between(start, end, NIGHT_SHIFT, set(), NEW_YORK) == timedelta(hours=9)
    assert add(start, hours=8, schedule=NIGHT_SHIFT, tz=NEW_YORK) == local(
        NEW_YORK, 2026, 11, 1, 5, 0
    )


def test_office_hours_keep_local_wall_time_across_dst():
    # Friday 27 March 17:00 + 2 h → Monday 30 March 10:00 local (now UTC+2 instead of +1)
    result = add(local(BERLIN, 2026, 3, 27, 17, 0), hours=2)
    assert result == local(BERLIN, 2026, 3, 30, 10, 0)
    assert result.astimezone(UTC).hour == 8


def test_window_inside_dst_gap_is_handled():
    # A 02:00–03:00 window does not exist on the spring-forward day.
    schedule = WeeklySchedule.from_mapping({str(d): [["02:00", "03:00"]] for d in range(7)})
    start = local(BERLIN, 2026, 3, 29, 0, 0)
    result = add(start, minutes=30, schedule=schedule)
    assert result == local(BERLIN, 2026, 3, 30, 2, 30)


def test_result_keeps_the_callers_time_zone():
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
    result = add(start, hours=1, tz=MOSCOW)
    assert result.tzinfo == UTC
    assert result == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


# --- business_time_between -------------------------------------------------------------------


def test_between_counts_only_working_hours():
    a = local(BERLIN, 2026, 11, 27, 17, 0)  # Friday
    b = local(BERLIN, 2026, 11, 30, 10, 0)  # Monday
    assert business_time_between(a, b, OFFICE, set(), BERLIN) == timedelta(hours=2)


def test_between_is_zero_outside_hours_and_for_reversed_ranges():
    a = local(BERLIN, 2026, 11, 28, 10, 0)
    b = local(BERLIN, 2026, 11, 29, 10, 0)
    assert business_time_between(a, b, OFFICE, set(), BERLIN) == timedelta(0)
    assert business_time_between(b, a, OFFICE, set(), BERLIN) == timedelta(0)


def test_between_is_the_inverse_of_add():
    start = local(NEW_YORK, 2026, 10, 30, 16, 45)
    for minutes in (0, 1, 59, 60, 61, 600, 2000, 5000):
        end = add(start, minutes=minutes, tz=NEW_YORK)
        assert business_time_between(start, end, OFFICE, set(), NEW_YORK) == timedelta(
            minutes=minutes
        )


# --- validation ------------------------------------------------------------------------------


def test_empty_schedule_is_refused():
    empty = WeeklySchedule.from_mapping({})
    with pytest.raises(ValueError):
        add(local(BERLIN, 2026, 11, 24, 10, 0), hours=1, schedule=empty)


def test_naive_start_is_refused():
    with pytest.raises(ValueError):
        add_business_time(datetime(2026, 11, 24, 10), timedelta(hours=1), OFFICE, set(), BERLIN)


def test_schedule_round_trips_through_json_mapping():
    mapping = {"0": [["09:00", "18:00"]], "5": [["22:00", "00:00"]]}
    assert WeeklySchedule.from_mapping(mapping).to_mapping() == mapping
