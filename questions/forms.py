from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from questions.models import QuestionSettings, QuestionStatus, RuleKind
from sellerdesk.core.forms import SearchField


class QuestionFilterForm(forms.Form):
    tab = forms.ChoiceField(choices=QuestionStatus.choices, required=False)
    q = SearchField(label=_("Search"), max_length=200)
    product = forms.IntegerField(label=_("Product"), required=False, min_value=1)
    kind = forms.ChoiceField(
        choices=[("", _("All")), ("auto", _("Automatically")), ("manual", _("By a person"))],
        required=False,
    )
    repeats = forms.BooleanField(label=_("Repeats only"), required=False)
    sort = forms.ChoiceField(choices=[("", ""), ("due", "due")], required=False)
    cursor = forms.CharField(required=False, max_length=60)


class DeclineRuleForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("decline rule", "Name"), max_length=200)
    phrases = forms.CharField(
        label=_("Phrases"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One phrase per line. Word forms count: «поставщик» also finds «поставщика»."),
    )
    exclusions = forms.CharField(
        label=_("Exclusions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One phrase per line. If any of them occurs, this rule does not decline."),
    )
    fuzzy = forms.BooleanField(
        label=_("Fuzzy matching"),
        required=False,
        help_text=_("Also catch typos in words of 5+ letters."),
    )
    kind = forms.ChoiceField(
        label=pgettext_lazy("decline rule", "Kind"),
        choices=RuleKind.choices,
        initial=RuleKind.KEYWORDS,
    )
    enabled = forms.BooleanField(
        label=pgettext_lazy("decline rule", "Enabled"), required=False, initial=True
    )
    # Named "text" so the live policy check and the template picker attach to it.
    text = forms.CharField(
        label=_("Decline reply"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "id": "rule-reply"}),
        help_text=_(
            "Sent to the buyer when this rule declines a question; it must pass the decline check."
        ),
    )

    FIELD_FOR_SERVICE = {"reply_text": "text"}

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["reply_text"] = data.pop("text", "")
        return data

    def add_service_errors(self, error) -> None:
        for field, messages in error.message_dict.items():
            self.add_error(
                self.FIELD_FOR_SERVICE.get(field, field if field in self.fields else None), messages
            )


class QuestionSettingsForm(forms.ModelForm):
    class Meta:
        model = QuestionSettings
        fields = ["repeat_threshold", "mark_repeats", "dry_run_size"]


MAX_RULES_FILE_BYTES = 5 * 1024 * 1024


class RulesImportForm(forms.Form):
    file = forms.FileField(label=_("Rules file (JSON)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # checked on the upload's size, before anything reads it into memory
        if upload.size > MAX_RULES_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."), code="too_large")
        return upload
