from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from autopilot.models import AutopilotSettings

RATING_CHOICES = [(value, "★" * value) for value in range(1, 6)]


def _situation_choices() -> list[tuple[str, str]]:
    from reviews.models import Situation

    return [(value, label) for value, label in Situation.choices if value]


class AutopilotSettingsForm(forms.ModelForm):
    ratings = forms.TypedMultipleChoiceField(
        label=_("ratings answered automatically"),
        choices=RATING_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    situations = forms.MultipleChoiceField(
        label=_("negative situations answered automatically anyway"),
        choices=_situation_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The preset answers 4–5★ reviews without a negative situation only."),
    )

    class Meta:
        model = AutopilotSettings
        fields = [
            "reviews_enabled",
            "ratings",
            "situations",
            "questions_enabled",
            "delay_minutes",
            "daily_cap",
            "paused",
            "systemic_threshold",
        ]


class AutoReplyEditForm(forms.Form):
    text = forms.CharField(
        label=_("reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
