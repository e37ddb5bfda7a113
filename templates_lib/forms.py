from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.models import ReplyLanguage
from templates_lib.models import Category, Channel, CustomVariable
from templates_lib.rendering import MAX_BODY


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    body = forms.CharField(
        label=_("Text"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "true"}),
        strip=False,
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels it suits"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(label=_("Language"), choices=ReplyLanguage.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Comma-separated, e.g. delivery, apology")
    )
    personal = forms.TypedChoiceField(
        label=_("Who sees it"),
        choices=[("1", _("Only me (personal)")), ("0", _("The whole shop"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, can_share: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not can_share:
            # sellers keep personal templates only
            self.fields["personal"].choices = [("1", _("Only me (personal)"))]

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("JSON file"))
    personal = forms.TypedChoiceField(
        label=_("Import as"),
        choices=[("1", _("My personal templates")), ("0", _("Shop templates"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, can_share: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not can_share:
            self.fields["personal"].choices = [("1", _("My personal templates"))]


class CustomVariableForm(forms.ModelForm):
    class Meta:
        model = CustomVariable
        fields = ["name", "label", "value"]
        help_texts = {
            "name": _("Used in templates as {{ name }}: lowercase Latin letters, digits, _.")
        }
