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


class AnswerManyForm(forms.Form):
    question_ids = forms.TypedMultipleChoiceField(
        label=_("questions"), coerce=int, choices=(), widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(
        label=_("answer"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("{{ buyer_name }} becomes each buyer's name, {{ product_name }} the product."),
    )
    warnings_confirmed = forms.BooleanField(label=_("send despite warnings"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        raw = self.data.getlist("question_ids") if hasattr(self.data, "getlist") else []
        # Any id may be posted; the service only answers the shop's own open questions.
        self.fields["question_ids"].choices = [(v, v) for v in raw if str(v).isdigit()]
