from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sellerdesk.notifications.models import EventKind, NotificationPreference, NotifyChannel


def field_name(kind: str, channel: str) -> str:
    return f"{kind}__{channel}"


class PreferenceForm(forms.Form):
    """A grid of checkboxes (event × channel), quiet hours and the digest switch."""

    quiet_start = forms.TimeField(label=_("Quiet hours from"), required=False)
    quiet_end = forms.TimeField(label=_("Quiet hours until"), required=False)
    digest = forms.BooleanField(
        label=_("Hourly digest instead of single messages (e-mail, Telegram)"), required=False
    )

    def __init__(self, *args: Any, preference: NotificationPreference, **kwargs: Any) -> None:
        initial = {
            "quiet_start": preference.quiet_start,
            "quiet_end": preference.quiet_end,
            "digest": preference.digest,
        }
        for kind in EventKind:
            for channel in preference.channels_for(kind):
                initial[field_name(kind, channel)] = True
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for kind in EventKind:
            for channel in NotifyChannel:
                self.fields[field_name(kind, channel)] = forms.BooleanField(
                    required=False, label=f"{kind.label}: {channel.label}"
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
            raise forms.ValidationError(_("Give both ends of the quiet hours, or neither."))
        return data

    @property
    def grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (kind.label, [self[field_name(kind, channel)] for channel in NotifyChannel])
            for kind in EventKind
        ]

    def channels(self) -> dict[str, list[str]]:
        return {
            kind.value: [
                channel.value
                for channel in NotifyChannel
                if self.cleaned_data.get(field_name(kind, channel))
            ]
            for kind in EventKind
        }


class TelegramBotForm(forms.Form):
    token = forms.CharField(label=_("Bot token"), max_length=200, strip=True)
