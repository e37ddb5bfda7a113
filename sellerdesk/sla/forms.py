from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.forms import PeriodFilterForm
from sellerdesk.sla.business_hours import parse_time
from sellerdesk.sla.models import Channel, SlaCalendar, validate_weekly_hours

WEEKDAYS = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)
_WINDOW = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-–—]\s*(\d{1,2}:\d{2})\s*$")


class DashboardFilterForm(PeriodFilterForm):
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices]
    )


class PolicyForm(forms.Form):
    target_minutes = forms.IntegerField(
        label=_("First-response target, minutes"), min_value=1, max_value=60 * 24 * 30
    )
    # xgettext:no-python-format
    warn_percent = forms.IntegerField(
        label=_("Warn at, % of the target"), min_value=1, max_value=99
    )
    business_hours = forms.BooleanField(label=_("Count business hours only"), required=False)


def parse_windows(text: str) -> list[list[str]]:
    """``"09:00-13:00, 14:00-18:00"`` → ``[["09:00", "13:00"], ["14:00", "18:00"]]``; empty = day off."""
    windows = []
    for part in filter(None, (chunk.strip() for chunk in text.split(","))):
        match = _WINDOW.match(part)
        if not match:
            raise ValidationError(_("Write time windows like 09:00-18:00, separated by commas."))
        start, end = match.groups()
        try:
            parse_time(start)
            parse_time(end)
        except ValueError as exc:
            raise ValidationError(_("Not a valid time: %(value)s"), params={"value": part}) from exc
        windows.append([start.zfill(5), end.zfill(5)])
    return windows


class CalendarForm(forms.Form):
    check_times = forms.CharField(
        label=_("Reminder check times"),
        help_text=_("Shop time, separated by commas, e.g. 09:00, 13:00, 18:00."),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for weekday, name in enumerate(WEEKDAYS):
            self.fields[f"day_{weekday}"] = forms.CharField(
                label=name,
                required=False,
                help_text=_(
                    "e.g. 09:00-18:00; a window ending before it starts runs overnight; empty = day off"
                ),
            )

    @classmethod
    def initial_for(cls, calendar: SlaCalendar) -> dict:
        mapping = calendar.schedule.to_mapping()
        initial = {
            f"day_{weekday}": ", ".join(f"{a}-{b}" for a, b in mapping.get(str(weekday), []))
            for weekday in range(7)
        }
        initial["check_times"] = ", ".join(calendar.check_times)
        return initial

    def day_fields(self) -> list:
        return [self[f"day_{weekday}"] for weekday in range(7)]

    def clean_check_times(self) -> list[str]:
        values = [
            chunk.strip() for chunk in self.cleaned_data["check_times"].split(",") if chunk.strip()
        ]
        result = []
        for value in values:
            try:
                result.append(f"{parse_time(value):%H:%M}")
            except ValueError as exc:
                raise ValidationError(
                    _("Not a valid time: %(value)s"), params={"value": value}
                ) from exc
        return sorted(set(result))

    def clean(self) -> dict:
        cleaned = super().clean()
        weekly: dict[str, list[list[str]]] = {}
        for weekday in range(7):
            try:
                windows = parse_windows(cleaned.get(f"day_{weekday}", ""))
            except ValidationError as error:
                self.add_error(f"day_{weekday}", error)
                continue
            if windows:
                weekly[str(weekday)] = windows
        if not self.errors:
            validate_weekly_hours(weekly)
        cleaned["weekly_hours"] = weekly
        return cleaned


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
