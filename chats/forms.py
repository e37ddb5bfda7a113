from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sellerdesk.replycheck.forms import ReplyForm


class ChatReplyForm(ReplyForm):
    """A chat message: files may go without text, and the service explains the length limit."""

    text = forms.CharField(
        label=_("Reply"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
