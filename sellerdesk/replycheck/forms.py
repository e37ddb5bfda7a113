from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sellerdesk.core.forms import PeriodFilterForm
from sellerdesk.policy import CHANNELS, PARTS, REGISTRY, Report
from sellerdesk.replycheck.models import RepetitionSettings
from sellerdesk.replycheck.services import ReplyRefused, reply_refusal_record

CHANNEL_CHOICES = (
    ("chat", _("Chat with a buyer")),
    ("question_answer", _("Answer to a product question")),
    ("question_decline", _("Declining a question")),
    ("review_reply", _("Reply to a review")),
)


class ReplyForm(forms.Form):
    """A reply box: the textarea is named "text" for the live check and the template picker.

    ``auto_id`` names the textarea ("answer-%s" gives "answer-text"), so two boxes on one page
    keep their ids apart. After a refused send :meth:`add_refusal` puts the reason on the form.
    """

    text = forms.CharField(
        label=_("Reply"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    warnings_confirmed = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.report: Report | None = None

    def add_refusal(self, refused: ValidationError) -> None:
        """A refused send: the policy's report becomes the findings under the box (with "send
        anyway" when only warnings stopped it); any other refusal becomes the form's errors."""
        if isinstance(refused, ReplyRefused):
            self.report = refused.report
            # The sending transaction was rolled back; the request's commits this record.
            reply_refusal_record(refused)
        else:
            self.add_error(None, refused.messages)


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


SEVERITY_CHOICES = (
    ("", _("As designed")),
    ("error", _("Error: blocks sending")),
    ("warning", _("Warning: needs confirmation")),
    ("info", _("Hint only")),
    ("off", _("Off")),
)
SEVERITY_LABELS = dict(SEVERITY_CHOICES[1:])
CODE_LABELS = {
    "missing_greeting": _("No greeting"),
    "missing_thanks": _("No thanks"),
    "missing_reason": _("No reason given for a decline"),
    "missing_alternative": _("No alternative offered in a decline"),
    "missing_closing": _("No closing phrase"),
    "greeting_without_name": _("Greeting without the buyer's name"),
    "contact_outside_chat": _("Contacts (phone, e-mail, links, messengers)"),
    "profanity": _("Obscene or forbidden words"),
    "overpromise": _("Promises the shop cannot guarantee"),
    "rating_manipulation": _("Asking to change a rating or paying for one"),
    "rude": _("Rudeness to the buyer (mockery, go away, contempt)"),
    "blame": _("Blaming the buyer"),
    "brush_off": _("Refusing responsibility without offering help"),
    "shouting": _("Text in capitals"),
    "too_long": _("Reply too long"),
    "placeholder": _("Unfilled template variable"),
    "repeated_text": _("Repeated sentence"),
    "empty": _("Empty reply"),
    "excessive_punctuation": _("Too many exclamation or question marks"),
}
PART_LABELS = {
    "greeting": _("Greeting"),
    "thanks": _("Thanks"),
    "reason": _("Reason"),
    "alternative": _("Alternative"),
    "closing": _("Closing"),
}
DOMAIN_RE = re.compile(r"^(?:[a-z0-9а-яё](?:[a-z0-9а-яё-]{0,61}[a-z0-9а-яё])?\.)+[a-zа-я]{2,24}$")
MAX_LIST_LINES = 300
MAX_WORD_LENGTH = 60


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class PolicySettingsForm(forms.Form):
    """The shop's reply rules as plain fields; ``policy_data()`` builds the engine's dict."""

    allow_contacts_in_chat = forms.BooleanField(
        label=_("Allow contacts (phone, e-mail, links) in chat messages"),
        required=False,
        help_text=_("Answers to questions and reviews never may carry contacts."),
    )
    extra_forbidden_words = forms.CharField(
        label=_("Extra forbidden words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One word or phrase per line; a reply containing one is refused."),
    )
    allowed_domains = forms.CharField(
        label=_("Allowed domains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One domain per line, e.g. wildberries.ru; links to them are not treated as contacts."
        ),
    )

    def __init__(self, *args: Any, policy_data: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channel_labels = dict(CHANNEL_CHOICES)
        required = policy_data.get("required_parts", {})
        for channel in CHANNELS:
            for part in PARTS:
                self.fields[self.part_field(channel, part)] = forms.BooleanField(
                    label=f"{self.channel_labels[channel]}: {PART_LABELS[part]}",
                    required=False,
                    initial=part in required.get(channel, ()),
                )
            self.fields[self.length_field(channel)] = forms.IntegerField(
                label=self.channel_labels[channel],
                min_value=1,
                max_value=100_000,
                initial=policy_data.get("max_length", {}).get(channel, 1000),
            )
        # Shop-wide overrides from older rules show up in every channel's cell; saving
        # the form stores them per channel.
        overrides = policy_data.get("severity_overrides", {})
        per_channel = policy_data.get("channel_severity", {})
        for check in REGISTRY:
            if not check.overridable:
                continue
            label = CODE_LABELS.get(check.code, check.code)
            for channel in CHANNELS:
                own = per_channel.get(channel, {})
                self.fields[self.severity_field(channel, check.code)] = forms.ChoiceField(
                    label=f"{label}: {self.channel_labels[channel]}",
                    choices=SEVERITY_CHOICES,
                    required=False,
                    initial=own.get(check.code, overrides.get(check.code, "")),
                )
        self.fields["allow_contacts_in_chat"].initial = policy_data.get(
            "allow_contacts_in_chat", True
        )
        self.fields["extra_forbidden_words"].initial = "\n".join(
            policy_data.get("extra_forbidden_words", ())
        )
        self.fields["allowed_domains"].initial = "\n".join(policy_data.get("allowed_domains", ()))

    @staticmethod
    def part_field(channel: str, part: str) -> str:
        return f"required_{channel}_{part}"

    @staticmethod
    def length_field(channel: str) -> str:
        return f"max_length_{channel}"

    @staticmethod
    def severity_field(channel: str, code: str) -> str:
        return f"severity_{channel}_{code}"

    # Structured access for the template (a table per channel, a list of codes).
    def channel_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "channel": channel,
                "label": self.channel_labels[channel],
                "parts": [self[self.part_field(channel, part)] for part in PARTS],
                "max_length": self[self.length_field(channel)],
            }
            for channel in CHANNELS
        ]

    def part_headers(self) -> list[str | Promise]:
        return [PART_LABELS[part] for part in PARTS]

    def channel_headers(self) -> list[str]:
        return [str(self.channel_labels[channel]) for channel in CHANNELS]

    def severity_rows(self) -> list[dict[str, Any]]:
        """Every check of the engine's registry: its default, and a choice per channel
        (none for the checks a shop may not change)."""
        return [
            {
                "code": check.code,
                "label": CODE_LABELS.get(check.code, check.code),
                "default": SEVERITY_LABELS[check.severity],
                "locked": not check.overridable,
                "cells": [self[self.severity_field(channel, check.code)] for channel in CHANNELS]
                if check.overridable
                else [],
            }
            for check in REGISTRY
        ]

    def clean_extra_forbidden_words(self) -> list[str]:
        words = _lines(self.cleaned_data["extra_forbidden_words"])
        if len(words) > MAX_LIST_LINES:
            raise forms.ValidationError(
                _("At most %(limit)d lines, please."), params={"limit": MAX_LIST_LINES}
            )
        for number, word in enumerate(words, 1):
            if len(word) > MAX_WORD_LENGTH:
                raise forms.ValidationError(
                    _("Line %(line)d is longer than %(limit)d characters."),
                    params={"line": number, "limit": MAX_WORD_LENGTH},
                )
        return list(dict.fromkeys(words))

    def clean_allowed_domains(self) -> list[str]:
        domains = []
        for number, line in enumerate(_lines(self.cleaned_data["allowed_domains"]), 1):
            domain = line.lower().removeprefix("https://").removeprefix("http://").rstrip("/")
            domain = domain.removeprefix("www.")
            if not DOMAIN_RE.match(domain):
                raise forms.ValidationError(
                    _(
                        "Line %(line)d is not a domain name: “%(value)s” (write it like wildberries.ru)."
                    ),
                    params={"line": number, "value": line},
                )
            domains.append(domain)
        if len(domains) > MAX_LIST_LINES:
            raise forms.ValidationError(
                _("At most %(limit)d lines, please."), params={"limit": MAX_LIST_LINES}
            )
        return list(dict.fromkeys(domains))

    def policy_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "required_parts": {
                channel: [part for part in PARTS if data.get(self.part_field(channel, part))]
                for channel in CHANNELS
            },
            "allow_contacts_in_chat": bool(data.get("allow_contacts_in_chat")),
            "severity_overrides": {},
            "channel_severity": {
                channel: {
                    check.code: data[self.severity_field(channel, check.code)]
                    for check in REGISTRY
                    if check.overridable and data.get(self.severity_field(channel, check.code))
                }
                for channel in CHANNELS
            },
            "extra_forbidden_words": data.get("extra_forbidden_words", []),
            "allowed_domains": data.get("allowed_domains", []),
            "max_length": {channel: data[self.length_field(channel)] for channel in CHANNELS},
        }


class QualityFilterForm(PeriodFilterForm):
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *CHANNEL_CHOICES]
    )
    seller = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class RepetitionSettingsForm(forms.ModelForm):
    class Meta:
        model = RepetitionSettings
        fields = ["enabled", "similarity", "min_count", "window_days"]
        widgets = {
            "similarity": forms.NumberInput(attrs={"step": "0.05", "min": "0.5", "max": "1"})
        }
