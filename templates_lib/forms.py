from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.models import ReplyLanguage
from sellerdesk.policy import jsonsafe
from templates_lib.models import Category, Channel, CustomVariable
from templates_lib.rendering import MAX_BODY, STANDARD_VARIABLES, VARIABLE_MAX_LENGTH

VARIABLE_LABELS = {
    "buyer_name": _("Buyer's name"),
    "product_name": _("Product name"),
    "sku": _("Product SKU / article"),
    "shop_name": _("Shop name"),
    "seller_name": _("Your first name"),
    "order_number": _("Order number"),
    "size": _("Size you advise (filled in by hand for each reply)"),
}


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


class PickerInsertForm(forms.Form):
    """What a reply box sends when a template is picked: the template and the box's values
    (a JSON object of standard variables, each within its field's length)."""

    template = forms.IntegerField(min_value=1, error_messages={"required": _("Choose a template.")})
    # No length limit here: an over-long value must be named in the message, so the object
    # is read (bounded by the request size limit, in linear time) and each value measured.
    variables = forms.CharField(required=False, strip=False)

    def clean_variables(self) -> dict[str, str]:
        raw = self.cleaned_data["variables"] or "{}"
        try:
            data = jsonsafe.loads(raw, max_depth=2, max_chars=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        except jsonsafe.JSONInputError as error:
            raise forms.ValidationError(
                _("The reply box sent values the server cannot read."), code="invalid"
            ) from error
        if not isinstance(data, dict):
            raise forms.ValidationError(
                _("The reply box sent values the server cannot read."), code="invalid"
            )
        values: dict[str, str] = {}
        for name in STANDARD_VARIABLES:
            value = data.get(name)
            if value is None:
                continue
            if not isinstance(value, str | int) or isinstance(value, bool):
                raise forms.ValidationError(
                    _("The reply box sent values the server cannot read."), code="invalid"
                )
            value = str(value).strip()
            if len(value) > VARIABLE_MAX_LENGTH[name]:
                raise forms.ValidationError(
                    _("“%(label)s” is longer than %(count)s characters: shorten it and try again.")
                    % {"label": VARIABLE_LABELS[name], "count": VARIABLE_MAX_LENGTH[name]},
                    code="too_long",
                )
            values[name] = value
        return values
