from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

CHANNEL_CHOICES = (
    ("chat", _("Chat with a buyer")),
    ("question_answer", _("Answer to a product question")),
    ("question_decline", _("Declining a question")),
    ("review_reply", _("Reply to a review")),
)


class PlaygroundForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNEL_CHOICES, initial="chat")
    buyer_name = forms.CharField(label=_("Buyer's name"), required=False, max_length=100)
    text = forms.CharField(
        label=_("Reply"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 7, "id": "reply-text"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].widget.attrs["id"] = "reply-channel"
        self.fields["buyer_name"].widget.attrs["id"] = "reply-buyer"


class PolicySettingsForm(forms.Form):
    """Filled in once the engine's Policy shape is known (see policy_data)."""

    def __init__(self, *args: Any, policy_data: dict[str, Any], **kwargs: Any) -> None:
        self.policy_data_initial = policy_data
        super().__init__(*args, **kwargs)

    def policy_data(self) -> dict[str, Any]:
        return dict(self.policy_data_initial)
