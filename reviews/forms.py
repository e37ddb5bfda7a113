from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import ReviewSettings, ReviewStatus, Situation
from sellerdesk.core.forms import SearchField


class ReviewFilterForm(forms.Form):
    tab = forms.ChoiceField(choices=ReviewStatus.choices, required=False)
    q = SearchField(label=_("Search"), max_length=200)
    product = forms.IntegerField(label=_("Product"), required=False, min_value=1)
    rating = forms.IntegerField(label=_("Rating"), required=False, min_value=1, max_value=5)
    group = forms.ChoiceField(
        choices=[
            ("", _("All")),
            ("negative", _("Negative")),
            ("mixed", _("Mixed")),
            ("positive", _("Positive")),
        ],
        required=False,
    )
    cursor = forms.CharField(required=False, max_length=60)


class StepForm(forms.Form):
    key = forms.CharField(max_length=40)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class OfferForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Coupon amount"), min_value=Decimal("0.01"), max_digits=10, decimal_places=2
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ResolveForm(forms.Form):
    note = forms.CharField(
        label=_("How it was resolved"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])


class SituationRuleForm(forms.Form):
    situation = forms.ChoiceField(label=_("Situation"), choices=Situation.choices[1:])
    phrases = forms.CharField(
        label=_("Phrases"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One phrase per line. Word forms count: «разбитый» also finds «разбитая»."),
    )
    exclusions = forms.CharField(
        label=_("Exclusions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One phrase per line. If any of them occurs, this rule does not apply."),
    )
    fuzzy = forms.BooleanField(label=_("Tolerate typos"), required=False, initial=True)
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)


class ReviewSettingsForm(forms.ModelForm):
    class Meta:
        model = ReviewSettings
        fields = ["coupon_min", "coupon_max", "currency"]
