from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    # Write-only: the stored token is never rendered back into the page.
    token = forms.CharField(
        label=_("API token"),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        max_length=4096,
        help_text=_(
            "Create it in the Wildberries seller portal with access to questions, reviews and buyer chat."
        ),
    )


class AccountSettingsForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("Sync questions, reviews and chats automatically"), required=False
    )
    feedbacks_base_url = forms.URLField(
        label=_("Questions and reviews API address"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "Leave empty for Wildberries itself; set it to the local fake server for a demo."
        ),
    )
    chat_base_url = forms.URLField(
        label=_("Buyer chat API address"), required=False, assume_scheme="https"
    )
