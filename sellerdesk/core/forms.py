from datetime import date, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.models import Role, Shop

MAX_RANGE_DAYS = 400


class PeriodFilterForm(forms.Form):
    """Dashboards' filter: shops (only those where the viewer is an admin) and a period.

    Subclasses add their own ``channel`` choices."""

    shops = forms.ModelMultipleChoiceField(
        label=_("Shops"),
        queryset=Shop.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data, *, shops: list[Shop], today: date) -> None:
        super().__init__(data)
        # Only shops where the viewer is an admin can be chosen; anything else is invalid.
        self.fields["shops"].queryset = Shop.objects.filter(
            pk__in=[shop.pk for shop in shops]
        ).order_by("name")
        self.today = today

    def clean(self) -> dict:
        cleaned = super().clean()
        end = cleaned.get("end") or self.today
        start = cleaned.get("start") or end - timedelta(days=29)
        if start > end:
            raise ValidationError(_("The start date is after the end date."))
        if (end - start).days >= MAX_RANGE_DAYS:
            raise ValidationError(
                _("Choose at most %(days)d days."), params={"days": MAX_RANGE_DAYS}
            )
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


class MemberInviteForm(forms.Form):
    username = forms.CharField(label=_("Login"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, min_length=8)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.SELLER)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This login is already taken."))
        return username

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class SearchField(forms.CharField):
    """A list's search box: text past ``max_length`` is cut off, not refused.

    A refused search would drop the filter and list everything, as if the search had matched
    all rows; a long paste still finds what its first ``max_length`` characters find.
    """

    def __init__(self, *, max_length: int = 200, **kwargs) -> None:
        self.cut_length = max_length
        super().__init__(required=False, **kwargs)

    def to_python(self, value) -> str:
        return super().to_python(value)[: self.cut_length].strip()
